"""Pages of the case core: home, case list and case detail, plus the health check."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .. import panels, roles, selectors
from ..api.errors import api_not_found as _api_not_found
from ..celery import app as celery_app
from ..forms import (
    CloseCaseForm,
    DeductionForm,
    EndDeductionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from ..models import Case
from ..selectors import alerts as selectors_alerts
from ..selectors.deadlines import deadline_views
from ..services import cases as case_services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    recent = selectors.case_list(request.user)[:10]
    context = {
        "recent_cases": recent,
        "my_alerts": selectors_alerts.my_alert_rows(request.user),
        "home_panels": panels.home_panels_for(request),
    }
    return render(request, "enforcement/home.html", context)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page = Paginator(selectors.case_list(request.user, search=search), 25).get_page(request.GET.get("page"))
    return render(request, "enforcement/case_list.html", {"page": page, "search": search})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    context = {
        "case": case,
        "events": selectors.timeline(case),
        "panels": panels.panels_for(request, case),
        "deadlines": deadline_views(case),
        **_deadline_actions(request, case),
    }
    return render(request, "enforcement/case_detail.html", context)


def _deadline_actions(request: HttpRequest, case: Case) -> dict[str, object]:
    """Which of the clock actions this user may see on the case page (the services check again)."""

    def may(*allowed: str) -> bool:
        return roles.has_court_role(request.user, case.court_id, *allowed)

    return {
        "can_deduct": may(roles.SUPERVISOR, roles.PRESIDENT),
        "can_request_extension": may(roles.JUDGE, roles.TEAM_LEAD, roles.SUPERVISOR),
        "can_decide_extension": may(roles.PRESIDENT),
        "can_close": case.status != Case.Status.CLOSED and may(*case_services.CLOSING_ROLES),
        "deduction_form": DeductionForm(),
        "end_deduction_form": EndDeductionForm(),
        "extension_form": ExtensionRequestForm(),
        "decision_form": ExtensionDecisionForm(),
        "close_form": CloseCaseForm(),
    }


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and compose: the database and the Celery broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:  # kombu raises transport-specific errors; any of them means "down"
        return False
    return True


@csrf_exempt  # it changes nothing; without this a POST with no CSRF token got the HTML 403 page
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any method on an unknown path under /api: a JSON 404 (the API's own views answer 405 for methods)."""
    return _api_not_found(request)
