"""Reads for triage and the judges' queues, in a constant number of queries whatever the page size."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from enforcement import roles
from enforcement.models import Case, CaseEvent, Deadline, Party, TeamMembership
from enforcement.selectors import cases_visible_to

from .models import PoolRound
from .pool import LEAD_NODES, POOL_NODE


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

    Urgency is the earliest due time among the case's running deadlines (``Case.next_due_at``, kept by the
    deadline engine, so a page is an index scan of the judge's or team's queue index that stops at its
    LIMIT); cases with none come last.
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
        # The team ids are read first (one small query): ``team_id = 7`` lets the planner walk the team's
        # queue index in order and stop at the page's LIMIT, where ``team_id IN (subquery)`` does not.
        own_teams = list(
            TeamMembership.objects.filter(
                user_id=user.pk, role__in=[TeamMembership.Role.LEAD, TeamMembership.Role.ASSISTANT]
            )
            .order_by("team_id")
            .values_list("team_id", flat=True)
            .distinct()
        )
        qs = Case.objects.filter(team_id__in=own_teams)
    else:
        qs = Case.objects.filter(responsible_judge_id=user.pk)
    qs = _filtered(qs, filters)
    return (
        qs.annotate(next_due=F("next_due_at"))
        .select_related("court", "team", "responsible_judge")
        .prefetch_related(
            Prefetch(
                "parties", queryset=Party.objects.only(*_PARTY_COLUMNS).order_by("role", "position", "id")
            ),
            # Only the most urgent running deadline of each case is shown: one row per case (a window
            # function), with the columns the row shows, not the explanation.
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(status__in=Deadline.ACTIVE)
                .select_related("node_type")
                .only(*_DEADLINE_COLUMNS)
                .order_by("due_at", "pk")[:1],
                to_attr="running_deadlines",
            ),
        )
        .order_by(F("next_due_at").asc(nulls_last=True), "filed_at", "pk")
    )


_PARTY_COLUMNS = ("id", "case_id", "role", "position", "name")
_DEADLINE_COLUMNS = ("id", "case_id", "status", "due_date", "due_at", "node_type__code", "node_type__name")


def _filtered(qs: QuerySet[Case], filters: QueueFilters) -> QuerySet[Case]:
    if filters.stream:
        qs = qs.filter(stream=filters.stream)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.node:
        qs = qs.filter(Exists(_active(node_type__code=filters.node)))
    if filters.overdue_only:
        qs = qs.filter(overdue_deadlines__gt=0)
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
    """Counts for the top of the queue, in one query over the case rows' stored counts (no deadline read)."""
    totals = qs.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(overdue_deadlines__gt=0)),
        nearing=Count("pk", filter=Q(nearing_deadlines__gt=0)),
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
        qs.annotate(next_due=F("next_due_at"))
        .select_related("court")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("role", "position", "id")))
        .order_by("filed_at", "pk")
    )


# --- The 终本 pool ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    """A re-search round with its clock (None only if the clock was removed by hand)."""

    round: PoolRound
    deadline: Deadline | None

    @property
    def status(self) -> str:
        """ "recorded", "cancelled" (the case resumed), "overdue", "due" (its window is open) or "later"."""
        if self.round.recorded:
            return "recorded"
        if self.deadline is None or self.deadline.status == Deadline.Status.CANCELLED:
            return "cancelled"
        if self.deadline.due_at <= timezone.now():
            return "overdue"
        return "due" if self.round.opens_on <= timezone.localdate() else "later"


def _with_clocks(rounds: list[PoolRound]) -> list[RoundRow]:
    """Each round with its deadline, in one query whatever the number of rounds."""
    subject_type = ContentType.objects.get_for_model(PoolRound)
    clocks = Deadline.objects.filter(
        subject_type=subject_type, subject_id__in=[r.pk for r in rounds], node_type__code=POOL_NODE
    )
    by_round = {d.subject_id: d for d in clocks.order_by("opened_at", "pk")}
    return [RoundRow(r, by_round.get(r.pk)) for r in rounds]


