"""Workload per team and per judge: open cases, cases received and closed this month, capacity used,
overdue deadlines and the oldest open cases. Reads only; the rebalancing writes are in ``rebalance``.

Every figure is one GROUP BY over its table for all the teams shown (never a query per judge):

- open cases: the team's cases not closed; a judge's row counts his open cases in that team;
- received this month: assignments to the team (and judge) starting this month, first assignments and
  reassignments alike;
- closed this month: the team's cases closed this month (by their judge at closing);
- capacity used: as the assignment engine (``candidates.open_loads``) sees it, all the judge's open cases
  in any team against his capacity in this team; a team's is the sum of its judges' loads against the sum
  of their capacities;
- overdue: running deadlines of the team's open cases past their last day;
- the oldest cases: the team's oldest open cases by filing time.

"This month" is the calendar month in the court's time zone (Asia/Shanghai).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from enforcement.models import Case, Deadline, Team, TeamMembership

from .models import Assignment

OLDEST_PER_TEAM = 5


def month_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of this month and of the next, as aware times in the court's time zone."""
    first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, zone),
        datetime.datetime.combine(following, datetime.time.min, zone),
    )


@dataclass
class JudgeLoad:
    team_id: int
    judge: User
    capacity: int
    load: int = 0  # every open case of the judge, as the assignment engine counts it
    open: int = 0  # his open cases in this team
    received: int = 0
    closed: int = 0
    overdue: int = 0
    oldest_filed: datetime.datetime | None = None

    @property
    def used_percent(self) -> int:
        return round(100 * self.load / max(self.capacity, 1))

    @property
    def over_capacity(self) -> bool:
        return self.load >= self.capacity


@dataclass
class TeamLoad:
    team: Team
    judges: list[JudgeLoad] = field(default_factory=list)
    open: int = 0
    received: int = 0
    closed: int = 0
    overdue: int = 0
    oldest: list[Case] = field(default_factory=list)

    @property
    def load(self) -> int:
        return sum(j.load for j in self.judges)

    @property
    def capacity(self) -> int:
        return sum(j.capacity for j in self.judges)

    @property
    def used_percent(self) -> int:
        return round(100 * self.load / self.capacity) if self.capacity else 0


def team_workload(teams: list[Team], today: datetime.date | None = None) -> list[TeamLoad]:
    """The workload of each team, in the order given (six queries whatever the number of teams)."""
    today = today or timezone.localdate()
    start, end = month_bounds(today)
    loads = {t.pk: TeamLoad(t) for t in teams}
    team_ids = list(loads)
    members = (
        TeamMembership.objects.filter(team_id__in=team_ids, role=TeamMembership.Role.JUDGE)
        .select_related("user")
        .order_by("team_id", "user__username", "pk")
    )
    rows: dict[tuple[int, int], JudgeLoad] = {}
    for m in members:
        row = JudgeLoad(m.team_id, m.user, max(m.capacity, 1))
        rows[(m.team_id, m.user_id)] = row
        loads[m.team_id].judges.append(row)
    judge_ids = {judge for _team, judge in rows}
    _count_cases(loads, rows, judge_ids, start, end)
    _count_received(loads, rows, start, end)
    _count_overdue(loads, rows)
    _oldest(loads)
    return [loads[pk] for pk in team_ids]


def _count_cases(
    loads: dict[int, TeamLoad],
    rows: dict[tuple[int, int], JudgeLoad],
    judge_ids: set[int],
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    is_open = ~Q(status=Case.Status.CLOSED)
    closed_now = Q(status=Case.Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    counted = (
        Case.objects.filter(Q(team_id__in=list(loads)) | Q(responsible_judge_id__in=list(judge_ids)))
        .filter(is_open | closed_now)
        .values("team_id", "responsible_judge_id")
        .annotate(
            open=Count("id", filter=is_open),
            closed=Count("id", filter=closed_now),
            oldest=Min("filed_at", filter=is_open),
        )
        .order_by()
    )
    load_of: dict[int, int] = defaultdict(int)
    for row in counted:
        team_id, judge_id = row["team_id"], row["responsible_judge_id"]
        if judge_id is not None:
            load_of[judge_id] += row["open"]
        if team_id in loads:
            loads[team_id].open += row["open"]
            loads[team_id].closed += row["closed"]
        judge_row = rows.get((team_id, judge_id))
        if judge_row is not None:
            judge_row.open, judge_row.closed, judge_row.oldest_filed = (
                row["open"],
                row["closed"],
                row["oldest"],
            )
    for (_team, judge_id), judge_row in rows.items():
        judge_row.load = load_of.get(judge_id, 0)


def _count_received(
    loads: dict[int, TeamLoad],
    rows: dict[tuple[int, int], JudgeLoad],
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    received = (
        Assignment.objects.filter(team_id__in=list(loads), assigned_at__gte=start, assigned_at__lt=end)
        .values("team_id", "judge_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in received:
        loads[row["team_id"]].received += row["n"]
        if (judge_row := rows.get((row["team_id"], row["judge_id"]))) is not None:
            judge_row.received = row["n"]


def _count_overdue(loads: dict[int, TeamLoad], rows: dict[tuple[int, int], JudgeLoad]) -> None:
    overdue = (
        Deadline.objects.filter(case__team_id__in=list(loads), status=Deadline.Status.OVERDUE)
        .exclude(case__status=Case.Status.CLOSED)
        .values("case__team_id", "case__responsible_judge_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        loads[row["case__team_id"]].overdue += row["n"]
        if (judge_row := rows.get((row["case__team_id"], row["case__responsible_judge_id"]))) is not None:
            judge_row.overdue = row["n"]


def _oldest(loads: dict[int, TeamLoad]) -> None:
    ranked = (
        Case.objects.filter(team_id__in=list(loads))
        .exclude(status=Case.Status.CLOSED)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("team_id")], order_by=[F("filed_at").asc(), F("id").asc()]
            )
        )
        .filter(rank__lte=OLDEST_PER_TEAM)
        .select_related("responsible_judge")
        .order_by("team_id", "rank")
    )
    for case in ranked:
        if case.team_id is not None:
            loads[case.team_id].oldest.append(case)


def judge_cases(team: Team, judge_id: int) -> QuerySet[Case]:
    """The judge's open cases in the team, oldest first: what a team lead picks from to rebalance."""
    return (
        Case.objects.filter(team=team, responsible_judge_id=judge_id)
        .exclude(status=Case.Status.CLOSED)
        .order_by("filed_at", "id")
    )
