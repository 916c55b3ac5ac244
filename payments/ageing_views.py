"""The money ageing page of finance and supervisors: held money per team and judge by days waited, the
cases behind each figure, and the same tables as an xlsx workbook (``?export=xlsx``)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enforcement import access
from enforcement.models import Case, Court, Team
from enforcement.people import display_name
from enforcement.spreadsheet import Sheet, xlsx_response

from .ageing import BUCKETS, Ageing, CaseHeld, Figures, cases_behind, money_ageing

PAGE_SIZE = 25


class AgeingFilterForm(forms.Form):
    court = forms.TypedChoiceField(label=gettext_lazy("Court"), coerce=int, required=False, empty_value=None)
    team = forms.IntegerField(
        label=gettext_lazy("Team"), required=False, min_value=0, widget=forms.HiddenInput
    )
    judge = forms.IntegerField(
        label=gettext_lazy("Judge"), required=False, min_value=0, widget=forms.HiddenInput
    )
    bucket = forms.ChoiceField(label=gettext_lazy("Days held"), required=False)

    def __init__(self, data: object, courts: list[Court]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        court_choices = [("", _("All my courts")), *((c.pk, c.name) for c in courts)]
        cast(forms.ChoiceField, self.fields["court"]).choices = court_choices
        bucket_choices = [("", _("Any")), *((k, label) for k, label, _top in BUCKETS)]
        cast(forms.ChoiceField, self.fields["bucket"]).choices = bucket_choices


@dataclass(frozen=True)
class FigureRow:
    """One row of a figures table: a team or judge (key 0: none), the buckets, the total."""

    key: int
    name: str
    cells: list[tuple[str, Decimal, int]]
    total: Decimal
    cases: int


def _row(key: int | None, name: str, figures: Figures) -> FigureRow:
    return FigureRow(key or 0, name, figures.cells(), figures.total, len(figures.all_cases))


@login_required
@require_GET
def ageing_page(request: HttpRequest) -> HttpResponse:
    court_ids = access.money_overseen_courts(request.user)
    if not court_ids:
        raise PermissionDenied
    courts = list(Court.objects.filter(pk__in=court_ids).order_by("code"))
    form = AgeingFilterForm(request.GET, courts)
    chosen: dict[str, object] = form.cleaned_data if form.is_valid() else {}
    if chosen.get("court"):
        court_ids = frozenset({int(str(chosen["court"]))})
    ageing = money_ageing(court_ids)
    team, judge = chosen.get("team"), chosen.get("judge")
    bucket = str(chosen.get("bucket") or "") or None
    behind = cases_behind(
        ageing,
        team=int(str(team)) if team is not None else None,
        judge=int(str(judge)) if judge is not None else None,
        bucket=bucket,
    )
    teams = _names_of_teams(ageing.teams)
    judges = _names_of_judges(ageing.judges)
    team_rows = [_row(k, teams.get(k, _("No team")), f) for k, f in _sorted(ageing.teams, teams)]
    judge_rows = [_row(k, judges.get(k, _("No judge")), f) for k, f in _sorted(ageing.judges, judges)]
    if request.GET.get("export") == "xlsx":
        return _export(ageing, team_rows, judge_rows, behind, teams, judges, bucket)
    page = Paginator(behind, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[CaseHeld] = list(page.object_list)
    numbers = dict(Case.objects.filter(pk__in=[c.case_id for c in shown]).values_list("pk", "number"))
    lines = [
        {
            "held": held,
            "number": numbers.get(held.case_id, ""),
            "team": teams.get(held.team_id, ""),
            "judge": judges.get(held.judge_id, ""),
            "in_bucket": held.in_bucket(bucket),
            "oldest_arrived": min(p.arrived_on for p in held.pieces),
        }
        for held in shown
    ]
    context = {
        "form": form,
        "ageing": ageing,
        "buckets": BUCKETS,
        "court_row": _row(None, _("All"), ageing.court),
        "team_rows": team_rows,
        "judge_rows": judge_rows,
        "page": page,
        "lines": lines,
        "bucket_label": {k: label for k, label, _top in BUCKETS}.get(bucket or "", ""),
        "behind_of": teams.get(int(str(team)) or None, "")
        if team is not None
        else (judges.get(int(str(judge)) or None, "") if judge is not None else ""),
        "filtered": team is not None or judge is not None or bucket is not None,
    }
    return render(request, "payments/ageing.html", context)


def _sorted(
    figures: dict[int | None, Figures], names: dict[int | None, str]
) -> list[tuple[int | None, Figures]]:
    return sorted(figures.items(), key=lambda item: (item[0] is None, names.get(item[0], ""), item[0] or 0))


def _names_of_teams(keys: Iterable[int | None]) -> dict[int | None, str]:
    ids = [k for k in keys if k is not None]
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _names_of_judges(keys: Iterable[int | None]) -> dict[int | None, str]:
    ids = [k for k in keys if k is not None]
    return {user.pk: display_name(user) for user in User.objects.filter(pk__in=ids)}


def _export(
    ageing: Ageing,
    team_rows: list[FigureRow],
    judge_rows: list[FigureRow],
    behind: list[CaseHeld],
    teams: dict[int | None, str],
    judges: dict[int | None, str],
    bucket: str | None,
) -> HttpResponse:
    headers = [*(str(label) for _k, label, _top in BUCKETS), _("Total held"), _("Cases")]

    def figures_rows(rows: list[FigureRow]) -> list[list[object]]:
        return [[r.name, *(amount for _k, amount, _n in r.cells), r.total, r.cases] for r in rows]

    numbers = dict(Case.objects.filter(pk__in=[c.case_id for c in behind]).values_list("pk", "number"))
    case_rows: list[list[object]] = [
        [
            numbers.get(held.case_id, ""),
            teams.get(held.team_id, ""),
            judges.get(held.judge_id, ""),
            held.in_bucket(bucket),
            held.total,
            min(p.arrived_on for p in held.pieces),
            held.oldest_age,
        ]
        for held in behind
    ]
    sheets = [
        Sheet(_("Per team"), [_("Team"), *headers], figures_rows(team_rows)),
        Sheet(_("Per judge"), [_("Judge"), *headers], figures_rows(judge_rows)),
        Sheet(
            _("Cases"),
            [
                _("Case"),
                _("Team"),
                _("Judge"),
                _("Held in the figure"),
                _("Total held"),
                _("Oldest money arrived on"),
                _("Days held"),
            ],
            case_rows,
        ),
    ]
    return xlsx_response(_("Money ageing %(day)s") % {"day": ageing.today.isoformat()}, sheets)