def pool_rounds(case: Case) -> list[RoundRow]:
    """The case's re-search rounds in order, with their clocks (empty: the case never entered the pool)."""
    return _with_clocks(list(PoolRound.objects.filter(case=case).select_related("recorded_by")))


@dataclass(frozen=True)
class PoolNext:
    due_date: datetime.date
    round: int
    rounds: int


def next_pool_search(case_id: int) -> PoolNext | None:
    """The next re-search the parties are told of: the earliest round not yet done whose clock runs."""
    subject_type = ContentType.objects.get_for_model(PoolRound)
    clock = (
        Deadline.objects.filter(
            case_id=case_id,
            node_type__code=POOL_NODE,
            status__in=Deadline.ACTIVE,
            subject_type=subject_type,
        )
        .order_by("due_at", "pk")
        .values_list("due_date", "subject_id")
        .first()
    )
    if clock is None or clock[1] is None:
        return None
    number = PoolRound.objects.filter(pk=clock[1]).values_list("number", flat=True).first()
    total = PoolRound.objects.filter(case_id=case_id).count()
    return PoolNext(due_date=clock[0], round=number or 0, rounds=total)


def pool_cases(user: roles.AnyUser) -> QuerySet[Case]:
    """The cases of the 终本 pool the user may see: closed as 终本 and not resumed."""
    return cases_visible_to(user).filter(
        status=Case.Status.CLOSED, closure=Case.Closure.TERMINATED_THIS_ROUND, resumptions__isnull=True
    )


@dataclass(frozen=True)
class PoolLeadRow:
    case: Case
    leads: int  # reported by parties since the closure
    waiting: int  # whose verification clock still runs


@dataclass(frozen=True)
class PoolOverview:
    due_this_month: list[RoundRow]
    overdue: list[RoundRow]
    with_leads: list[PoolLeadRow]
    cases: int


def _round_rows(clocks: QuerySet[Deadline]) -> list[RoundRow]:
    deadlines = list(clocks.select_related("case__court", "case__responsible_judge").order_by("due_at", "pk"))
    rounds = PoolRound.objects.in_bulk([d.subject_id for d in deadlines if d.subject_id is not None])
    rows = []
    for deadline in deadlines:
        pool_round = rounds.get(deadline.subject_id or 0)
        if pool_round is not None:
            pool_round.case = deadline.case  # the case is loaded already: no query per row
            rows.append(RoundRow(pool_round, deadline))
    return rows


def pool_overview(user: roles.AnyUser, *, today: datetime.date | None = None) -> PoolOverview:
    """What the supervisors and the pool's keepers follow, in a constant number of queries: the rounds due
    this month, the rounds overdue, and the cases parties sent leads to since their closure."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    cases = pool_cases(user).values("pk")
    running = Deadline.objects.filter(case__in=cases, node_type__code=POOL_NODE, status__in=Deadline.ACTIVE)
    now = timezone.now()
    leads_since = CaseEvent.objects.filter(
        case=OuterRef("pk"), kind=CaseEvent.Kind.PARTY_LEAD_REPORTED, occurred_at__gt=OuterRef("closed_at")
    )
    waiting = Deadline.objects.filter(
        case=OuterRef("pk"), node_type__code__in=LEAD_NODES, status__in=Deadline.ACTIVE
    )
    with_leads = (
        Case.objects.filter(pk__in=cases)
        .annotate(
            leads=_count(leads_since),
            waiting=_count(waiting),
        )
        .filter(leads__gt=0)
        .select_related("court")
        .order_by("-waiting", "closed_at", "pk")
    )
    return PoolOverview(
        due_this_month=_round_rows(running.filter(due_date__range=(first, last), due_at__gt=now)),
        overdue=_round_rows(running.filter(due_at__lte=now)),
        with_leads=[PoolLeadRow(c, c.leads, c.waiting) for c in with_leads],
        cases=pool_cases(user).count(),
    )


def _count(rows: QuerySet[Any]) -> Any:
    """A correlated COUNT(*) of ``rows`` (a subquery per case row, no join fan-out)."""
    return Coalesce(
        Subquery(rows.order_by().values("case").annotate(n=Count("pk")).values("n")[:1]), Value(0)
    )
