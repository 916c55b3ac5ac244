"""Reads of the case money: who reaches which money, the money tab, the finance desk, the pages' rows, and
what a party may see. The API and the pages fetch their objects here, through the same rule."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.db.models import Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from enforcement import roles
from enforcement.casenumbers import normalize_case_number
from enforcement.models import Case, Deadline, Party
from enforcement.selectors import cases_visible_to, one_of_cases

from . import ledger
from .models import (
    ZERO,
    BankTransaction,
    CaseAccount,
    LedgerEntry,
    PaymentBatch,
    Payout,
    PayoutHold,
    PayoutLine,
    Reconciliation,
    StatementImport,
)
from .services import APPROVER_ROLES, Payee, confirmed_payees, may_approve

# The steps of paying money out (propose, approve, pay), each with its own time limit.
PAYOUT_NODES = frozenset({ledger.PAYOUT_NODE, "payout_approve", "payout_pay"})

# --- Who reaches which money: one rule for the API and the pages -----------------------------------------

M = TypeVar("M", bound=Model)

# Roles that work the finance desk: they act on the money of any case of their courts.
DESK_ROLES = (roles.FINANCE, roles.TEAM_LEAD, roles.SUPERVISOR, roles.PRESIDENT)


def may_use_desk(user: roles.AnyUser) -> bool:
    return user.is_superuser or roles.has_role(user, *DESK_ROLES)


def money_cases(user: roles.AnyUser) -> QuerySet[Case]:
    """Cases whose payouts, holds and entries the user may reach: those he sees, and for the desk's roles
    every case of his courts (a team lead approves payouts of other teams). Others get a 404."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    visible = Q(pk__in=cases_visible_to(user).values("pk"))
    if roles.has_role(user, *DESK_ROLES):
        visible |= Q(court_id__in=roles.court_ids_of(user))
    return Case.objects.filter(visible)


def reachable(user: roles.AnyUser, model: type[M], pk: int) -> M:
    """A payout, hold or other object of a case the user reaches (``money_cases``), or 404."""
    return one_of_cases(model, pk, money_cases(user))


def payouts_reachable(user: roles.AnyUser) -> QuerySet[Payout]:
    """Payouts of the cases the user reaches, with what an answer shows, in a constant number of queries."""
    return payouts_loaded().filter(case__in=money_cases(user))


def payouts_loaded() -> QuerySet[Payout]:
    return Payout.objects.select_related(
        "case", "proposed_by", "decided_by", "paid_by", "cancelled_by"
    ).prefetch_related("lines__payee")


def entry_reachable(user: roles.AnyUser, pk: int) -> LedgerEntry:
    return one_of_cases(LedgerEntry, pk, money_cases(user), case_path="account__case")


def transaction_reachable(user: roles.AnyUser, pk: int) -> BankTransaction:
    """Money that arrived in the user's courts or on a case he sees; finance also money of no known court."""
    visible = Q(court_id__in=roles.court_ids_of(user)) | Q(case__in=cases_visible_to(user))
    if roles.has_role(user, roles.FINANCE):
        visible |= Q(court__isnull=True)
    tx = BankTransaction.objects.filter(visible, pk=pk).select_related("court", "case").first()
    if tx is None:
        raise Http404
    return tx


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
    return CaseAccount.objects.filter(case=case).select_related("court_account").first()


def _always(kind: str) -> bool:
    return True


def case_money(case: Case, *, present: Callable[[str], bool] = _always) -> CaseMoney:
    """Everything the money tab shows for one case. ``present(kind)`` False says the case has no rows of
    that kind (``payments_ledger``, ``payments_payouts``, ``payments_holds``, ``payments_payees``,
    ``payments_transactions``: those waiting for a check of their payer; the case page asks once for all):
    that table is not read."""
    account = case_account(case)
    balance = account.balance if account is not None else ZERO
    with_payouts = present("payments_payouts")
    reserved = ledger.reserved(account) if account is not None and with_payouts else ZERO
    entries = (
        list(account.entries.select_related("recorded_by", "bank_transaction").order_by("-id"))
        if account is not None and present("payments_ledger")
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
        )
        if with_payouts
        else [],
        holds=list(case.payout_holds.select_related("requested_by", "decided_by", "released_by"))
        if present("payments_holds")
        else [],
        payees=confirmed_payees(case) if present("payments_payees") else {},
        payer_reviews=list(
            case.bank_transactions.filter(
                payer_review_needed=True, payer_reviewed_at__isnull=True
            ).select_related("case", "court")
        )
        if present("payments_transactions")
        else [],
        # The payout clocks run on money received: none without a case account.
        payout_deadlines=list(
            Deadline.objects.filter(
                case=case,
                node_type__code__in=PAYOUT_NODES,
                status__in=Deadline.ACTIVE,
            ).select_related("node_type")
        )
        if account is not None
        else [],
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


class MoneyLineLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def amount(self) -> Decimal: ...


def party_money_totals(lines: Iterable[MoneyLineLike]) -> dict[str, Decimal]:
    """The sums by kind of a party's money lines (``party_money_lines``, or the portal's labelled copy)."""
    totals = {"received": ZERO, "paid": ZERO, "pending": ZERO}
    for line in lines:
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


# --- The pages' rows --------------------------------------------------------------------------------------


def case_by_number(court_ids: frozenset[int] | set[int], number: str) -> Case | None:
    """The case of one of these courts with this number, or None."""
    return (
        Case.objects.filter(court_id__in=court_ids, number=normalize_case_number(number))
        .select_related("court")
        .prefetch_related("parties")
        .first()
    )


def payees_in_order(applicants: list[Party], payees: dict[int, Payee]) -> list[Payee]:
    """The confirmed payees in the order of the case's applicants."""
    return [payees[p.pk] for p in applicants if p.pk in payees]


def reversed_entry_ids(entries: list[LedgerEntry]) -> set[int]:
    return {e.reverses_id for e in entries if e.reverses_id is not None}


def batch_lines(batch: PaymentBatch) -> QuerySet[PayoutLine]:
    """Every payee of every payout in a payment file, in the order the file lists them."""
    return (
        PayoutLine.objects.filter(payout__batch=batch)
        .select_related("payout__case", "payee")
        .order_by("payout_id", "id")
    )


def recent_imports(user: roles.AnyUser, limit: int = 10) -> list[StatementImport]:
    return list(
        StatementImport.objects.filter(court_id__in=roles.court_ids_of(user))
        .select_related("court", "imported_by")
        .order_by("-imported_at", "-id")[:limit]
    )


def statement_import(user: roles.AnyUser, pk: str) -> StatementImport | None:
    """One import of the user's courts, by the id in the address; None for anything else."""
    if not pk.isdigit():
        return None
    return (
        StatementImport.objects.filter(pk=int(pk), court_id__in=roles.court_ids_of(user))
        .select_related("court", "imported_by")
        .first()
    )
