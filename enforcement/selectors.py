"""Reads of the case core, always through the reader's permissions."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from . import roles
from .models import Case, CaseEvent, Court, Party


def cases_visible_to(user: roles.AnyUser) -> QuerySet[Case]:
    """Cases a user may see: staff see the cases of the courts they belong to.

    Until teams take cases (the triage and assignment work), judges, assistants and team leads see
    their courts' cases like the other staff roles do.
    """
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    if not roles.roles_of(user):
        return Case.objects.none()
    return Case.objects.filter(court_id__in=roles.court_ids_of(user))


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
