"""Writes of the case money: accounts, money in, claims, payouts, holds, adjustments.

Every write that touches a case's money locks the case account first (``_lock_account``), then any
payout or hold row, re-checks the state under the lock, and writes the timeline. Locks are always taken
in that order (accounts by id when there are two) so two writers never wait on each other in a circle.
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import roles
from enforcement.duedates import Budget, compute_due_date
from enforcement.models import Case, CaseEvent, Court, NodeType, Party
from enforcement.money import AmountTooLarge, too_large
from enforcement.selectors import judges_the_case
from enforcement.services.deadlines import meet_deadline, node_type_for, open_deadline
from enforcement.services.events import record_event
from enforcement.workcalendar import WorkingCalendar

from . import accountnumbers, ledger
from .ledger import quantize
from .models import (
    ZERO,
    BankTransaction,
    CaseAccount,
    CourtAccount,
    LedgerEntry,
    PayeeAccount,
    PaymentBatch,
    Payout,
    PayoutHold,
    PayoutLine,
)
from .signals import entry_reversed

logger = logging.getLogger(__name__)

CLAIM_NODE = "claim_unmatched"
APPROVE_NODE = "payout_approve"
PAY_NODE = "payout_pay"

APPROVER_ROLES = (roles.TEAM_LEAD, roles.SUPERVISOR, roles.PRESIDENT)
HOLD_APPROVER_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)


# --- Accounts ---------------------------------------------------------------------------------------------


def open_case_account(case: Case) -> CaseAccount | None:
    """The case's sub-account, opened now if the court's enforcement account is set up.

    Called when a case is filed. A court without an enforcement account yet gets its cases' accounts
    on first use once it has one; filing never fails for want of it.
    """
    existing = CaseAccount.objects.filter(case=case).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        court_account = CourtAccount.objects.select_for_update().filter(court_id=case.court_id).first()
        if court_account is None:
            logger.warning(
                "court %s has no enforcement account: case %s opened without one", case.court_id, case
            )
            return None
        existing = CaseAccount.objects.filter(case=case).first()
        if existing is not None:
            return existing
        # A plain UPDATE under the lock: the counter is not an edit anyone should see in the history.
        CourtAccount.objects.filter(pk=court_account.pk).update(
            last_sub_account_seq=F("last_sub_account_seq") + 1
        )
        court_account.refresh_from_db(fields=["last_sub_account_seq"])
        number = accountnumbers.sub_account_number(
            court_account.sub_account_prefix, court_account.last_sub_account_seq
        )
        return CaseAccount.objects.create(case=case, court_account=court_account, number=number)


def _account_of(case: Case) -> CaseAccount:
    account = open_case_account(case)
    if account is None:
        raise ValidationError(_("The court's enforcement account is not set up yet; ask the administrator."))
    return account


def _lock_account(case: Case) -> CaseAccount:
    account = _account_of(case)
    # of=self: lock the account row only, not the case and court rows the join brings along.
    return (
        CaseAccount.objects.select_for_update(of=("self",)).select_related("case__court").get(pk=account.pk)
    )


# --- Who may -----------------------------------------------------------------------------------------------


def works_on_case(actor: roles.AnyUser, case: Case) -> bool:
    """The responsible judge and the judges and lead of the case's team."""
    return roles.has_court_role(actor, case.court_id, roles.JUDGE, roles.TEAM_LEAD) and judges_the_case(
        actor, case
    )


def _require_case_worker(actor: User, case: Case) -> None:
    if not works_on_case(actor, case):
        raise PermissionDenied(_("Only the case's judge and its team's judges may do this."))


def _require_finance(actor: User, court_id: int | None) -> None:
    allowed = roles.has_role(actor, roles.FINANCE) and (
        court_id is None or court_id in roles.court_ids_of(actor)
    )
    if not allowed:
        raise PermissionDenied(_("Only the court's finance officers handle money."))


def may_approve(actor: roles.AnyUser, payout: Payout) -> bool:
    needed = (roles.PRESIDENT,) if payout.needs_higher_approval else APPROVER_ROLES
    return actor.pk != payout.proposed_by_id and roles.has_court_role(actor, payout.case.court_id, *needed)


# --- Money in ---------------------------------------------------------------------------------------------


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


