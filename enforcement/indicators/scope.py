"""Whose figures a request asks for: the filters checked, the user's default scope, the access rule."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .. import access, roles
from ..models import Court, TeamMembership
from .context import Scope
from .forms import IndicatorFilterForm


def default_scope(user: roles.AnyUser, court: Court) -> tuple[int | None, int | None]:
    """Where a user lands: the court for its supervisors and finance, his team for a lead, his own
    figures for a judge."""
    if access.sees_indicators(user, court.pk, money=True) or user.pk is None:
        return None, None
    led = (
        TeamMembership.objects.filter(user_id=user.pk, role=TeamMembership.Role.LEAD, team__court=court)
        .values_list("team_id", flat=True)
        .first()
    )
    if led is not None:
        return led, None
    return None, user.pk


def resolve_scope(user: roles.AnyUser, form: IndicatorFilterForm) -> tuple[Scope, datetime.date, bool]:
    """The scope and month of a checked form (its defaults when it is not valid), and whether the user
    sees only the money figures there; a 403 when he sees none."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    court = data.get("court") or form.fields["court"].queryset.first()  # type: ignore[attr-defined]
    if court is None:
        raise PermissionDenied(_("You are a member of no court."))
    month = data.get("month") or IndicatorFilterForm.clean_month_default()
    team, judge = data.get("team"), data.get("judge")
    team_id, judge_id = (team.pk if team else None), (judge.pk if judge else None)
    if team_id is None and judge_id is None:
        team_id, judge_id = default_scope(user, court)
    full = access.sees_indicators(user, court.pk, team_id=team_id, judge_id=judge_id)
    money = access.sees_indicators(user, court.pk, team_id=team_id, judge_id=judge_id, money=True)
    if not (full or money):
        raise PermissionDenied(_("These figures are not yours to see."))
    return Scope(court.pk, team_id, judge_id), month, not full
