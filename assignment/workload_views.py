"""The workload page (per team and judge) and its rebalancing form; the forecast page is in
``forecast_views``. The reads are ``workload``, the writes ``rebalance`` (through ``reassign_case``)."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enforcement import access, roles
from enforcement.feedback import form_errors_text
from enforcement.models import Case, Team, TeamMembership
from enforcement.people import display_name
from enforcement.spreadsheet import Sheet, xlsx_response

from .rebalance import rebalance
from .services import ASSIGNING_ROLES
from .workload import TeamLoad, judge_cases, team_workload

TEAMS_PER_PAGE = 10
CASES_PER_PAGE = 25
VIEWING_ROLES = (roles.TEAM_LEAD, *access.WORKLOAD_COURT_ROLES)


def followed_teams(request: HttpRequest) -> QuerySet[Team]:
    """The teams the user follows (403 for anyone with none of the roles); the superuser sees all."""
    user = request.user
    if user.is_superuser:
        return Team.objects.all()
    if not roles.has_role(user, *VIEWING_ROLES):
        raise PermissionDenied
    return access.workload_teams(user)


class TeamFilterForm(forms.Form):
    court = forms.TypedChoiceField(label=gettext_lazy("Court"), coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(label=gettext_lazy("Team"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any, teams: list[Team]) -> None:
        super().__init__(data)
        courts = {t.court_id: t.court for t in teams}
        court_choices = [("", _("All")), *((pk, c.name) for pk, c in sorted(courts.items()))]
        cast(forms.ChoiceField, self.fields["court"]).choices = court_choices
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", _("All")),
            *((t.pk, t.name) for t in teams),
        ]

    def apply(self, teams: list[Team]) -> list[Team]:
        if not self.is_valid():
            return teams
        court, team = self.cleaned_data["court"], self.cleaned_data["team"]
        return [t for t in teams if (court is None or t.court_id == court) and (team is None or t.pk == team)]


def scoped_teams(request: HttpRequest) -> tuple[TeamFilterForm, list[Team]]:
    teams = list(followed_teams(request).select_related("court").order_by("court__code", "name", "pk"))
    form = TeamFilterForm(request.GET, teams)
    return form, form.apply(teams)


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class RebalanceForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    from_judge = forms.IntegerField(widget=forms.HiddenInput)
    cases = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cases to hand over"),
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    judge = forms.ModelChoiceField(label=gettext_lazy("New judge"), queryset=User.objects.none())
    reason = forms.CharField(
        label=gettext_lazy("Reason for the reassignment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any, team: Team, from_judge: int) -> None:
        super().__init__(data, initial={"team": team.pk, "from_judge": from_judge})
        cast(forms.ModelMultipleChoiceField, self.fields["cases"]).queryset = judge_cases(team, from_judge)
        others = User.objects.filter(
            team_memberships__team=team, team_memberships__role=TeamMembership.Role.JUDGE, is_active=True
        ).exclude(pk=from_judge)
        self.fields["judge"] = JudgeChoiceField(
            label=gettext_lazy("New judge"), queryset=others.order_by("username")
        )


@login_required
def workload_page(request: HttpRequest) -> HttpResponse:
    form, teams = scoped_teams(request)
    if request.GET.get("export") == "xlsx":
        return _export(team_workload(teams))
    page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    loads = team_workload(list(page.object_list))
    context: dict[str, object] = {
        "form": form,
        "page": page,
        "loads": loads,
        "today": timezone.localdate(),
        "may_rebalance": request.user.is_superuser or roles.has_role(request.user, *ASSIGNING_ROLES),
    }
    context.update(_picked(request, teams))
    return render(request, "assignment/workload.html", context)


def _picked(request: HttpRequest, teams: list[Team]) -> dict[str, object]:
    """The judge picked to rebalance from (``?team=…&judge=…``): his open cases and the form."""
    try:
        team_id, judge_id = int(request.GET.get("team", "")), int(request.GET.get("judge", ""))
    except ValueError:
        return {}
    team = next((t for t in teams if t.pk == team_id), None)
    judge = User.objects.filter(pk=judge_id).first()
    if team is None or judge is None:
        return {}
    rebalance_form = RebalanceForm(None, team, judge_id)
    cases_page = Paginator(judge_cases(team, judge_id).select_related("team"), CASES_PER_PAGE).get_page(
        request.GET.get("cpage")
    )
    return {
        "picked_team": team,
        "picked_judge": judge,
        "rebalance_form": rebalance_form,
        "cases_page": cases_page,
    }


@login_required
@require_POST
def rebalance_view(request: HttpRequest) -> HttpResponse:
    teams = {t.pk: t for t in followed_teams(request)}
    try:
        team = teams[int(request.POST.get("team", ""))]
        from_judge = int(request.POST.get("from_judge", ""))
    except (KeyError, ValueError):
        messages.error(request, _("Nothing was changed: choose a judge of one of your teams."))
        return redirect("assignment:workload")
    back = (
        reverse("assignment:workload")
        + "?"
        + urlencode({"team": team.pk, "judge": from_judge})
        + "#rebalance"
    )
    form = RebalanceForm(request.POST, team, from_judge)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return redirect(back)
    actor = roles.acting_user(request.user)
    try:
        result = rebalance(
            actor=actor,
            cases=form.cleaned_data["cases"],
            judge=form.cleaned_data["judge"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": " ".join(error.messages)})
        return redirect(back)
    if result.assigned:
        messages.success(
            request,
            _("%(count)s case(s) reassigned to %(judge)s.")
            % {"count": len(result.assigned), "judge": display_name(form.cleaned_data["judge"])},
        )
    numbers = dict(Case.objects.filter(pk__in=list(result.refused)).values_list("pk", "number"))
    for pk, why in result.refused.items():
        messages.error(
            request, _("%(case)s was not reassigned: %(why)s") % {"case": numbers.get(pk, pk), "why": why}
        )
    return redirect(back)


def _export(loads: list[TeamLoad]) -> HttpResponse:
    team_rows = [
        [
            t.team.court.name,
            t.team.name,
            t.open,
            t.received,
            t.closed,
            t.load,
            t.capacity,
            t.used_percent,
            t.overdue,
        ]
        for t in loads
    ]
    judge_rows = [
        [
            t.team.name,
            display_name(j.judge),
            j.open,
            j.received,
            j.closed,
            j.load,
            j.capacity,
            j.used_percent,
            j.overdue,
            timezone.localtime(j.oldest_filed).date() if j.oldest_filed else None,
        ]
        for t in loads
        for j in t.judges
    ]
    oldest_rows = [
        [t.team.name, c.number, display_name(c.responsible_judge) if c.responsible_judge else "", c.filed_at]
        for t in loads
        for c in t.oldest
    ]
    figures = [
        _("Open cases"),
        _("Received this month"),
        _("Closed this month"),
        _("Load"),
        _("Capacity"),
        _("Capacity used (%)"),
        _("Overdue deadlines"),
    ]
    sheets = [
        Sheet(_("Teams"), [_("Court"), _("Team"), *figures], team_rows),
        Sheet(_("Judges"), [_("Team"), _("Judge"), *figures, _("Oldest open case filed on")], judge_rows),
        Sheet(_("Oldest cases"), [_("Team"), _("Case"), _("Judge"), _("Filed at")], oldest_rows),
    ]
    return xlsx_response(_("Workload %(day)s") % {"day": timezone.localdate().isoformat()}, sheets)
