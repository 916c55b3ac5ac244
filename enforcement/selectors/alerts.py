"""Reads of alerts and the in-app inbox, always through the reader's permissions.

Who sees which alerts:
- supervisors, presidents and team leads: every unresolved alert of the courts they belong to;
- a judge: the alerts raised on him; a team lead also those of the teams he leads;
- a superuser: all of them. Everybody else: none.
"""

import datetime
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import roles
from ..models import Alert, CalendarYear, InboxItem, NodeType, Team, TeamMembership
from ..people import display_name

# Roles that watch the alerts of their whole court (the supervisor page).
SUPERVISING_ROLES = frozenset({roles.SUPERVISOR, roles.PRESIDENT, roles.TEAM_LEAD})
# The warning that next year's calendar is missing starts on this day of the year (month, day).
CALENDAR_WARNING_FROM = (11, 1)
MY_ALERTS_LIMIT = 20


def may_supervise_alerts(user: roles.AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, *SUPERVISING_ROLES))


def _unresolved() -> QuerySet[Alert]:
    # The scan resolves a nearing alert when it raises the overdue one: a late deadline shows once.
    return Alert.objects.filter(resolved_at__isnull=True)


def _with_rows(qs: QuerySet[Alert]) -> QuerySet[Alert]:
    """What an alert row shows, loaded with it; sorted by how late: overdue first, then by due time."""
    overdue_first = Case(
        When(level=Alert.Level.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.select_related(
        "case", "court", "team", "judge", "node_type", "deadline", "acknowledged_by"
    ).order_by(overdue_first, "due_at", "id")


def _court_alerts(user: roles.AnyUser) -> QuerySet[Alert]:
    if not may_supervise_alerts(user):
        return Alert.objects.none()
    if user.is_superuser:
        return _unresolved()
    return _unresolved().filter(court_id__in=roles.court_ids_of(user))


def alerts_for_supervisor(
    user: roles.AnyUser,
    *,
    team_id: int | None = None,
    judge_id: int | None = None,
    node_code: str | None = None,
    level: str | None = None,
    include_acknowledged: bool = True,
) -> QuerySet[Alert]:
    """Unresolved alerts of the user's courts, filtered, most overdue first."""
    qs = _court_alerts(user)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if judge_id is not None:
        qs = qs.filter(judge_id=judge_id)
    if node_code:
        qs = qs.filter(node_type__code=node_code)
    if level:
        qs = qs.filter(level=level)
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return _with_rows(qs)


@dataclass(frozen=True)
class AlertCount:
    pk: int | None  # None: alerts with no team, or no judge
    name: str
    total: int
    overdue: int


@dataclass(frozen=True)
class AlertCounts:
    teams: list[AlertCount]
    judges: list[AlertCount]


def alert_counts(alerts_qs: QuerySet[Alert]) -> AlertCounts:
    """Alerts per team and per judge, one GROUP BY query each, the busiest first."""
    base = alerts_qs.order_by()  # an ordering would join the GROUP BY
    totals = {"total": Count("id"), "overdue": Count("id", filter=Q(level=Alert.Level.OVERDUE))}
    teams = [
        AlertCount(row["team_id"], row["team__name"] or _("No team"), row["total"], row["overdue"])
        for row in base.values("team_id", "team__name").annotate(**totals).order_by("-overdue", "-total")
    ]
    judge_rows = base.values("judge_id", "judge__first_name", "judge__last_name", "judge__username")
    judges = [
        AlertCount(row["judge_id"], _judge_name(row), row["total"], row["overdue"])
        for row in judge_rows.annotate(**totals).order_by("-overdue", "-total")
    ]
    return AlertCounts(teams=teams, judges=judges)


def _judge_name(row: dict[str, Any]) -> str:
    if row["judge_id"] is None:
        return _("No responsible judge")
    user = User(
        first_name=row["judge__first_name"],
        last_name=row["judge__last_name"],
        username=row["judge__username"],
    )
    return display_name(user)


def _led_team_ids(user: User) -> list[int]:
    return list(
        TeamMembership.objects.filter(user=user, role=TeamMembership.Role.LEAD).values_list(
            "team_id", flat=True
        )
    )


def _own_alerts_condition(user: roles.AnyUser) -> Q | None:
    """Alerts raised on the user as judge, and those of the teams he leads."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    condition = Q(judge_id=user.pk)
    if roles.has_role(user, roles.TEAM_LEAD) and (led := _led_team_ids(user)):
        condition |= Q(team_id__in=led)
    return condition


def alerts_for_judge(user: roles.AnyUser) -> QuerySet[Alert]:
    """The judge's own unresolved alerts, plus his teams' if he leads any; most overdue first."""
    condition = _own_alerts_condition(user)
    if condition is None:
        return Alert.objects.none()
    return _with_rows(_unresolved().filter(condition))


def _visibility(user: roles.AnyUser) -> Q | None:
    """Which alerts the user may see at all: his courts' if he supervises them, and his own."""
    if user.is_superuser:
        return Q()
    conditions = [_own_alerts_condition(user)]
    if may_supervise_alerts(user):
        conditions.append(Q(court_id__in=roles.court_ids_of(user)))
    found = [c for c in conditions if c is not None]
    return reduce(operator.or_, found) if found else None


def get_alert_for_user(user: roles.AnyUser, pk: int) -> Alert:
    """The alert (resolved ones too: the service says why it can no longer be acknowledged), or 404 for
    anyone who may not see it."""
    visibility = _visibility(user)
    if visibility is None:
        raise Http404
    try:
        return _with_rows(Alert.objects.filter(visibility)).get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Filter choices of the supervisor page ----------------------------------------------------------------


def _supervised_court_ids(user: roles.AnyUser) -> frozenset[int] | None:
    """The courts whose alerts the user watches; None for all of them (a superuser)."""
    if user.is_superuser:
        return None
    return roles.court_ids_of(user) if may_supervise_alerts(user) else frozenset()


def teams_for_filter(user: roles.AnyUser) -> QuerySet[Team]:
    courts = _supervised_court_ids(user)
    teams = Team.objects.select_related("court").order_by("court__code", "name")
    return teams if courts is None else teams.filter(court_id__in=courts)


def judges_for_filter(user: roles.AnyUser) -> QuerySet[User]:
    courts = _supervised_court_ids(user)
    judges = User.objects.filter(groups__name__in=[roles.JUDGE, roles.TEAM_LEAD])
    if courts is not None:
        judges = judges.filter(court_memberships__court_id__in=courts)
    return judges.distinct().order_by("last_name", "first_name", "username")


def node_choices_for_filter(user: roles.AnyUser) -> list[tuple[str, str]]:
    """(code, name) of the node types alerts can have: the defaults, named as the user's court names them."""
    courts = _supervised_court_ids(user)
    nodes = (
        NodeType.objects.all()
        if courts is None
        else NodeType.objects.filter(Q(court__isnull=True) | Q(court_id__in=courts))
    )
    names: dict[str, str] = {}
    # A court's own version comes after the default and so gives the name shown.
    ordered = nodes.order_by("code", F("court_id").asc(nulls_first=True))
    for code, name in ordered.values_list("code", "name"):
        names[code] = name
    return sorted(names.items(), key=lambda item: item[1])


# --- How late ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lateness:
    last_day: datetime.date
    days: int  # > 0 overdue by that many days; <= 0 due in -days days

    @property
    def overdue(self) -> bool:
        return self.days > 0

    def __str__(self) -> str:
        if self.days > 0:
            return ngettext("overdue by %(n)d day", "overdue by %(n)d days", self.days) % {"n": self.days}
        if self.days == 0:
            return _("due today")
        return ngettext("due in %(n)d day", "due in %(n)d days", -self.days) % {"n": -self.days}


def lateness(due_at: datetime.datetime, now: datetime.datetime | None = None) -> Lateness:
    """In calendar days of the court's time zone; ``due_at`` is the start of the day after the last day."""
    last_day = timezone.localtime(due_at).date() - datetime.timedelta(days=1)
    today = timezone.localdate(now or timezone.now())
    return Lateness(last_day=last_day, days=(today - last_day).days)


def with_lateness(alerts: Iterable[Alert], now: datetime.datetime | None = None) -> list[Alert]:
    """The alerts as a list, each with a ``lateness`` attribute for its row."""
    now = now or timezone.now()
    rows = list(alerts)
    for alert in rows:
        alert.lateness = lateness(alert.due_at, now)  # type: ignore[attr-defined]
    return rows


def my_alert_rows(user: roles.AnyUser, limit: int = MY_ALERTS_LIMIT) -> list[Alert]:
    """The home page's "My alerts": for judges and team leads only, the most urgent first."""
    if not roles.has_role(user, roles.JUDGE, roles.TEAM_LEAD):
        return []
    return with_lateness(alerts_for_judge(user)[:limit])


# --- Calendar ---------------------------------------------------------------------------------------------


def calendar_warning(today: datetime.date) -> int | None:
    """From 1 November to the year's end: next year, if its holidays are not loaded yet; else None."""
    if (today.month, today.day) < CALENDAR_WARNING_FROM:
        return None
    next_year = today.year + 1
    return None if CalendarYear.objects.filter(year=next_year).exists() else next_year


# --- Inbox ------------------------------------------------------------------------------------------------


def inbox_items(user: User) -> QuerySet[InboxItem]:
    return InboxItem.objects.filter(user=user).order_by("-created_at", "-id")


def get_inbox_item_for_user(user: User, pk: int) -> InboxItem:
    try:
        return inbox_items(user).get(pk=pk)
    except InboxItem.DoesNotExist:
        raise Http404 from None


def unread_count(user: roles.AnyUser) -> int:
    """Unread inbox items: one COUNT on the partial index of unread rows."""
    if not user.is_authenticated:
        return 0
    return InboxItem.objects.filter(user_id=user.pk, read_at__isnull=True).count()
