"""Reads of the case money: the money tab, the finance desk, and what a party may see."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from enforcement import roles
from enforcement.models import Case, Deadline

from . import ledger
from .models import (
    ZERO,
    BankTransaction,
    CaseAccount,
    LedgerEntry,
    PaymentBatch,
    Payout,
    PayoutHold,
    Reconciliation,
)
from .services import APPROVER_ROLES, Payee, confirmed_payees, may_approve

# The steps of paying money out (propose, approve, pay), each with its own time limit.
PAYOUT_NODES = frozenset({ledger.PAYOUT_NODE, "payout_approve", "payout_pay"})


@dataclass(frozen=True)
class CaseMoney:
    account: CaseAccount | None
    balance: Decimal
    reserved: Decimal
    available: Decimal
    entries: list[LedgerEntry]
    payouts: list[Payout]
    holds: list[PayoutHold]
    payees: dict[int, Payee]
    payer_reviews: list[BankTransaction]
    payout_deadlines: list[Deadline]


def case_account(case: Case) -> CaseAccount | None:
    return CaseAccount.objects.filter(case=case).first()


def case_money(case: Case) -> CaseMoney:
    """Everything the money tab shows for one case."""
    account = case_account(case)
    balance = account.balance if account is not None else ZERO
    reserved = ledger.reserved(account) if account is not None else ZERO
    entries = (
        list(account.entries.select_related("recorded_by", "bank_transaction").order_by("-id"))
        if account is not None
        else []
    )
    return CaseMoney(
        account=account,
        balance=balance,
        reserved=reserved,
        available=balance - reserved,
        entries=entries,
        payouts=list(
            case.payouts.select_related(
                "proposed_by", "decided_by", "paid_by", "cancelled_by"
            ).prefetch_related("lines__payee")
        ),
        holds=list(case.payout_holds.select_related("requested_by", "decided_by", "released_by")),
        payees=confirmed_payees(case),
        payer_reviews=list(
            case.bank_transactions.filter(
                payer_review_needed=True, payer_reviewed_at__isnull=True
            ).select_related("case", "court")
        ),
        payout_deadlines=list(
            Deadline.objects.filter(
                case=case,
                node_type__code__in=PAYOUT_NODES,
                status__in=Deadline.ACTIVE,
            ).select_related("node_type")
        ),
    )


# --- What a party sees -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyMoneyLine:
    kind: str  # "received", "paid" or "pending"
    on: datetime.date
    amount: Decimal


def party_money_lines(case: Case) -> list[PartyMoneyLine]:
    """Money received into and paid out of the case account, and payouts on their way; no names, no
    account numbers, no internal adjustments: what the progress page may show to any party.

    One query (``party_money_rows``), made into lines by ``party_money_lines_from_rows``.
    """
    return party_money_lines_from_rows(party_money_rows(case.pk))


def party_money_rows(case_id: int) -> QuerySet[Any]:
    """The account's received and paid-out entries that no later entry reverses (a wrong entry that was
    undone is not news for the parties), and the case's pending payouts, as one UNION ALL: entries in
    booking order, then payouts newest first."""
    undone = LedgerEntry.objects.filter(reverses=OuterRef("pk"))
    entries = (
        LedgerEntry.objects.filter(
            ~Exists(undone),
            account__case_id=case_id,
            kind__in=[LedgerEntry.Kind.RECEIVED, LedgerEntry.Kind.PAID_OUT],
        )
        .annotate(src=Value(0, output_field=IntegerField()), k=F("id"))
        .order_by()
        .values_list("src", "kind", "booked_at", "amount", "k")
    )
    pending = (
        Payout.objects.filter(case_id=case_id, status__in=Payout.PENDING)
        .annotate(src=Value(1, output_field=IntegerField()), k=-F("id"))
        .order_by()
        .values_list("src", "status", "proposed_at", "amount", "k")
    )
    return entries.union(pending, all=True).order_by("src", "k")


def party_money_lines_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[PartyMoneyLine]:
    lines = [
        PartyMoneyLine(
            "pending" if src else "received" if kind == LedgerEntry.Kind.RECEIVED else "paid",
            timezone.localtime(at).date(),
            abs(amount),
        )
        for src, kind, at, amount, _order in rows  # sorted by day below, a stable sort
    ]
    return sorted(lines, key=lambda line: line.on)


def party_money_totals(case: Case, lines: list[PartyMoneyLine] | None = None) -> dict[str, Decimal]:
    """The lines' sums by kind; pass the lines when they are at hand, so they are not read twice."""
    totals = {"received": ZERO, "paid": ZERO, "pending": ZERO}
    for line in party_money_lines(case) if lines is None else lines:
        totals[line.kind] += line.amount
    return totals


