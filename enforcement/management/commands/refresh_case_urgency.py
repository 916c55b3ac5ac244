from django.core.management.base import BaseCommand, CommandParser

from enforcement.urgency import refresh_all, stale_case_ids


class Command(BaseCommand):
    help = (
        "Recompute every case's most urgent due time and its counts of overdue and nearing deadlines from "
        "its deadlines (a repair: the deadline engine keeps them on every write). With --check, only report "
        "the cases whose stored values disagree, and exit 1 if there are any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="report stale cases, change nothing")

    def handle(self, *args: object, **options: object) -> None:
        if options["check"]:
            stale = stale_case_ids()
            for pk in stale[:50]:
                self.stdout.write(f"stale: case {pk}")
            self.stdout.write(f"{len(stale)} case(s) with a stale urgency")
            if stale:
                raise SystemExit(1)
            return
        self.stdout.write(f"{refresh_all()} case(s) refreshed")
