"""Bank statements of the court's master account, imported from a CSV file (``docs/bank-statement.md``).

The whole file is checked before anything is written: a single bad line refuses the file, with every
problem listed by line number, and nothing is saved. Then, in one transaction, each incoming line goes
through ``services.receive_money`` (idempotent on the bank's transaction id, so a statement imported twice
credits once), outgoing lines are counted only (payouts finance recorded, bank fees), and the statement's
closing balance is kept for the daily reconciliation.
"""

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcement import roles
from enforcement.models import Court
from enforcement.money import CENT, MAX_TEXT_LENGTH, largest_amount, normalise_amount_text

from . import accountnumbers
from .ledger import LARGEST_AMOUNT
from .models import BankTransaction, CourtAccount, StatementImport
from .reconciliation import reconcile
from .services import IncomingMoney, booking_tolerance, receive_money

if TYPE_CHECKING:
    from _csv import _reader

COLUMNS = ("transaction_id", "booked_at", "account", "amount", "payer_name", "payer_account", "balance")
MAX_LINES = 20_000
MAX_BYTES = 10 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
# Chinese banks state times in China time; a time without an offset is read so.
BANK_TIME_ZONE = ZoneInfo("Asia/Shanghai")
# What the columns hold: a line's amount (money in becomes a transaction and a ledger entry), and the
# master account's balance.
LARGEST = {
    "amount": LARGEST_AMOUNT,
    "balance": largest_amount(StatementImport._meta.get_field("closing_balance")),
}

_HAS_TIME = re.compile(r"\d[T ]\d")
_ID_BATCH = 500


@dataclass(frozen=True)
class StatementLine:
    line: int  # in the file, the header being line 1
    transaction_id: str
    booked_at: datetime.datetime
    account: str
    amount: Decimal  # positive: money in; negative: money out of the master account
    payer_name: str
    payer_account: str
    balance: Decimal

    @property
    def incoming(self) -> bool:
        return self.amount > 0


def import_statement(*, court: Court, actor: User | None, filename: str, content: bytes) -> StatementImport:
    """Check the statement, then credit its new incoming lines and record its closing balance.

    ``actor`` is the court's finance officer, or None for the management command. Raises
    PermissionDenied for anyone else, and ValidationError listing every bad line (nothing is saved).
    """
    if actor is not None:
        roles.require_court_role(
            actor, court.pk, roles.FINANCE, message=_("Only the court's finance officers import statements.")
        )
    if not CourtAccount.objects.filter(court=court).exists():
        raise ValidationError(_("The court's enforcement account is not set up yet; ask the administrator."))
    lines = parse_statement(content)
    _raise_if_any(_conflicts(court, lines))
    with transaction.atomic():
        credited = duplicates = 0
        for line in sorted((x for x in lines if x.incoming), key=lambda x: (x.booked_at, x.line)):
            created = _receive(court, line)
            credited += created
            duplicates += not created
        # The latest line gives the balance; of lines booked at the same time, the one lower in the file.
        last = max(lines, key=lambda x: (x.booked_at, x.line))
        imported = StatementImport.objects.create(
            court=court,
            filename=PurePath(filename).name[:200] or "statement.csv",
            imported_by=actor,
            lines=len(lines),
            credited=credited,
            duplicates=duplicates,
            closing_balance=last.balance,
            closing_at=last.booked_at,
        )
        # Reconciled at once: a statement imported after the morning run need not wait a day.
        reconcile(court)
        return imported


def _receive(court: Court, line: StatementLine) -> bool:
    """Credit one incoming line; a refusal (a balance the ledger cannot hold, say) names the line, and
    rolls back the whole import with it."""
    try:
        _tx, created = receive_money(
            incoming=IncomingMoney(
                transaction_id=line.transaction_id,
                account_number=line.account,
                amount=line.amount,
                booked_at=line.booked_at,
                payer_name=line.payer_name,
                payer_account=line.payer_account,
            ),
            source=BankTransaction.Source.STATEMENT,
            court=court,
        )
    except ValidationError as error:
        problem = " ".join(error.messages).rstrip(".。")
        raise ValidationError(
            _("Line %(line)d: %(problem)s.") % {"line": line.line, "problem": problem}
        ) from error
    return created