def _normalize_name(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")


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
        works_on_case(actor, case) or roles.has_court_role(actor, case.court_id, roles.FINANCE)
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


# --- Payee accounts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    party: Party
    bank_name: str
    account_name: str
    account_number: str
    basis: str


def confirmed_payees(case: Case) -> dict[int, Payee]:
    """Applicants' payout accounts: recorded by the judge, or handed over by the locked first interview
    (``take_payee_from_interview``)."""
    return {
        recorded.party_id: Payee(
            recorded.party, recorded.bank_name, recorded.account_name, recorded.account_number, recorded.basis
        )
        for recorded in PayeeAccount.objects.filter(party__in=case.applicants()).select_related("party")
    }


INTERVIEW_BASIS = "初次接待笔录"  # stored in the court's language, as a judge writes a basis


def take_payee_from_interview(
    *, actor: User, case: Case, bank_name: str, account_name: str, account_number: str
) -> PayeeAccount | None:
    """The payout account the first interview confirmed, handed over when intake locks the record.

    It goes to the applicant it names (or the only applicant); an account the judge recorded already
    stays. Called inside intake's locking transaction, so the handover and the lock stand or fall
    together. None when the record names no account or no applicant it can go to.
    """
    if not account_number.strip():
        return None
    applicants = case.applicants()
    named = [p for p in applicants if _normalize_name(p.name) == _normalize_name(account_name)]
    party = named[0] if named else (applicants[0] if len(applicants) == 1 else None)
    if party is None or PayeeAccount.objects.filter(party=party).exists():
        return None
    payee = PayeeAccount(
        case=case,
        party=party,
        bank_name=bank_name.strip(),
        account_name=account_name.strip(),
        account_number=account_number.strip(),
        basis=INTERVIEW_BASIS,
        confirmed_by=actor,
    )
    payee._history_user = actor  # type: ignore[attr-defined]  # simple_history's per-save user
    payee.save()
    return payee


@transaction.atomic
def record_payee_account(
    *, actor: User, party: Party, bank_name: str, account_name: str, account_number: str, basis: str
) -> PayeeAccount:
    """The judge confirms an applicant's payout account (for an applicant the interview did not cover)."""
    case = party.case
    _require_case_worker(actor, case)
    if party.role != Party.Role.APPLICANT:
        raise ValidationError({"party": _("Payouts go to applicants only.")})
    account = PayeeAccount.objects.select_for_update().filter(party=party).first() or PayeeAccount(
        party=party
    )
    account.case, account.confirmed_by, account.confirmed_at = case, actor, timezone.now()
    account.bank_name, account.account_name = bank_name.strip(), account_name.strip()
    account.account_number = accountnumbers.normalize(account_number)
    account.basis = basis.strip()
    account.full_clean(
        exclude=["party", "case", "confirmed_by"]
    )  # before writing: bad input never reaches the DB
    account.save()
    return account


# --- Payouts ----------------------------------------------------------------------------------------------


def split_by_shares(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Divide ``total`` by the shares into cents; the cents left over go to the largest remainders."""
    if not shares or any(s <= 0 for s in shares):
        raise ValidationError({"shares": _("Every payee needs a share greater than zero.")})
    total = quantize(total)
    weight = sum(shares)
    cent = Decimal("0.01")
    exact = [total * s / weight for s in shares]
    parts = [e.quantize(cent, rounding=ROUND_DOWN) for e in exact]
    leftover = int((total - sum(parts)) / cent)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += cent
    return parts


@transaction.atomic
def propose_payout(
    *, actor: User, case: Case, lines: Sequence[tuple[Party, Decimal]], reason: str = ""
) -> Payout:
    """The judge proposes paying applicants; the total must fit in the money not yet promised."""
    _require_case_worker(actor, case)
    account = _lock_account(case)
    payees = confirmed_payees(case)
    _check_lines(case, lines, payees)
    total = sum((quantize(amount) for _party, amount in lines), ZERO)
    _check_not_held(case)
    free = ledger.available(account)
    if total > free:
        raise ValidationError(
            {"amount": _("Only %(available)s is available for payout.") % {"available": free}}
        )
    payout = Payout.objects.create(
        case=case,
        account=account,
        amount=total,
        reason=reason.strip(),
        proposed_by=actor,
        needs_higher_approval=total > account.court_account.higher_approval_above,
    )
    for party, amount in lines:
        payee = payees[party.pk]
        PayoutLine.objects.create(
            payout=payout,
            payee=party,
            amount=quantize(amount),
            bank_name=payee.bank_name,
            account_name=payee.account_name,
            account_number=payee.account_number,
        )
    open_deadline(case=case, code=APPROVE_NODE, anchor_at=payout.proposed_at, actor=actor, subject=payout)
    record_event(
        case=case,
        kind=CaseEvent.Kind.PAYOUT_PROPOSED,
        actor=actor,
        public=False,
        text_code="payments.payout_proposed",
        text_params={"amount": f"{total:.2f}"},
        data={"payout": payout.pk, "amount": str(total)},
    )
    return payout


def _check_not_held(case: Case) -> None:
    """While a hold is in force no money of the case moves toward the applicants: not proposed,
    approved, put in a payment file nor paid. (A payment file already at the bank is confirmed all
    the same: the bank has paid it, and the ledger must say so.)"""
    if PayoutHold.objects.filter(case=case, status=PayoutHold.Status.ACTIVE).exists():
        raise ValidationError(_("Payout of this case is on hold; release the hold first."))


def _check_lines(case: Case, lines: Sequence[tuple[Party, Decimal]], payees: dict[int, Payee]) -> None:
    if not lines:
        raise ValidationError({"lines": _("Name at least one payee.")})
    seen: set[int] = set()
    for party, amount in lines:
        if party.case_id != case.pk or party.role != Party.Role.APPLICANT:
            raise ValidationError({"lines": _("Payouts go to the case's applicants only.")})
        if party.pk in seen:
            raise ValidationError({"lines": _("Each payee appears once.")})
        seen.add(party.pk)
        if party.pk not in payees:
            raise ValidationError(
                {"lines": _("%(name)s has no confirmed payout account yet.") % {"name": party.name}}
            )
        if quantize(amount) <= 0:
            raise ValidationError({"lines": _("Every line must pay more than zero.")})


def _lock_payout(payout: Payout) -> tuple[CaseAccount, Payout]:
    account = _lock_account(payout.case)
    return account, Payout.objects.select_for_update(of=("self",)).select_related("case").get(pk=payout.pk)


@transaction.atomic
def decide_payout(*, actor: User, payout: Payout, approve: bool, note: str = "") -> Payout:
    """A second person approves or rejects; never the proposer, and above the threshold a president."""
    if actor.pk == payout.proposed_by_id:
        raise PermissionDenied(_("The person who proposed a payout cannot approve it."))
    _account, locked = _lock_payout(payout)
    if not may_approve(actor, locked):
        if locked.needs_higher_approval:
            raise PermissionDenied(_("A payout of this size needs the approval of a court president."))
        raise PermissionDenied(_("Only the court's team leads, supervisors and presidents approve payouts."))
    if locked.status != Payout.Status.PROPOSED:
        raise ValidationError(_("This payout has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the payout is rejected.")})
    if approve:
        _check_not_held(locked.case)
    status_before = locked.status
    locked.status = Payout.Status.APPROVED if approve else Payout.Status.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    meet_deadline(case=locked.case, code=APPROVE_NODE, actor=actor, subject=locked)
    if approve:
        open_deadline(
            case=locked.case, code=PAY_NODE, anchor_at=locked.decided_at, actor=actor, subject=locked
        )
    record_event(
        case=locked.case,
        kind=CaseEvent.Kind.PAYOUT_APPROVED if approve else CaseEvent.Kind.PAYOUT_REJECTED,
        actor=actor,
        public=False,
        detail=note.strip(),
        data={"payout": locked.pk, "amount": str(locked.amount)},
        changes={"status": (status_before, locked.status)},
    )
    return locked


@transaction.atomic
def cancel_payout(*, actor: User, payout: Payout, note: str) -> Payout:
    """The proposer or an approver withdraws a payout before it goes to the bank."""
    _account, locked = _lock_payout(payout)
    if actor.pk != locked.proposed_by_id and not roles.has_court_role(
        actor, locked.case.court_id, *APPROVER_ROLES
    ):
        raise PermissionDenied(_("Only the proposer or an approver may cancel a payout."))
    if locked.status not in (Payout.Status.PROPOSED, Payout.Status.APPROVED):
        raise ValidationError(_("Only a payout not yet sent to the bank can be cancelled."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the payout is cancelled.")})
    status_before = locked.status
    locked.status = Payout.Status.CANCELLED
    locked.cancelled_by, locked.cancelled_at = actor, timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "decision_note"])
    for code in (APPROVE_NODE, PAY_NODE):
        meet_deadline(case=locked.case, code=code, actor=actor, subject=locked)
    record_event(
        case=locked.case,
        kind=CaseEvent.Kind.PAYOUT_CANCELLED,
        actor=actor,
        public=False,
        detail=note.strip(),
        data={"payout": locked.pk},
        changes={"status": (status_before, locked.status)},
    )
    return locked


@transaction.atomic
def mark_payout_paid(
    *, actor: User, payout: Payout, bank_reference: str, paid_at: datetime.datetime | None = None
) -> Payout:
    """Finance says the bank paid it: each line leaves the ledger, and the clocks it settles are met."""
    _require_finance(actor, payout.case.court_id)
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise ValidationError({"bank_reference": _("Give the bank's reference for the payment.")})
    account, locked = _lock_payout(payout)
    if locked.status not in (Payout.Status.APPROVED, Payout.Status.EXPORTED):
        raise ValidationError(_("Only an approved payout can be paid."))
    _check_not_held(locked.case)
    _pay(actor, account, locked, bank_reference, paid_at or timezone.now())
    return locked


def _pay(
    actor: User, account: CaseAccount, payout: Payout, bank_reference: str, paid_at: datetime.datetime
) -> None:
    for line in payout.lines.select_related("payee"):
        ledger.post_debit(
            account=account,
            kind=LedgerEntry.Kind.PAID_OUT,
            amount=line.amount,
            actor=actor,
            note=f"{line.account_name} {bank_reference}",
            booked_at=paid_at,
            payout_line=line,
        )
    status_before = payout.status
    payout.status = Payout.Status.PAID
    payout.paid_by, payout.paid_at, payout.bank_reference = actor, paid_at, bank_reference
    payout.save(update_fields=["status", "paid_by", "paid_at", "bank_reference"])
    meet_deadline(case=payout.case, code=PAY_NODE, actor=actor, subject=payout)
    record_event(
        case=payout.case,
        kind=CaseEvent.Kind.MONEY_PAID,
        actor=actor,
        public=True,
        text_code="payments.money_paid",
        text_params={"amount": f"{payout.amount:.2f}"},
        data={"payout": payout.pk, "amount": str(payout.amount)},
        changes={"status": (status_before, payout.status)},
    )


@transaction.atomic
def export_payment_batch(*, actor: User, court: Court, payouts: Sequence[Payout]) -> PaymentBatch:
    """Approved payouts go into one payment file for the bank; they wait there for confirmation."""
    _require_finance(actor, court.pk)
    if not payouts:
        raise ValidationError(_("Choose at least one approved payout."))
    ids = sorted(p.pk for p in payouts)
    locked = list(
        Payout.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("case")
        .order_by("pk")
    )
    if any(p.status != Payout.Status.APPROVED or p.case.court_id != court.pk for p in locked):
        raise ValidationError(_("Only this court's approved payouts can go into a payment file."))
    for payout in locked:
        _check_not_held(payout.case)
    batch = PaymentBatch.objects.create(
        court=court, total=sum((p.amount for p in locked), ZERO), exported_by=actor
    )
    for payout in locked:
        payout.status, payout.batch = Payout.Status.EXPORTED, batch
        payout.save(update_fields=["status", "batch"])
    return batch


@transaction.atomic
def confirm_payment_batch(*, actor: User, batch: PaymentBatch, bank_reference: str) -> PaymentBatch:
    """The bank paid the file: every payout in it is paid, with the file's reference."""
    _require_finance(actor, batch.court_id)
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise ValidationError({"bank_reference": _("Give the bank's reference for the payment file.")})
    locked_batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked_batch.status != PaymentBatch.Status.EXPORTED:
        raise ValidationError(_("This payment file has already been confirmed."))
    now = timezone.now()
    payouts = Payout.objects.filter(batch=locked_batch, status=Payout.Status.EXPORTED)
    for payout in payouts.order_by("account_id", "pk"):
        account, locked = _lock_payout(payout)
        _pay(actor, account, locked, bank_reference, now)
    locked_batch.status = PaymentBatch.Status.CONFIRMED
    locked_batch.confirmed_by, locked_batch.confirmed_at = actor, now
    locked_batch.bank_reference = bank_reference
    locked_batch.save(update_fields=["status", "confirmed_by", "confirmed_at", "bank_reference"])
    return locked_batch


# --- Holds -------------------------------------------------------------------------------------------------


@transaction.atomic
def request_hold(*, actor: User, case: Case, reason: str, detail: str) -> PayoutHold:
    _require_case_worker(actor, case)
    if reason not in PayoutHold.Reason.values:
        raise ValidationError({"reason": _("Choose the statutory reason for the hold.")})
    if not detail.strip():
        raise ValidationError({"detail": _("Describe the reason: the objection, the creditors, ...")})
    _lock_account(case)
    if PayoutHold.objects.filter(case=case, status__in=["requested", "active"]).exists():
        raise ValidationError(_("A hold is already requested or in force on this case."))
    hold = PayoutHold.objects.create(case=case, reason=reason, detail=detail.strip(), requested_by=actor)
    return hold


def _lock_hold(hold: PayoutHold) -> PayoutHold:
    _lock_account(hold.case)
    return PayoutHold.objects.select_for_update(of=("self",)).select_related("case").get(pk=hold.pk)


@transaction.atomic
def decide_hold(*, actor: User, hold: PayoutHold, approve: bool, note: str = "") -> PayoutHold:
    """A supervisor or president approves the hold (never its requester); approved, the clocks stop."""
    roles.require_court_role(
        actor,
        hold.case.court_id,
        *HOLD_APPROVER_ROLES,
        message=_("Only the court's supervisors and presidents approve payout holds."),
    )
    if actor.pk == hold.requested_by_id:
        raise PermissionDenied(_("The person who asked for a hold cannot approve it."))
    locked = _lock_hold(hold)
    if locked.status != PayoutHold.Status.REQUESTED:
        raise ValidationError(_("This hold has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the hold is refused.")})
    status_before = locked.status
    locked.status = PayoutHold.Status.ACTIVE if approve else PayoutHold.Status.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    if approve:
        locked.start_date = timezone.localdate()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "start_date"])
    if approve:
        ids = list(ledger.active_deadlines(locked.case, ledger.PAYOUT_NODE).values_list("pk", flat=True))
        ledger.pause_payout_clock(deadline_ids=ids, hold=locked)
        record_event(
            case=locked.case,
            kind=CaseEvent.Kind.PAYOUT_HELD,
            actor=actor,
            public=False,
            detail=locked.detail,
            text_code="payments.payout_held",
            text_params={"reason": locked.reason},
            data={"hold": locked.pk},
            changes={"status": (status_before, locked.status)},
        )
    return locked


