"""Reads of the case core, always through the reader's permissions."""

from typing import TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from .. import access, roles
from ..models import Case, CaseEvent, Court, Party

# Reads go through the one access layer: what a user may see is decided there.
cases_visible_to = access.visible_cases

M = TypeVar("M", bound=Model)


def one_of_cases(model: type[M], pk: int, cases: QuerySet[Case], *, case_path: str = "case") -> M:
    """The object of one of these cases (those a user reaches), with its case and court, or 404: the apps'
    fetchers for their pages and their API alike."""
    found = (
        model._default_manager.filter(pk=pk, **{f"{case_path}__in": cases})
        .select_related(f"{case_path}__court")
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_case_for_user(user: roles.AnyUser, case_id: int) -> Case:
    """The case, or 404 for anyone who may not see it (outsiders learn nothing about its existence)."""
    try:
        return (
            cases_visible_to(user)
            .select_related("court", "case_type", "filed_by")
            .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")))
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def case_list(user: roles.AnyUser, *, search: str = "") -> QuerySet[Case]:
    """Cases for list pages, with what the rows show loaded in a constant number of queries."""
    qs = cases_visible_to(user).select_related("court", "case_type")
    if search := search.strip():
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(title_case_number__icontains=search)
            | Q(parties__name__icontains=search)
        ).distinct()
    return qs.prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")))


def filing_courts(user: roles.AnyUser) -> QuerySet[Court]:
    """Courts this user may file cases for: every court he is a member of, if his role files cases."""
    if not user.is_authenticated:
        return Court.objects.none()
    if user.is_superuser:
        return Court.objects.filter(is_active=True)
    if not roles.has_role(user, *roles.FILING_ROLES):
        return Court.objects.none()
    return Court.objects.filter(is_active=True, id__in=roles.court_ids_of(user))


def timeline(case: Case, *, public_only: bool = False) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor")
    return events.filter(public=True) if public_only else events