# --- Reading and checking the file --------------------------------------------------------------------------


def parse_statement(content: bytes) -> list[StatementLine]:
    """The statement's lines, every one checked; a ValidationError lists each problem by line number."""
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB; split the statement.") % {"size": MAX_BYTES // 2**20}
        )
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationError(_("The file is empty."))
        positions = _columns(header)
        lines, errors = _read_lines(reader, positions)
    except csv.Error as error:
        raise ValidationError(
            _("Line %(line)d: the file is not valid CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    _raise_if_any(errors)
    if not lines:
        raise ValidationError(_("The statement has no lines after its header."))
    return lines


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(_("The file is UTF-16 text; save it as CSV (UTF-8) and try again."))
    if content.startswith(codecs.BOM_UTF8):  # Excel's "CSV UTF-8" starts with one
        content = content[len(codecs.BOM_UTF8) :]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        try:  # what Chinese banks' systems export
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not text in UTF-8 or GB18030.")) from None
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file."))
    return text


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column is; names in any order and case, other columns ignored."""
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    missing = [c for c in COLUMNS if c not in names]
    problems = []
    if missing:
        problems.append(
            _("Line 1: the header lacks the column(s) %(missing)s; it must name %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    if repeated:
        problems.append(_("Line 1: the header repeats %(names)s.") % {"names": ", ".join(repeated)})
    _raise_if_any(problems)
    return {name: names.index(name) for name in COLUMNS}


def _read_lines(reader: "_reader", positions: dict[str, int]) -> tuple[list[StatementLine], list[str]]:
    lines: list[StatementLine] = []
    errors: list[str] = []
    first_seen: dict[str, int] = {}
    width = max(positions.values()) + 1
    rows = 0
    ended = reader.line_num
    for row in reader:
        # A row starts on the line after the previous one ended (a quoted cell may span lines).
        number, ended = ended + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines, and Excel's rows of empty cells
        rows += 1
        if rows > MAX_LINES:
            raise ValidationError(
                _("The statement has more than %(max)d lines; split it into several files.")
                % {"max": MAX_LINES}
            )
        if len(row) < width:
            errors.append(
                _("Line %(line)d: %(found)d fields where the header has %(expected)d.")
                % {"line": number, "found": len(row), "expected": width}
            )
            continue
        cells = {name: row[i].strip() for name, i in positions.items()}
        line, problems = _line(number, cells)
        tid = cells["transaction_id"]
        if tid and tid in first_seen:
            problems.append(
                _("the transaction id %(id)s is also on line %(other)d")
                % {"id": tid, "other": first_seen[tid]}
            )
        first_seen.setdefault(tid, number)
        if problems:
            errors.extend(_("Line %(line)d: %(problem)s.") % {"line": number, "problem": p} for p in problems)
        elif line is not None:
            lines.append(line)
    return lines, errors


def _line(number: int, cells: dict[str, str]) -> tuple[StatementLine | None, list[str]]:
    problems: list[str] = []
    tid = cells["transaction_id"]
    if not tid:
        problems.append(_("the transaction id is missing"))
    elif len(tid) > 64:
        problems.append(_("the transaction id is longer than 64 characters"))
    booked_at = _booked_at(cells["booked_at"], problems)
    amount = _decimal(cells["amount"], "amount", problems)
    if amount is not None and amount == 0:
        problems.append(_("the amount is zero"))
    balance = _decimal(cells["balance"], "balance", problems)
    if balance is not None and balance < 0:
        problems.append(_("the balance %(value)s is negative") % {"value": cells["balance"]})
    account = accountnumbers.normalize(cells["account"])
    for value, limit, what in (
        (account, 40, "account"),
        (cells["payer_name"], 100, "payer_name"),
        (cells["payer_account"], 40, "payer_account"),
    ):
        if len(value) > limit:
            problems.append(
                _("the column %(column)s is longer than %(max)d characters") % {"column": what, "max": limit}
            )
    if problems or booked_at is None or amount is None or balance is None:
        return None, problems
    line = StatementLine(
        number, tid, booked_at, account, amount, cells["payer_name"], cells["payer_account"], balance
    )
    return line, problems


def _booked_at(text: str, problems: list[str]) -> datetime.datetime | None:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or not _HAS_TIME.search(text):
        problems.append(
            _("the booking time %(value)s is not an ISO 8601 date and time (e.g. 2026-03-02 14:05:00)")
            % {"value": text or "—"}
        )
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BANK_TIME_ZONE)
    if value > timezone.now() + booking_tolerance():
        problems.append(_("the booking time %(value)s is in the future") % {"value": text})
        return None
    return value


def _decimal(text: str, column: str, problems: list[str]) -> Decimal | None:
    """A signed amount, written as every amount may be (``enforcement.money``), that its column holds."""
    plain = normalise_amount_text(text) if len(text) <= MAX_TEXT_LENGTH else None
    if plain is not None and Decimal(plain).copy_abs() > LARGEST[column]:
        problems.append(
            _("the column %(column)s: %(value)s is more than the ledger holds (at most %(largest)s)")
            % {"column": column, "value": text, "largest": f"{LARGEST[column]:.2f}"}
        )
        return None
    value = Decimal(plain) if plain is not None else None
    if value is None or value != value.quantize(CENT):  # the size is checked above: quantizing works
        problems.append(
            _("the column %(column)s: %(value)s is not a number with at most two decimal places")
            % {"column": column, "value": text or "—"}
        )
        return None
    return value.quantize(CENT)


# --- Checks against what is already recorded ----------------------------------------------------------------


def _conflicts(court: Court, lines: list[StatementLine]) -> list[str]:
    """Lines that contradict stored transactions or name another court's sub-account."""
    errors: list[str] = []
    known = _known_transactions([line.transaction_id for line in lines])
    prefixes = dict(CourtAccount.objects.values_list("sub_account_prefix", "court__code"))
    opened_on = CourtAccount.objects.filter(court=court).values_list("opened_on", flat=True).first()
    for line in lines:
        if opened_on is not None and timezone.localtime(line.booked_at).date() < opened_on:
            errors.append(
                _("Line %(line)d: booked before the court's enforcement account was opened (%(date)s).")
                % {"line": line.line, "date": opened_on.isoformat()}
            )
        tx = known.get(line.transaction_id)
        if tx is not None and (not line.incoming or tx.amount != line.amount):
            errors.append(
                _("Line %(line)d: the transaction id %(id)s is already recorded with the amount %(amount)s.")
                % {"line": line.line, "id": line.transaction_id, "amount": tx.amount}
            )
        elif tx is not None and tx.court_id not in (None, court.pk):
            errors.append(
                _("Line %(line)d: the transaction %(id)s is recorded in another court's account.")
                % {"line": line.line, "id": line.transaction_id}
            )
        owner = prefixes.get(accountnumbers.prefix_of(line.account) or "")
        if line.incoming and owner is not None and owner != court.code:
            errors.append(
                _("Line %(line)d: the sub-account %(account)s belongs to the court %(court)s.")
                % {"line": line.line, "account": line.account, "court": owner}
            )
    return errors


def _known_transactions(ids: list[str]) -> dict[str, BankTransaction]:
    known: dict[str, BankTransaction] = {}
    for start in range(0, len(ids), _ID_BATCH):
        batch = BankTransaction.objects.filter(transaction_id__in=ids[start : start + _ID_BATCH])
        known.update((tx.transaction_id, tx) for tx in batch.only("transaction_id", "amount", "court_id"))
    return known


def _raise_if_any(errors: list[str]) -> None:
    if not errors:
        return
    shown = errors[:MAX_ERRORS_SHOWN]
    hidden = len(errors) - len(shown)
    if hidden:
        shown.append(
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", hidden)
            % {"count": hidden}
        )
    raise ValidationError(shown)