@transaction.atomic
def release_hold(*, actor: User, hold: PayoutHold, note: str) -> PayoutHold:
    roles.require_court_role(
        actor,
        hold.case.court_id,
        *HOLD_APPROVER_ROLES,
        message=_("Only the court's supervisors and presidents release payout holds."),
    )
    if not note.strip():
        raise ValidationError({"note": _("Say why the hold ends.")})
    locked = _lock_hold(hold)
    if locked.status != PayoutHold.Status.ACTIVE:
        raise ValidationError(_("This hold is not in force."))
    today = timezone.localdate()
    status_before = locked.status
    locked.status, locked.end_date = PayoutHold.Status.RELEASED, today
    locked.released_by, locked.release_note = actor, note.strip()
    locked.save(update_fields=["status", "end_date", "released_by", "release_note"])
    ledger.resume_payout_clock(hold=locked, end_date=today)
    record_event(
        case=locked.case,
        kind=CaseEvent.Kind.PAYOUT_HOLD_RELEASED,
        actor=actor,
        public=False,
        detail=note.strip(),
        data={"hold": locked.pk},
        changes={"status": (status_before, locked.status)},
    )
    return locked


# --- Adjustments: fees, refunds, transfers, reversals -------------------------------------------------------


def _requeue(tx_id: int, note: str) -> None:
    """Money reversed off a case is not gone: it is back in the unmatched queue, to be claimed to the
    right case (with a new claim-by date) or returned to the payer, so reconciliation still finds it."""
    tx = BankTransaction.objects.select_for_update().get(pk=tx_id)
    tx.status, tx.case = BankTransaction.Status.UNMATCHED, None
    tx.resolved_by, tx.resolved_at, tx.resolution_note = None, None, note.strip()
    tx.late_flagged_at = None
    tx.payer_review_needed, tx.payer_reviewed_by, tx.payer_reviewed_at, tx.payer_review_note = (
        False,
        None,
        None,
        "",
    )
    _set_claim_due(tx, anchor=timezone.now())
    tx.save()


