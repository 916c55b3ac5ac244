"""Money in: the bank's transactions, matched by sub-account or claimed from the unmatched queue."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.duedates import Budget, compute_due_date
from enforcement.models import Case, CaseEvent, Court, NodeType
from enforcement.money import AmountTooLarge, too_large
from enforcement.services.deadlines import node_type_for
from enforcement.services.events import record_event
from enforcement.workcalendar import WorkingCalendar

from .. import accountnumbers, ledger
from ..models import BankTransaction, CaseAccount, CourtAccount, LedgerEntry
from ._common import _normalize_name, _require_finance
from .accounts import _lock_account

CLAIM_NODE = "claim_unmatched"

# How far ahead of our clock the bank's booking time may be (the two clocks drift), in minutes.
BOOKING_TOLERANCE_SETTING = "BANK_BOOKING_TOLERANCE_MINUTES"
DEFAULT_BOOKING_TOLERANCE_MINUTES = 10


@dataclass(frozen=True)
class IncomingMoney:
    transaction_id: str
    account_number: str
    amount: Decimal
    booked_at: datetime.datetime
    payer_name: str = ""
    payer_account: str = ""

    def as_recorded(self) -> dict[str, object]:
        """What a transaction stores of it, normalised as ``_record_incoming`` stores it."""
        return {
            "amount": self.amount,
            "account_number": accountnumbers.normalize(self.account_number)[:40],
            "payer_name": self.payer_name.strip()[:100],
            "payer_account": self.payer_account.strip()[:40],
        }


class ImpossibleBookingTime(ValidationError):
    """The bank's booking time is in the future or before the court's account was opened."""


def booking_tolerance() -> datetime.timedelta:
    minutes = getattr(settings, BOOKING_TOLERANCE_SETTING, DEFAULT_BOOKING_TOLERANCE_MINUTES)
    return datetime.timedelta(minutes=minutes)


def differences(tx: BankTransaction, incoming: IncomingMoney) -> dict[str, object]:
    """The recorded values that ``incoming`` contradicts (amount, sub-account, payer), by field."""
    return {
        field: getattr(tx, field)
        for field, value in incoming.as_recorded().items()
        if getattr(tx, field) != value
    }


def receive_money(
    *, incoming: IncomingMoney, source: str, court: Court | None = None
) -> tuple[BankTransaction, bool]:
    """Record money the bank says arrived; returns the transaction and whether it is new.

    Idempotent on the bank's transaction id: a repeat (also a concurrent one, which waits on the unique
    index and then finds the first) changes nothing. Matched by sub-account number, the money is
    credited at once; otherwise it waits in the unmatched queue with a claim-by date.
    """
    _check_incoming(incoming)
    transaction_id = incoming.transaction_id.strip()
    known = BankTransaction.objects.filter(transaction_id=transaction_id).first()
    if known is not None:
        return known, False
    try:
        with transaction.atomic():
            return _record_incoming(incoming, source, court), True
    except IntegrityError:
        known = BankTransaction.objects.filter(transaction_id=transaction_id).first()
        if known is None:
            raise
        return known, False


def _check_amount_column(amount: Decimal) -> None:
    if amount > ledger.LARGEST_AMOUNT:
        raise AmountTooLarge({"amount": too_large(ledger.LARGEST_AMOUNT).messages})


def check_fits_ledger(incoming: IncomingMoney) -> None:
    """Refuse an amount too large for its column, or for the balance of the case account it is paid to.
    (Crediting checks the balance again under the account's lock, and only for a new transaction.)"""
    _check_amount_column(incoming.amount)
    account = CaseAccount.objects.filter(number=accountnumbers.normalize(incoming.account_number)).first()
    if account is not None:
        ledger.check_credit_fits(account, incoming.amount)


def _check_incoming(incoming: IncomingMoney) -> None:
    _check_amount_column(incoming.amount)  # first: quantizing a huge amount would fail
    errors: dict[str, str] = {}
    if not incoming.transaction_id.strip() or len(incoming.transaction_id.strip()) > 64:
        errors["transaction_id"] = _("A transaction id of 1 to 64 characters is required.")
    if incoming.amount <= 0 or incoming.amount != incoming.amount.quantize(Decimal("0.01")):
        errors["amount"] = _("The amount must be more than zero, with at most two decimal places.")
    if incoming.booked_at.tzinfo is None:
        errors["booked_at"] = _("The booking time must include its time zone.")
    if errors:
        raise ValidationError(errors)


def _record_incoming(incoming: IncomingMoney, source: str, court: Court | None) -> BankTransaction:
    number = accountnumbers.normalize(incoming.account_number)
    account = (
        CaseAccount.objects.select_for_update(of=("self",))
        .filter(number=number)
        .select_related("case__court")
        .first()
    )
    tx = BankTransaction(
        transaction_id=incoming.transaction_id.strip(),
        source=source,
        account_number=number[:40],
        amount=incoming.amount,
        payer_name=incoming.payer_name.strip()[:100],
        payer_account=incoming.payer_account.strip()[:40],
        booked_at=incoming.booked_at,
    )
    if account is None:
        tx.status = BankTransaction.Status.UNMATCHED
        tx.court = court or _court_by_prefix(number)
        check_booking_time(incoming.booked_at, tx.court)
        _set_claim_due(tx)
        tx.save()
        return tx
    check_booking_time(incoming.booked_at, account.case.court)
    ledger.check_credit_fits(account, incoming.amount)  # before anything is written
    tx.status = BankTransaction.Status.MATCHED
    tx.court = account.case.court
    tx.case = account.case
    tx.payer_review_needed = not _payer_is_respondent(account.case, tx.payer_name)
    tx.save()
    _credit(tx, account, actor=None)
    return tx


def check_booking_time(booked_at: datetime.datetime, court: Court | None) -> None:
    """Money is booked neither ahead of our clock (beyond the drift allowed) nor before the court's
    account was opened; for money of no known court, before the first court account was opened."""
    local = timezone.localtime(booked_at)
    if booked_at > timezone.now() + booking_tolerance():
        message = _("The booking time %(time)s is in the future.") % {"time": f"{local:%Y-%m-%d %H:%M}"}
        raise ImpossibleBookingTime({"booked_at": [message]})
    accounts = CourtAccount.objects.all() if court is None else CourtAccount.objects.filter(court=court)
    opened_on = accounts.aggregate(first=Min("opened_on"))["first"]
    if opened_on is not None and local.date() < opened_on:
        message = _(
            "The booking time %(time)s is before the court's enforcement account was opened (%(date)s)."
        ) % {"time": f"{local:%Y-%m-%d %H:%M}", "date": opened_on.isoformat()}
        raise ImpossibleBookingTime({"booked_at": [message]})


def court_of_sub_account(account_number: str) -> Court | None:
    """The court money for this sub-account number belongs to: its case's, or by its prefix."""
    number = accountnumbers.normalize(account_number)
    account = CaseAccount.objects.filter(number=number).select_related("case__court").first()
    return account.case.court if account is not None else _court_by_prefix(number)


def _court_by_prefix(number: str) -> Court | None:
    prefix = accountnumbers.prefix_of(number)
    if prefix is None:
        return None
    found = CourtAccount.objects.filter(sub_account_prefix=prefix).select_related("court").first()
    return found.court if found is not None else None


def _set_claim_due(tx: BankTransaction, anchor: datetime.datetime | None = None) -> None:
    """The claim-by date comes from the deadline engine (node ``claim_unmatched``), with its explanation."""
    court = tx.court
    if court is None:
        node = NodeType.objects.filter(code=CLAIM_NODE, court__isnull=True, is_active=True).first()
    else:
        node = node_type_for(court, CLAIM_NODE)
    calendar = WorkingCalendar.for_court(court)
    if node is None:  # only if an administrator deleted the node type: the queue still shows the money
        return
    due = compute_due_date(
        anchor=timezone.localtime(anchor or tx.booked_at).date(),
        budget=Budget(node.budget, node.unit, working_days=node.counting == NodeType.Counting.WORKING),
        calendar=calendar,
        today=timezone.localdate(),
    )
    tx.claim_due_date = due.last_day
    tx.claim_explanation = due.explanation


def _credit(tx: BankTransaction, account: CaseAccount, actor: User | None) -> LedgerEntry:
    """Credit a saved transaction to the locked account, and tell the parties (a public event)."""
    entry = ledger.post_credit(
        account=account,
        kind=LedgerEntry.Kind.RECEIVED,
        amount=tx.amount,
        booked_at=tx.booked_at,
        actor=actor,
        note=tx.payer_name,
        bank_transaction=tx,
    )
    record_event(
        case=account.case,
        kind=CaseEvent.Kind.MONEY_RECEIVED,
        actor=actor,
        public=True,
        text_code="payments.money_received",
        text_params={"amount": f"{tx.amount:.2f}"},
        data={"amount": str(tx.amount), "transaction": tx.pk},
    )
    return entry


def _payer_is_respondent(case: Case, payer_name: str) -> bool:
    payer = _normalize_name(payer_name)
    return bool(payer) and any(_normalize_name(p.name) == payer for p in case.respondents())


@transaction.atomic
def claim_transaction(*, actor: User, tx: BankTransaction, case: Case, note: str = "") -> BankTransaction:
    """Finance puts unmatched money on the case it belongs to; it is credited there at once."""
    _require_finance(actor, case.court_id)
    if tx.court_id is not None and tx.court_id != case.court_id:
        raise ValidationError({"case": _("This money arrived in another court's account.")})
    account = _lock_account(case)
    locked = BankTransaction.objects.select_for_update().get(pk=tx.pk)
    if locked.status != BankTransaction.Status.UNMATCHED:
        raise ValidationError(_("This money has already been claimed or returned."))
    ledger.check_credit_fits(account, locked.amount)  # refused before anything is written
    locked.status = BankTransaction.Status.CLAIMED
    locked.case, locked.court = case, case.court
    locked.payer_review_needed = not _payer_is_respondent(case, locked.payer_name)
    locked.resolved_by, locked.resolved_at, locked.resolution_note = actor, timezone.now(), note.strip()
    locked.save()
    _credit(locked, account, actor)
    return locked


@transaction.atomic
def return_transaction(*, actor: User, tx: BankTransaction, note: str) -> BankTransaction:
    """Money that belongs to no case goes back to the payer; the reason is required."""
    _require_finance(actor, tx.court_id)
    if not note.strip():
        raise ValidationError({"note": _("Say why the money is returned.")})
    locked = BankTransaction.objects.select_for_update().get(pk=tx.pk)
    if locked.status != BankTransaction.Status.UNMATCHED:
        raise ValidationError(_("This money has already been claimed or returned."))
    locked.status = BankTransaction.Status.RETURNED
    locked.resolved_by, locked.resolved_at, locked.resolution_note = actor, timezone.now(), note.strip()
    locked.save()
    return locked


@transaction.atomic
def review_payer(*, actor: User, tx: BankTransaction, note: str) -> BankTransaction:
    """Someone other than a respondent paid: a finance officer or the case's judge looks and says why."""
    locked = BankTransaction.objects.select_for_update(of=("self",)).select_related("case").get(pk=tx.pk)
    case = locked.case
    if case is None or not (
        access.judges_case(actor, case) or roles.has_court_role(actor, case.court_id, roles.FINANCE)
    ):
        raise PermissionDenied(_("Only the case's judges and the court's finance officers review payers."))
    if not locked.payer_review_needed or locked.payer_reviewed_at is not None:
        raise ValidationError(_("This payment needs no review, or has been reviewed already."))
    if not note.strip():
        raise ValidationError({"note": _("Say who paid and why it is in order.")})
    locked.payer_reviewed_by, locked.payer_reviewed_at = actor, timezone.now()
    locked.payer_review_note = note.strip()
    locked.save(update_fields=["payer_reviewed_by", "payer_reviewed_at", "payer_review_note"])
    return locked
