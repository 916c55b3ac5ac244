"""The parties' pages (no account): the progress query, the progress page, leaving; and the supervisors'
list of throttled queries.

The query is a POST, so case and identity numbers never land in URLs or access logs. Every failure
answers with the same page, whatever was wrong; a throttled client gets 429 with the time to try again.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from enforcement import roles
from enforcement.selectors import cases_visible_to

from .. import progress, proof
from ..forms import QueryForm
from ..models import QueryBlock

THROTTLE_LIST_ROLES = (roles.SUPERVISOR, roles.PRESIDENT)
BLOCKS_PER_PAGE = 50


def no_match_message() -> str:
    """The one answer to every failed query: it must not say which part was wrong."""
    return _(
        "No case matches these details. Check the case number, your identity number and the query code "
        "on the acceptance notice."
    )


def throttled_message(until: datetime.datetime) -> str:
    return _(
        "Too many failed queries from this device or for this case number. For your safety, queries are "
        "paused until %(time)s. Please try again then."
    ) % {"time": f"{timezone.localtime(until):%Y-%m-%d %H:%M}"}


@never_cache
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = QueryForm()
        return render(request, "portal/query.html", {"form": form, "signed_in": _signed_in(request)})
    form = QueryForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/query.html", {"form": form})
    outcome = progress.query(client_ip=progress.client_address(request), **form.cleaned_data)
    if outcome.blocked_until is not None:
        response = render(
            request,
            "portal/query.html",
            {"form": QueryForm(), "error": throttled_message(outcome.blocked_until)},
            status=429,
        )
        response["Retry-After"] = str(outcome.retry_after())
        return response
    if outcome.proved is None:
        # A blank form: nothing typed is echoed, so the page is the same whatever was wrong.
        return render(request, "portal/query.html", {"form": QueryForm(), "error": no_match_message()})
    proof.start_session(request, outcome.proved)
    return redirect("portal:progress")


def _signed_in(request: HttpRequest) -> bool:
    return proof.SESSION_KEY in request.session


@never_cache
@require_http_methods(["GET"])
def progress_page(request: HttpRequest) -> HttpResponse:
    access = proof.session_access(request)
    shown = progress.progress_of(access.case_id, access.party_id) if access is not None else None
    if access is None or shown is None:
        return redirect("portal:query")
    context = {
        "progress": shown,
        "sections": proof.sections_for(request, access),
        "access": access,
    }
    return render(request, "portal/progress.html", context)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    proof.end_session(request)
    return redirect("portal:query")


@login_required
def throttled(request: HttpRequest) -> HttpResponse:
    """Recent blocks of the progress query, newest first, for supervisors and presidents."""
    if not (request.user.is_superuser or roles.has_role(request.user, *THROTTLE_LIST_ROLES)):
        raise PermissionDenied
    page = Paginator(QueryBlock.objects.all(), BLOCKS_PER_PAGE).get_page(request.GET.get("page"))
    blocks = list(page.object_list)
    numbers = [b.key for b in blocks if b.scope == QueryBlock.Scope.CASE]
    case_ids = dict(cases_visible_to(request.user).filter(number__in=numbers).values_list("number", "pk"))
    now = timezone.now()
    rows = [{"block": b, "active": b.until > now, "case_id": case_ids.get(b.key)} for b in blocks]
    return render(request, "portal/throttled.html", {"page": page, "rows": rows, "limits": progress.LIMITS})
