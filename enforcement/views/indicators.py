"""The supervision indicators: the overview of a court, team or judge (read from the nightly figures),
and the live list of the cases behind a figure. Both export to xlsx and print cleanly."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..indicators.forms import IndicatorFilterForm
from ..indicators.registry import Indicator, indicators
from ..indicators.scope import resolve_scope
from ..models import Case, Court
from ..selectors import indicators as selectors
from ..spreadsheet import Sheet, xlsx_response

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000


def _scope_from(request: HttpRequest) -> tuple[IndicatorFilterForm, selectors.Scope, datetime.date, bool]:
    """The filters, checked; the scope the user may see (money only for finance) or a 403."""
    form = IndicatorFilterForm(request.GET or None, user=request.user)
    scope, month, money_only = resolve_scope(request.user, form)
    return form, scope, month, money_only


def _unit(indicator: Indicator) -> str:
    return "%" if indicator.unit == "percent" else _("days")


def _scope_label(scope: selectors.Scope) -> str:
    court = Court.objects.get(pk=scope.court_id)
    if scope.team_id:
        return f"{court.name} · {court.teams.get(pk=scope.team_id).name}"
    if scope.judge_id:
        from django.contrib.auth.models import User

        judge = User.objects.get(pk=scope.judge_id)
        return f"{court.name} · {judge.get_full_name() or judge.username}"
    return court.name


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, scope, month, money_only = _scope_from(request)
    found = selectors.overview(scope, month, money_only=money_only)
    label = _scope_label(scope)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{_('Indicators')} {label} {month:%Y-%m}", _overview_sheets(found))
    chart = {
        "months": [f"{m:%Y-%m}" for m in found.months],
        "series": [
            {
                "code": row.indicator.code,
                "title": str(row.indicator.title),
                "unit": _unit(row.indicator),
                "target": float(row.target) if row.target is not None else None,
                "values": [
                    float(v) if (v := f.value(row.indicator)) is not None else None for f in row.trend
                ],
            }
            for row in found.rows
        ],
    }
    query = {"court": scope.court_id, "team": scope.team_id or "", "judge": scope.judge_id or ""}
    context: dict[str, Any] = {
        "form": form,
        "overview": found,
        "scope": scope,
        "scope_label": label,
        "query": query,
        "chart": chart,
        "money_only": money_only,
        "judge_choices": [
            (pk, " ".join(filter(None, [first, last])) or username)
            for pk, username, first, last in form.fields["judge"].queryset.values_list(  # type: ignore[attr-defined]
                "pk", "username", "first_name", "last_name"
            )
        ],
    }
    return render(request, "enforcement/indicators.html", context)


def _overview_sheets(found: selectors.Overview) -> list[Sheet]:
    summary = Sheet(
        title=_("Indicators"),
        headers=[
            _("Indicator"),
            _("Unit"),
            _("Month"),
            _("Numerator"),
            _("Denominator"),
            _("Month figure"),
            _("Year to date"),
            _("Target"),
            _("Definition"),
        ],
        rows=[
            [
                str(r.indicator.title),
                _unit(r.indicator),
                f"{found.month:%Y-%m}",
                r.month.numerator,
                r.month.denominator,
                r.month_value,
                r.year_value,
                r.target,
                r.definition,
            ]
            for r in found.rows
        ],
    )
    trend = Sheet(
        title=_("12-month trend"),
        headers=[_("Indicator"), *[f"{m:%Y-%m}" for m in found.months]],
        rows=[[str(r.indicator.title), *[f.value(r.indicator) for f in r.trend]] for r in found.rows],
    )
    return [summary, trend]


@login_required
@require_GET
def figure_cases(request: HttpRequest, code: str) -> HttpResponse:
    indicator = indicators.get(code)
    if indicator is None:
        raise Http404
    _form, scope, month, money_only = _scope_from(request)
    if money_only and not indicator.money:
        raise PermissionDenied(_("These figures are not yours to see."))
    part = "numerator" if request.GET.get("part") == "numerator" else "denominator"
    cases, ctx = selectors.figure_cases(indicator, scope, month, part)
    label = _scope_label(scope)
    columns = list(indicator.columns)
    if request.GET.get("format") == "xlsx":
        exported = (_case_row(case, columns) for case in cases[:EXPORT_LIMIT].iterator())
        headers = [*_case_headers(), *[str(h) for _n, h in columns]]
        sheet = Sheet(title=str(indicator.title), headers=headers, rows=exported)
        return xlsx_response(f"{indicator.title} {label} {month:%Y-%m}", [sheet])
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, [selectors.case_measure(case, name) for name, _h in columns]) for case in page.object_list]
    context = {
        "indicator": indicator,
        "definition": indicator.describe(ctx),
        "part": part,
        "page": page,
        "rows": rows,
        "column_headers": [h for _n, h in columns],
        "month": month,
        "scope_label": label,
        "query": {
            "court": scope.court_id,
            "team": scope.team_id or "",
            "judge": scope.judge_id or "",
            "month": f"{month:%Y-%m}",
        },
    }
    return render(request, "enforcement/indicator_cases.html", context)


def _case_headers() -> list[str]:
    return [_("Case number"), _("Team"), _("Responsible judge"), _("Filed at"), _("Closed at"), _("Closure")]


def _case_row(case: Case, columns: list[tuple[str, Any]]) -> list[Any]:
    judge = case.responsible_judge
    return [
        case.number,
        case.team.name if case.team else "",
        (judge.get_full_name() or judge.username) if judge else "",
        case.filed_at,
        case.closed_at,
        case.get_closure_display(),
        *[selectors.case_measure(case, name) for name, _h in columns],
    ]
