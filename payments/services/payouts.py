"""Payouts: proposed by the judge, approved by a second person, paid one by one or in a payment file."""

import datetime
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case, CaseEvent, Court, Party
from enforcement.services.deadlines import meet_deadline, open_deadline
from enforcement.services.events import record_event

from .. import ledger
from ..ledger import quantize
from ..models import ZERO, CaseAccount, LedgerEntry, PaymentBatch, Payout, PayoutLine
from ._common import _require_case_worker, _require_finance
from .accounts import _lock_account
from .holds import _check_not_held
from .payees import Payee, confirmed_payees

APPROVE_NODE = "payout_approve"
PAY_NODE = "payout_pay"

APPROVER_ROLES = access.PAYOUT_APPROVER_ROLES


def may_approve(actor: roles.AnyUser, payout: Payout) -> bool:
    return access.approves_payout(
        actor, payout.case.court_id, proposed_by_id=payout.proposed_by_id, higher=payout.needs_higher_approval
    )


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
