from django.core.management.base import BaseCommand, CommandParser
from django.utils.dateparse import parse_datetime

from enforcement.scan import scan_deadlines


class Command(BaseCommand):
    help = "Run the deadline scan once: move deadlines to nearing and overdue, raise alerts, queue notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="scan as of this ISO 8601 time (replays); default: now")

    def handle(self, *args: object, **options: object) -> None:
        now = None
        if options.get("at"):
            now = parse_datetime(str(options["at"]))
            if now is None or now.tzinfo is None:
                self.stderr.write(
                    "--at needs an ISO 8601 time with its offset, e.g. 2026-10-09T00:00:00+08:00"
                )
                raise SystemExit(2)
        result = scan_deadlines(now=now)
        self.stdout.write(
            f"nearing {result.nearing}, overdue {result.overdue}, alerts {result.alerts}, "
            f"resolved {result.resolved}, paused deadlines recomputed {result.refreshed}"
        )
