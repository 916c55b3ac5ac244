"""Reads of the case core, always through the reader's permissions."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .. import roles
from ..models import Case, CaseEvent, Court, Party, TeamMembership

# Roles that see every case of their courts; the others see the cases of their teams and their own.
COURT_WIDE_ROLES = frozenset(
    {roles.CLERK, roles.SUPERVISOR, roles.PRESIDENT, roles.FINANCE, roles.ADMINISTRATOR}
)


def cases_visible_to(user: roles.AnyUser) -> QuerySet[Case]:
    """Cases a user may see: court-wide roles their courts' cases; judges, assistants and team leads the
    cases of their teams and those they are responsible for (team leads also the unassigned ones of their
    courts); anyone else none."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    held = roles.roles_of(user)
    if not held:
        return Case.objects.none()
    visible = Q(team__memberships__user=user) | Q(responsible_judge=user)
    if held & COURT_WIDE_ROLES:
        visible |= Q(court_id__in=roles.court_ids_of(user))
    elif roles.TEAM_LEAD in held:
        # Team leads triage and assign: they see their courts' cases that have no judge yet.
        visible |= Q(court_id__in=roles.court_ids_of(user), responsible_judge__isnull=True)
    # Filter by id through a subquery: the team join would repeat a case once per membership.
    return Case.objects.filter(pk__in=Case.objects.filter(visible).values("pk"))


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


def judges_the_case(user: roles.AnyUser, case: Case) -> bool:
    """The responsible judge, or a judge or the lead of the case's team: who acts for it toward parties
    and money (its assistants and clerks prepare, but do not decide)."""
    if not user.is_authenticated:
        return False
    if case.responsible_judge_id == user.pk:
        return True
    return bool(
        case.team_id
        and TeamMembership.objects.filter(
            team_id=case.team_id,
            user_id=user.pk,
            role__in=[TeamMembership.Role.JUDGE, TeamMembership.Role.LEAD],
        ).exists()
    )