# --- The finance desk ---------------------------------------------------------------------------------------


def unmatched_money(user: roles.AnyUser) -> QuerySet[BankTransaction]:
    """Money waiting to be claimed, in the user's courts or in no known court; oldest claim date first."""
    return BankTransaction.objects.filter(
        Q(court_id__in=roles.court_ids_of(user)) | Q(court__isnull=True),
        status=BankTransaction.Status.UNMATCHED,
    ).order_by("claim_due_date", "booked_at", "pk")


def payer_reviews(user: roles.AnyUser) -> QuerySet[BankTransaction]:
    return BankTransaction.objects.filter(
        court_id__in=roles.court_ids_of(user), payer_review_needed=True, payer_reviewed_at__isnull=True
    ).select_related("case")


def payouts_to_approve(user: roles.AnyUser) -> list[Payout]:
    if not roles.has_role(user, *APPROVER_ROLES):
        return []
    waiting = Payout.objects.filter(
        case__court_id__in=roles.court_ids_of(user), status=Payout.Status.PROPOSED
    ).select_related("case", "proposed_by", "case__court")
    return [p for p in waiting.order_by("proposed_at") if may_approve(user, p)]


def payouts_to_pay(user: roles.AnyUser) -> QuerySet[Payout]:
    return (
        Payout.objects.filter(case__court_id__in=roles.court_ids_of(user), status=Payout.Status.APPROVED)
        .select_related("case", "decided_by")
        .prefetch_related("lines")
        .order_by("decided_at")
    )


def batches_to_confirm(user: roles.AnyUser) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.filter(
        court_id__in=roles.court_ids_of(user), status=PaymentBatch.Status.EXPORTED
    ).order_by("exported_at")


def overdue_payouts(user: roles.AnyUser) -> QuerySet[Deadline]:
    """Money not paid out within the payout limit, and payout steps late, in the user's courts."""
    return (
        Deadline.objects.filter(
            case__court_id__in=roles.court_ids_of(user),
            node_type__code__in=PAYOUT_NODES,
            status=Deadline.Status.OVERDUE,
        )
        .select_related("case", "node_type")
        .order_by("due_at")
    )


def holds_to_decide(user: roles.AnyUser) -> QuerySet[PayoutHold]:
    if not roles.has_role(user, roles.SUPERVISOR, roles.PRESIDENT):
        return PayoutHold.objects.none()
    return (
        PayoutHold.objects.filter(
            case__court_id__in=roles.court_ids_of(user), status=PayoutHold.Status.REQUESTED
        )
        .exclude(requested_by_id=user.pk)
        .select_related("case", "requested_by")
    )


def last_reconciliations(user: roles.AnyUser) -> list[Reconciliation]:
    latest = []
    for court_id in sorted(roles.court_ids_of(user)):
        found = Reconciliation.objects.filter(court_id=court_id).select_related("court").first()
        if found is not None:
            latest.append(found)
    return latest


def total_unmatched(user: roles.AnyUser) -> Decimal:
    total: Decimal = unmatched_money(user).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return total
