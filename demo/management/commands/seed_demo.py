"""``manage.py seed_demo``: demo data for ``make run`` — the courts of 乌海市, their teams, one login per
role, about fifty cases with their first steps, measures, money and the parties' pages (``demo``).

Idempotent: courts, teams, users and memberships are created or brought back to their demo values; cases,
measures and money are seeded only when none of theirs exists. Every step goes through the services at
the moment it happened (``demo.clock``), so numbers, timelines, ledgers and deadlines are what real use
makes; the scan then raises today's alerts, at the real time.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from custody.services import flag_lapsed_measures
from demo.assignment import seed_assignments
from demo.cases import seed_cases
from demo.clock import Clock
from demo.custody import seed_custody_examples, seed_searches
from demo.org import HOME_COURT, seed_organisation
from demo.payments import seed_money
from demo.portal_examples import seed_lobby, seed_party_demo
from demo.report import Seeded, report
from enforcement.scan import scan_deadlines

DEFAULT_CASES = 50


class Command(BaseCommand):
    help = "Create the demo courts, teams, logins (password demo1234) and cases; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help="number of cases to file (default 50)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (it creates a superuser 'admin' with a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo logins share a published password, and 'admin' is a superuser: never on a real
        # deployment by accident.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo resets the demo logins to a published password; "
                "it runs only with DEBUG on (or with --force)."
            )
        if options["cases"] < 0:
            raise CommandError("--cases must be zero or more.")
        report(self.stdout, seed(count=options["cases"]))


def seed(*, count: int) -> Seeded:
    clock = Clock(timezone.now().replace(microsecond=0))  # bank statements give whole seconds
    with transaction.atomic():
        org = seed_organisation()
        home = org.courts[HOME_COURT]
        filed = seed_cases(clock, org, count=count)
        seed_assignments(clock, filed, org.users)
        seed_searches(clock, filed, org.users)
        measures = seed_custody_examples(clock, home, org.users)
        receipts = seed_money(clock, home, org.users)
        party_demo = seed_party_demo(clock, home, org.users)
        seed_lobby(home)
    # Now, at the real time: the measures whose term has run out, and the alerts the history has raised
    # by today (a no-op on a second run).
    flag_lapsed_measures()
    scan_deadlines()
    return Seeded(len(filed), receipts, measures, party_demo)
