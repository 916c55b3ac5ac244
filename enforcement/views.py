"""Pages of the case core: home, case list and case detail, plus the health check."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import panels, selectors
from .api.errors import api_not_found as _api_not_found
from .celery import app as celery_app


@login_required
def home(request: HttpRequest) -> HttpResponse:
    recent = selectors.case_list(request.user)[:10]
    return render(request, "enforcement/home.html", {"recent_cases": recent})


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
    }
    return render(request, "enforcement/case_detail.html", context)


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


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _api_not_found(request)