def _adjustment_event(case: Case, actor: User, entry: LedgerEntry) -> None:
    record_event(
        case=case,
        kind=CaseEvent.Kind.MONEY_ADJUSTED,
        actor=actor,
        public=False,
        detail=entry.note,
        text_code="payments.money_adjusted",
        text_params={"kind": entry.kind, "amount": f"{entry.amount:.2f}"},
        data={"entry": entry.pk, "amount": str(entry.amount)},
    )


def _check_free(account: CaseAccount, amount: Decimal) -> Decimal:
    amount = quantize(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    free = ledger.available(account)
    if amount > free:
        raise ValidationError(
            {
                "amount": _("Only %(available)s is free; the rest is promised to payouts.")
                % {"available": free}
            }
        )
    return amount


@transaction.atomic
def take_out(*, actor: User, case: Case, kind: str, amount: Decimal, note: str) -> LedgerEntry:
    """Court fees deducted, or money refunded to the payer: finance records it, with the reason."""
    _require_finance(actor, case.court_id)
    if kind not in (LedgerEntry.Kind.COURT_FEE, LedgerEntry.Kind.REFUNDED):
        raise ValidationError({"kind": _("Choose court fees or a refund.")})
    if not note.strip():
        raise ValidationError({"note": _("Give the reason (the fee's basis, or why the money goes back).")})
    account = _lock_account(case)
    amount = _check_free(account, amount)
    entry = ledger.post_debit(account=account, kind=kind, amount=amount, actor=actor, note=note.strip())
    _adjustment_event(case, actor, entry)
    return entry


@transaction.atomic
def transfer(*, actor: User, source: Case, target: Case, amount: Decimal, note: str) -> LedgerEntry:
    """Move money credited to the wrong case (or owed to another case) to the right one."""
    _require_finance(actor, source.court_id)
    if source.court_id != target.court_id:
        raise ValidationError({"target": _("Transfers stay within the court's own account.")})
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another case.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the money moves.")})
    # Accounts are locked in account-id order, as confirm_payment_batch does, so the two never deadlock.
    accounts = {case.pk: _account_of(case) for case in (source, target)}
    for case in sorted((source, target), key=lambda c: accounts[c.pk].pk):
        accounts[case.pk] = _lock_account(case)
    out_account, in_account = accounts[source.pk], accounts[target.pk]
    amount = _check_free(out_account, amount)
    out = ledger.post_debit(
        account=out_account, kind=LedgerEntry.Kind.TRANSFER_OUT, amount=amount, actor=actor, note=note.strip()
    )
    into = ledger.post_credit(
        account=in_account,
        kind=LedgerEntry.Kind.TRANSFER_IN,
        amount=amount,
        booked_at=out.booked_at,
        actor=actor,
        note=note.strip(),
        counterpart=out,
    )
    _adjustment_event(source, actor, out)
    _adjustment_event(target, actor, into)
    return out


@transaction.atomic
def reverse_entry(*, actor: User, entry: LedgerEntry, note: str) -> LedgerEntry:
    """Undo a wrong entry with its opposite. A credit can be undone only while none of it is used."""
    case = entry.account.case
    _require_finance(actor, case.court_id)
    if not note.strip():
        raise ValidationError({"note": _("Say what was wrong with the entry.")})
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise ValidationError(_("A reversal is not reversed; record the right entry instead."))
    if entry.kind in (LedgerEntry.Kind.TRANSFER_IN, LedgerEntry.Kind.TRANSFER_OUT):
        raise ValidationError(_("Undo a transfer with a transfer back."))
    account = _lock_account(case)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    if entry.amount > 0:
        left = {c.pk: rest for c, rest in ledger.open_amounts(account)}.get(entry.pk, ZERO)
        if left != entry.amount:
            raise ValidationError(_("Part of this money has been paid out or moved; it cannot be reversed."))
        if entry.amount > ledger.available(account):
            raise ValidationError(_("This money is promised to a payout; cancel the payout first."))
        reversal = ledger.post_debit(
            account=account,
            kind=LedgerEntry.Kind.REVERSAL,
            amount=entry.amount,
            actor=actor,
            note=note.strip(),
            from_credit=entry,
            reverses=entry,
            # Undoing a wrong match takes the value date of the credit it undoes: at any past moment the
            # money is then either on a case or in the unmatched queue, never both.
            booked_at=entry.booked_at if entry.bank_transaction_id is not None else None,
        )
        if entry.bank_transaction_id is not None:
            _requeue(entry.bank_transaction_id, note)
    else:
        reversal = ledger.post_credit(
            account=account,
            kind=LedgerEntry.Kind.REVERSAL,
            amount=-entry.amount,
            booked_at=timezone.now(),
            actor=actor,
            note=note.strip(),
            reverses=entry,
        )
    _adjustment_event(case, actor, reversal)
    entry_reversed.send(sender=LedgerEntry, entry=entry, reversal=reversal, actor=actor)
    return reversal
