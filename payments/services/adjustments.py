"""Adjustments by finance: court fees, refunds, transfers between cases, reversals of wrong entries."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent
from enforcement.services.events import record_event

from .. import ledger
from ..ledger import quantize
from ..models import ZERO, BankTransaction, CaseAccount, LedgerEntry
from ..signals import entry_reversed
from ._common import _require_finance
from .accounts import _account_of, _lock_account
from .incoming import _set_claim_due


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
