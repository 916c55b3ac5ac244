"""Load a year's State Council holiday notice, or add what an upgraded chinesecalendar package knows.

    manage.py load_holidays --year 2027 --file notice.txt --user admin
    manage.py load_holidays --year 2027 --file - --user admin < notice.txt
    manage.py load_holidays --from-package [--user admin]

The notice has one line per day or range: ``2027-01-01 rest 元旦``, ``2027-02-15..2027-02-23 休 春节``,
``2027-02-14 workday 春节调休`` (``#`` starts a comment). Open deadlines the change moves are recomputed.
"""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcement.services.calendar import (
    apply_year_notice,
    check_calendar_administrator,
    parse_notice,
    refresh_from_package,
)


class Command(BaseCommand):
    help = (
        "Load a year's State Council holiday notice (--year, --file, --user), or add the national holidays "
        "and years an upgraded chinesecalendar package knows (--from-package). Recomputes open deadlines."
    )
    # call_command("load_holidays", ..., stdin=io.StringIO(...)) feeds "--file -" in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--year", type=int, help="the year of the notice")
        what.add_argument(
            "--from-package",
            action="store_true",
            help="add missing national rows and years from the chinesecalendar package",
        )
        parser.add_argument("--file", help="the notice text (UTF-8); '-' reads standard input")
        parser.add_argument("--user", help="username of the administrator who loads it")
        parser.add_argument("--note", default="", help="a note kept with the year (e.g. the notice's number)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._user(options.get("user"))
        if options["from_package"]:
            if options.get("file"):
                raise CommandError("--file goes with --year, not with --from-package.")
            self._from_package(actor)
            return
        if actor is None:
            raise CommandError("--user is required to load a notice: the administrator who loads it.")
        if not options.get("file"):
            raise CommandError("--file is required with --year ('-' reads standard input).")
        text = self._read(options["file"], options.get("stdin"))
        self._notice(actor, options["year"], text, options["note"])

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            check_calendar_administrator(user)
        except PermissionDenied as error:
            raise CommandError(f"{username}: {error}") from error
        return user

    def _read(self, name: str, stdin: Any) -> str:
        if name == "-":
            return str((stdin or sys.stdin).read())
        try:
            return Path(name).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error}") from error

    def _notice(self, actor: User, year: int, text: str, note: str) -> None:
        try:
            result = apply_year_notice(actor=actor, year=year, days=parse_notice(text), note=note)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{year}: loaded from the notice ({'first load' if result.first_load else 'reloaded'}); "
            f"{len(result.added)} day(s) added, {len(result.changed)} changed, "
            f"{len(result.removed)} removed; "
            f"{result.deadlines_moved} open deadline(s) recomputed."
        )

    def _from_package(self, actor: User | None) -> None:
        refresh = refresh_from_package(actor=actor)
        seed = refresh.seed
        span = f"{seed.years.start}–{seed.years.stop - 1}"
        if not seed.days_added and not seed.years_added:
            self.stdout.write(f"Nothing to add: every day and year the package knows ({span}) is loaded.")
            return
        by_year: dict[int, int] = {}
        for day in seed.days_added:
            by_year[day.year] = by_year.get(day.year, 0) + 1
        for year in sorted(set(by_year) | set(seed.years_added)):
            marked = " (year marked as loaded)" if year in seed.years_added else ""
            self.stdout.write(f"{year}: {by_year.get(year, 0)} day(s) added from the package{marked}")
        self.stdout.write(
            f"Package covers {span}: {len(seed.days_added)} day(s) and {len(seed.years_added)} year(s) "
            f"added; {refresh.deadlines_moved} open deadline(s) recomputed."
        )
