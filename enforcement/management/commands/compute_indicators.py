import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcement.indicators.compute import compute_indicators
from enforcement.models import Court


class Command(BaseCommand):
    help = (
        "Compute the supervision indicators' monthly figures (what the nightly task does): the last 12 "
        "months of every court, or one court (--court CODE) and one month (--month YYYY-MM)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--court", help="the court's code, e.g. 蒙0302; default: every active court")
        parser.add_argument("--month", help="YYYY-MM; default: the last 12 months")

    def handle(self, *args: object, **options: object) -> None:
        court_ids = None
        if options.get("court"):
            court = Court.objects.filter(code=str(options["court"])).first()
            if court is None:
                raise CommandError(f"no court with the code {options['court']}")
            court_ids = [court.pk]
        months = None
        if options.get("month"):
            try:
                months = [datetime.date.fromisoformat(f"{options['month']}-01")]
            except ValueError as error:
                raise CommandError("--month is YYYY-MM, e.g. 2026-11") from error
        result = compute_indicators(court_ids=court_ids, months=months)
        self.stdout.write(f"months {result.months}, figures {result.figures}, removed {result.removed}")
