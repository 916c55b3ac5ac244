"""The forecast of case-limit breaches per team, from its current load and its recent pace.

The method, as the page states it: a case is at risk when the days left to its case limit (the running
whole-case deadline, a node type that closing the case meets) are fewer than its team's median days from
filing to closing, over the team's cases closed in the last 180 days, and its limit's last day falls
within the next 30 (or 60) days. The 60-day list includes the 30-day one. A team that closed no case in
those 180 days uses the median of its whole court; when the court closed none either, every case whose
limit falls in the horizon is counted at risk. Paused limits (a deducted period running) stand still and
are left out; limits already past are counted apart, as breached.

Days are local dates in Asia/Shanghai. Three queries whatever the number of teams.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from enforcement.models import Case, Deadline, Team

WINDOW_DAYS = 180
HORIZONS = (30, 60)


@dataclass(frozen=True)
class AtRisk:
    case: Case
    due_date: datetime.date
    days_left: int
    median: float | None


@dataclass
class TeamForecast:
    team: Team
    median: float | None = None
    basis: str = "none"  # "team", "court" (the fallback) or "none" (no case closed in the court either)
    closed_in_window: int = 0
    breached: int = 0
    at_risk: list[AtRisk] = field(default_factory=list)  # within the longest horizon, soonest first

    def within(self, days: int) -> list[AtRisk]:
        return [r for r in self.at_risk if r.days_left <= days]

    @property
    def within_30(self) -> int:
        return len(self.within(30))

    @property
    def within_60(self) -> int:
        return len(self.within(60))


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def team_forecast(teams: list[Team], today: datetime.date | None = None) -> list[TeamForecast]:
    today = today or timezone.localdate()
    result = {t.pk: TeamForecast(t) for t in teams}
    _pace(result, today)
    horizon = today + datetime.timedelta(days=max(HORIZONS))
    running = (
        Deadline.objects.filter(
            case__team_id__in=list(result),
            node_type__met_on_closure=True,
            status__in=[Deadline.Status.OPEN, Deadline.Status.NEARING],
            paused=False,
            due_date__gte=today,
            due_date__lte=horizon,
        )
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "case__responsible_judge")
        .order_by("due_date", "case_id", "pk")
    )
    seen: set[int] = set()
    for deadline in running:
        case = deadline.case
        if case.pk in seen or case.team_id not in result:
            continue
        seen.add(case.pk)
        forecast = result[case.team_id]
        days_left = (deadline.due_date - today).days
        if forecast.median is None or days_left < forecast.median:
            forecast.at_risk.append(AtRisk(case, deadline.due_date, days_left, forecast.median))
    breached = (
        Deadline.objects.filter(
            case__team_id__in=list(result), node_type__met_on_closure=True, status=Deadline.Status.OVERDUE
        )
        .exclude(case__status=Case.Status.CLOSED)
        .values("case__team_id")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    for row in breached:
        result[row["case__team_id"]].breached = row["n"]
    return [result[t.pk] for t in teams]


def _pace(result: dict[int, TeamForecast], today: datetime.date) -> None:
    """Each team's median days to close over the window, or its court's when it closed none."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(today - datetime.timedelta(days=WINDOW_DAYS), datetime.time.min, zone)
    courts = {f.team.court_id for f in result.values()}
    closed = Case.objects.filter(
        court_id__in=courts, status=Case.Status.CLOSED, closed_at__gte=since
    ).values_list("team_id", "court_id", "filed_at", "closed_at")
    by_team: dict[int, list[int]] = {}
    by_court: dict[int, list[int]] = {}
    for team_id, court_id, filed_at, closed_at in closed:
        days = (timezone.localdate(closed_at) - timezone.localdate(filed_at)).days
        by_court.setdefault(court_id, []).append(days)
        if team_id is not None:
            by_team.setdefault(team_id, []).append(days)
    for pk, forecast in result.items():
        own = by_team.get(pk, [])
        forecast.closed_in_window = len(own)
        if own:
            forecast.median, forecast.basis = _median(own), "team"
        elif court := by_court.get(forecast.team.court_id):
            forecast.median, forecast.basis = _median(court), "court"
