"""Import a bank statement of a court's master account (format: docs/bank-statement.md).

    manage.py import_statement --court 蒙0302 statement.csv
    manage.py import_statement --court 蒙0302 --user finance - < statement.csv

Nothing is saved unless every line is good; the problems are listed by line number.
"""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from enforcement.models import Court
from payments.models import StatementImport
from payments.statements import import_statement


class Command(BaseCommand):
    help = "Import a bank statement (CSV) of a court's master account: credits new incoming money once."
    # call_command("import_statement", "-", stdin=io.BytesIO(...)) feeds "-" in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="the statement file (CSV, UTF-8 or GB18030); '-' reads standard input"
        )
        parser.add_argument("--court", required=True, help="the court's code, e.g. 蒙0302")
        parser.add_argument("--user", help="username of the finance officer who imports it (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        court = Court.objects.filter(code=options["court"]).first()
        if court is None:
            raise CommandError(f"No court with the code {options['court']!r}.")
        actor = self._user(options.get("user"))
        name = options["file"]
        content = self._read(name, options.get("stdin"))
        try:
            result = import_statement(
                court=court, actor=actor, filename="stdin.csv" if name == "-" else name, content=content
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(summary(result))

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user

    def _read(self, name: str, stdin: Any) -> bytes:
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            return bytes(stream.read())
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error}") from error


def summary(result: StatementImport) -> str:
    outgoing = result.lines - result.credited - result.duplicates
    as_of = timezone.localtime(result.closing_at).strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{result.court.code} {result.filename}: {result.lines} line(s); {result.credited} new, "
        f"{result.duplicates} already known, {outgoing} outgoing; "
        f"master account balance {result.closing_balance} as of {as_of}."
    )
