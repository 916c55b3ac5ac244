"""Reads for triage and the judges' queues, in a constant number of queries whatever the page size."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet

from enforcement import roles
from enforcement.models import Case, Deadline, Party, TeamMembership


@dataclass(frozen=True)
class QueueFilters:
    stream: str = ""
    node: str = ""
    overdue_only: bool = False
    status: str = ""
    search: str = ""


def _active(**extra: object) -> QuerySet[Deadline]:
    return Deadline.objects.filter(case=OuterRef("pk"), status__in=Deadline.ACTIVE, **extra)


def queue_cases(
    user: roles.AnyUser, *, team_view: bool = False, filters: QueueFilters | None = None
) -> QuerySet[Case]:
    """A judge's cases (in the team view of a team lead or assistant, his teams' cases), most urgent first.

    Urgency is the earliest due time among the case's running deadlines; cases with none come last.
    Equal due times are common (clocks rolled past a weekend end on the same day): the case filed
    earlier has waited longer and comes first, and the case id settles the rest, so the order is the
    same on every page and every reload.
    """
    filters = filters or QueueFilters()
    # Both views are inside what cases_visible_to allows (a judge sees his own cases and his teams'), and
    # filtering on them directly spares the planner the visibility OR across the team join.
    if not user.is_authenticated:
        return Case.objects.none()
    if team_view:
        # Team leads see their teams' work, and so do assistants, who support the team's judges.
        own_teams = TeamMembership.objects.filter(
            user_id=user.pk, role__in=[TeamMembership.Role.LEAD, TeamMembership.Role.ASSISTANT]
        ).values("team_id")
        qs = Case.objects.filter(team_id__in=own_teams)
    else:
        qs = Case.objects.filter(responsible_judge_id=user.pk)
    qs = _filtered(qs, filters)
    return (
        qs.annotate(next_due=Min("deadlines__due_at", filter=Q(deadlines__status__in=Deadline.ACTIVE)))
        .select_related("court", "team", "responsible_judge")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")),
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(status__in=Deadline.ACTIVE)
                .select_related("node_type")
                .order_by("due_at"),
                to_attr="running_deadlines",
            ),
        )
        .order_by(F("next_due").asc(nulls_last=True), "filed_at", "pk")
    )


def _filtered(qs: QuerySet[Case], filters: QueueFilters) -> QuerySet[Case]:
    if filters.stream:
        qs = qs.filter(stream=filters.stream)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.node:
        qs = qs.filter(Exists(_active(node_type__code=filters.node)))
    if filters.overdue_only:
        qs = qs.filter(Exists(_active(status=Deadline.Status.OVERDUE)))
    if search := filters.search.strip():
        by_party = Party.objects.filter(case=OuterRef("pk"), name__icontains=search)
        qs = qs.filter(Q(number__icontains=search) | Exists(by_party))
    return qs


@dataclass(frozen=True)
class QueueCounts:
    total: int
    overdue: int
    nearing: int


def queue_counts(qs: QuerySet[Case]) -> QueueCounts:
    """Counts for the top of the queue, in one query."""
    plain = qs.order_by().values("pk")
    base = Case.objects.filter(pk__in=plain)
    totals = base.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(Exists(_active(status=Deadline.Status.OVERDUE)))),
        nearing=Count("pk", filter=Q(Exists(_active(status=Deadline.Status.NEARING)))),
    )
    return QueueCounts(totals["total"], totals["overdue"], totals["nearing"])


def awaiting_assignment(user: roles.AnyUser) -> QuerySet[Case]:
    """Filed cases of the user's courts with no responsible judge yet, oldest first (the triage desk)."""
    if not (
        user.is_authenticated
        and (user.is_superuser or roles.has_role(user, roles.TEAM_LEAD, roles.SUPERVISOR))
    ):
        return Case.objects.none()
    qs = Case.objects.filter(status=Case.Status.FILED, responsible_judge__isnull=True)
    if not user.is_superuser:
        qs = qs.filter(court_id__in=roles.court_ids_of(user))
    return (
        qs.annotate(next_due=Min("deadlines__due_at", filter=Q(deadlines__status__in=Deadline.ACTIVE)))
        .select_related("court")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")))
        .order_by("filed_at", "pk")
    )
