"""The lobby screen (``/lobby/<court code>/``, public, no account) and the forms parties download.

The screen is a full-screen page for the LED or TV in the hall: no navigation, large type. It shows one
page of the court's cases in progress and of today's appointments (``portal.lobby``), and moves to the
next page after the court's ``seconds_per_page``: ``static/js/lobby.js`` fetches the next page and swaps
it in (the data is fresh on every page); without JavaScript a ``<meta http-equiv="refresh">`` inside
``<noscript>`` loads it. After the last page it starts again at the first. A page number that is not one
(``?page=abc``, ``?page=0``, past the end) shows a page that exists, never an error.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enforcement import pdf
from enforcement.clientaddress import client_address

from .. import lobby, lobby_throttle


def throttled(request: HttpRequest) -> HttpResponse | None:
    """The 429 page when this address asked too often (``portal.lobby_throttle``), else None."""
    wait = lobby_throttle.wait_seconds(client_address(request))
    if wait is None:
        return None
    message = _("Too many requests from this device. Please try again in a minute.")
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def _page_number(raw: str, pages: int) -> int:
    """The page asked for, wrapped into 1..pages; 1 for anything that is not a number."""
    if not raw.isdigit() or len(raw) > 6:
        return 1
    return (int(raw) - 1) % pages + 1


@never_cache
@require_GET
def screen(request: HttpRequest, code: str) -> HttpResponse:
    refused = throttled(request)
    if refused is not None:
        return refused
    board = lobby.screen_for(code)
    court = board.court
    size = board.rows_per_page
    rows = lobby.cases_in_progress(court)
    appointments = lobby.appointments_on(court, timezone.localdate())
    pages = max(1, math.ceil(len(rows) / size), math.ceil(len(appointments) / size))
    page = _page_number(request.GET.get("page", ""), pages)
    case_pages = max(1, math.ceil(len(rows) / size))
    case_start = ((page - 1) % case_pages) * size
    appointment_pages = max(1, math.ceil(len(appointments) / size))
    appointment_start = ((page - 1) % appointment_pages) * size
    next_url = reverse("lobby:screen", args=[court.code]) + "?" + urlencode({"page": page % pages + 1})
    context = {
        "board": board,
        "court": court,
        "cases": lobby.named(rows[case_start : case_start + size]),
        "case_count": len(rows),
        "case_limit": lobby.CASE_LIMIT,
        "appointments": appointments[appointment_start : appointment_start + size],
        "appointment_count": len(appointments),
        "page": page,
        "pages": pages,
        "next_url": next_url,
        "now": timezone.localtime(),
    }
    return render(request, "portal/lobby/screen.html", context)


@require_GET
def form_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A form offered at the court's terminals, as a PDF to print and fill in by hand."""
    refused = throttled(request)
    if refused is not None:
        return refused
    court = lobby.screen_for(code).court
    form = lobby.document_template(court, pk)
    html = render_to_string("portal/lobby/form.html", {"court": court, "form": form}, request)
    try:
        content = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except pdf.PdfUnavailable:
        message = _("The form cannot be produced as a PDF on this server. Please ask at the window.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{form.title}.pdf") or "inline"
    return response
