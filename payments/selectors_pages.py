"""Reads the money pages need beyond ``selectors``: whose money a user may act on, and the rows of files."""

from django.db.models import Q, QuerySet

from enforcement import roles
from enforcement.casenumbers import normalize_case_number
from enforcement.models import Case, Party
from enforcement.selectors import cases_visible_to

from .models import LedgerEntry, PaymentBatch, PayoutLine, StatementImport
from .services import Payee

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
