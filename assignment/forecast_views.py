"""The forecast page: per team, the cases likely to breach their case limit in 30 and 60 days."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from enforcement.people import display_name
from enforcement.spreadsheet import Sheet, xlsx_response

from .forecast import HORIZONS, WINDOW_DAYS, AtRisk, TeamForecast, team_forecast
from .workload_views import scoped_teams

CASES_PER_PAGE = 25


@login_required
@require_GET
def forecast_page(request: HttpRequest) -> HttpResponse:
    form, teams = scoped_teams(request)
    try:
        horizon = int(request.GET.get("horizon", str(HORIZONS[0])))
    except ValueError:
        horizon = HORIZONS[0]
    if horizon not in HORIZONS:
        horizon = HORIZONS[0]
    forecasts = team_forecast(teams)
    rows = [(f, r) for f in forecasts for r in f.within(horizon)]
    rows.sort(key=lambda item: (item[1].days_left, item[1].case.pk))
    if request.GET.get("export") == "xlsx":
        return _export(forecasts, rows, horizon)
    page = Paginator(rows, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "forecasts": forecasts,
        "horizon": horizon,
        "horizons": HORIZONS,
        "window_days": WINDOW_DAYS,
        "page": page,
        "today": timezone.localdate(),
    }
    return render(request, "assignment/forecast.html", context)


def basis_text(forecast: TeamForecast) -> str:
    if forecast.basis == "team":
        return _("the team's own cases")
    if forecast.basis == "court":
        return _("no case closed by the team: the court's median")
    return _("no case closed in the court: every case whose limit falls in the horizon")


def _export(
    forecasts: list[TeamForecast], rows: list[tuple[TeamForecast, AtRisk]], horizon: int
) -> HttpResponse:
    team_rows = [
        [
            f.team.court.name,
            f.team.name,
            f.median,
            basis_text(f),
            f.closed_in_window,
            *(len(f.within(days)) for days in HORIZONS),
            f.breached,
        ]
        for f in forecasts
    ]
    case_rows = [
        [
            r.case.number,
            f.team.name,
            display_name(r.case.responsible_judge) if r.case.responsible_judge else "",
            r.case.filed_at,
            r.due_date,
            r.days_left,
            r.median,
        ]
        for f, r in rows
    ]
    sheets = [
        Sheet(
            _("Teams"),
            [
                _("Court"),
                _("Team"),
                _("Median days to close"),
                _("Median from"),
                _("Cases closed in the window"),
                *(_("At risk within %(days)s days") % {"days": days} for days in HORIZONS),
                _("Already past the case limit"),
            ],
            team_rows,
        ),
        Sheet(
            _("At risk within %(days)s days") % {"days": horizon},
            [
                _("Case"),
                _("Team"),
                _("Judge"),
                _("Filed at"),
                _("Case limit"),
                _("Days left"),
                _("Median days to close"),
            ],
            case_rows,
        ),
    ]
    return xlsx_response(_("Forecast %(day)s") % {"day": timezone.localdate().isoformat()}, sheets)
