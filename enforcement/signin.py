"""Staff sign-in throttling: what django-axes answers once an account or an address is locked out.

Axes (settings ``AXES_*``) counts failed sign-ins per account and, separately, per client address
(``enforcement.clientaddress``, the same address the parties' progress throttle uses), on the sign-in
page, in the admin and at ``POST /api/v1/auth/token/``. After ``AXES_FAILURE_LIMIT`` failures within the
cool-off time, further attempts are refused, even with the right password, until the cool-off has
passed; a successful sign-in clears the account's count. This module shapes the refusal: the API's error
shape for API paths, the sign-in page with the message for pages, both 429 with ``Retry-After``.
"""

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from .api.errors import error_body

LOCKED_OUT_STATUS = 429


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed sign-ins for this account or from this address. Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this account or from this address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: a 429 in the shape of the place the attempt was made."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(locked_out_message(), "locked_out"), status=LOCKED_OUT_STATUS)
    else:
        context = {
            "locked_out": locked_out_message(),
            # Unvalidated: it only refills the user name (validating would try the password again).
            "form": AuthenticationForm(request, data=request.POST or None),
            "next": request.POST.get("next", ""),
        }
        response = render(request, "registration/login.html", context, status=LOCKED_OUT_STATUS)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
