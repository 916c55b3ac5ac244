"""Posting to a case's ledger. Every function here expects the case account locked by its caller.

A posting writes one append-only entry with the balance after it, moves the account's balance, and
keeps the payout clocks: a credit opens a payout deadline (paused at once if a hold is in force); a debit
is allocated to the oldest open credits, and each credit used up has its payout deadline met.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Deduction
from enforcement.money import AmountTooLarge, largest_amount
from enforcement.services.deadlines import active_deadlines, meet_deadline, open_deadline, recompute

from .models import ZERO, Allocation, BankTransaction, CaseAccount, LedgerEntry, Payout, PayoutHold

PAYOUT_NODE = "payout"

# What the money columns hold (their max_digits): an amount, and a balance (the sum of the amounts).
LARGEST_AMOUNT = min(
    largest_amount(model._meta.get_field("amount")) for model in (LedgerEntry, BankTransaction, Payout)
)
LARGEST_BALANCE = min(
    largest_amount(LedgerEntry._meta.get_field("balance_after")),
    largest_amount(CaseAccount._meta.get_field("balance")),
)


def quantize(amount: Decimal) -> Decimal:
    """Two places exactly; an amount with more is refused, never rounded silently."""
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Amounts have at most two decimal places.")})
    return amount.quantize(Decimal("0.01"))


def check_credit_fits(account: CaseAccount, amount: Decimal) -> None:
    """Refuse, before anything is written, a credit the ledger's balance column could not hold: the
    balance is the sum of the entries, so a credit that fits its own column may still overflow it."""
    if account.balance + amount > LARGEST_BALANCE:
        message = _(
            "This would bring the case account's balance to %(balance)s yuan; the ledger holds at most "
            "%(largest)s yuan."
        ) % {"balance": f"{account.balance + amount:.2f}", "largest": f"{LARGEST_BALANCE:.2f}"}
        raise AmountTooLarge({"amount": [message]})


def reserved(account: CaseAccount) -> Decimal:
    """Money promised to payouts not yet paid."""
    total: Decimal = Payout.objects.filter(account=account, status__in=Payout.PENDING).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    return total


def available(account: CaseAccount) -> Decimal:
    return account.balance - reserved(account)


def open_amounts(account: CaseAccount) -> list[tuple[LedgerEntry, Decimal]]:
    """The account's credits with money not yet allocated, oldest first."""
    credits = (
        LedgerEntry.objects.filter(account=account, amount__gt=0)
        .annotate(used=Coalesce(Sum("allocations__amount"), ZERO))
        .order_by("booked_at", "id")
    )
    return [(credit, credit.amount - credit.used) for credit in credits if credit.amount > credit.used]


def post_credit(
    *,
    account: CaseAccount,
    kind: str,
    amount: Decimal,
    booked_at: datetime.datetime,
    actor: User | None,
    note: str = "",
    **links: object,
) -> LedgerEntry:
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    entry = _write(account, kind, amount, booked_at, actor, note, links)
    _open_payout_clock(entry, actor)
    return entry


def post_debit(
    *,
    account: CaseAccount,
    kind: str,
    amount: Decimal,
    actor: User | None,
    note: str = "",
    from_credit: LedgerEntry | None = None,
    booked_at: datetime.datetime | None = None,
    **links: object,
) -> LedgerEntry:
    """Take ``amount`` (positive) out; from one given credit (a reversal), else oldest credits first."""
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if amount > account.balance:
        raise ValidationError(
            {"amount": _("Only %(balance)s is in the case account.") % {"balance": account.balance}}
        )
    entry = _write(account, kind, -amount, booked_at or timezone.now(), actor, note, links)
    sources = open_amounts(account)
    if from_credit is not None:
        sources = [(credit, left) for credit, left in sources if credit.pk == from_credit.pk]
    _allocate(entry, amount, sources, actor)
    return entry


def _write(
    account: CaseAccount,
    kind: str,
    signed: Decimal,
    booked_at: datetime.datetime,
    actor: User | None,
    note: str,
    links: dict[str, object],
) -> LedgerEntry:
    if signed > 0:
        check_credit_fits(account, signed)
    balance = account.balance + quantize(signed)
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=signed,
        balance_after=balance,
        booked_at=booked_at,
        recorded_by=actor,
        note=note,
        **links,
    )
    account.balance = balance
    account.save(update_fields=["balance"])
    return entry


def _allocate(
    debit: LedgerEntry, amount: Decimal, sources: list[tuple[LedgerEntry, Decimal]], actor: User | None
) -> None:
    left = amount
    for credit, open_part in sources:
        if left == 0:
            break
        used = min(left, open_part)
        Allocation.objects.create(debit=debit, credit=credit, amount=used)
        left -= used
        if used == open_part:
            meet_deadline(case=debit.account.case, code=PAYOUT_NODE, actor=actor, subject=credit)
    if left:
        # Unreachable while balance == sum of open credits; refusing keeps a broken ledger from spreading.
        raise ValidationError(_("This money has already been paid out or moved."))


def _open_payout_clock(credit: LedgerEntry, actor: User | None) -> None:
    """Money that arrived must be paid out within the payout limit: one deadline per credit."""
    case = credit.account.case
    deadline = open_deadline(
        case=case, code=PAYOUT_NODE, anchor_at=credit.booked_at, actor=actor, subject=credit
    )
    hold = PayoutHold.objects.filter(case=case, status=PayoutHold.Status.ACTIVE).first()
    if hold is not None:
        pause_payout_clock(deadline_ids=[deadline.pk], hold=hold)


def pause_payout_clock(*, deadline_ids: list[int], hold: PayoutHold) -> None:
    """A hold in force stops the payout clocks: a running deducted period on each of them."""
    start = hold.start_date or timezone.localdate()
    approver = hold.decided_by
    if approver is None:
        raise ValueError("only an approved hold pauses the payout clock")
    for deadline in active_deadlines(hold.case, PAYOUT_NODE).filter(pk__in=deadline_ids):
        if deadline.deductions.filter(end_date__isnull=True).exists():
            continue
        Deduction.objects.create(
            deadline=deadline,
            kind=Deduction.Kind.PAYOUT_HOLD,
            start_date=start,
            reason=f"{hold.get_reason_display()}: {hold.detail}",
            approved_by=approver,
        )
        recompute(deadline)


def resume_payout_clock(*, hold: PayoutHold, end_date: datetime.date) -> None:
    for deadline in active_deadlines(hold.case, PAYOUT_NODE):
        running = deadline.deductions.filter(kind=Deduction.Kind.PAYOUT_HOLD, end_date__isnull=True)
        for deduction in running:  # one by one, so the deduction's history records the end
            deduction.end_date = max(end_date, deduction.start_date)
            deduction.save(update_fields=["end_date"])
        if running:
            recompute(deadline)
