"""The public page where a bank or an employer checks a certificate (no account).

GET shows the form: empty, or with the code filled in when the page is opened from the certificate's QR
code (``?code=``). It looks nothing up and writes nothing: checking is a POST, one press of the button,
so that opening a link (a preview bot, a prefetch, a refresh) never spends the throttle's allowance and GET
never writes. POST checks the code (``portal.verification.check``):

- in force: the certificate as the court issued it;
- unknown, revoked or expired: one answer, the same page with the same words and status, and an empty form
  (nothing typed is echoed, so the page is the same whatever the code was);
- throttled: 429 with the time to try again.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from enforcement import certcodes
from enforcement.clientaddress import client_address

from .. import verification
from ..forms import VerifyForm

TEMPLATE = "portal/verify.html"


def no_certificate_message() -> str:
    """The one answer for every code that does not verify: it must not say why."""
    return _(
        "No certificate in force has this code. Check the code on the paper; if it is right, the "
        "certificate is not valid: ask the court that issued it."
    )


def throttled_message(until: object) -> str:
    local = timezone.localtime(until)  # type: ignore[arg-type]
    return _(
        "Too many codes that did not verify were checked from this device. For safety, checks are paused "
        "until %(time)s. Please try again then."
    ) % {"time": f"{local:%Y-%m-%d %H:%M}"}


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        typed = request.GET.get("code", "")[:30]
        initial = {"code": certcodes.grouped(typed) if certcodes.is_well_formed(typed) else ""}
        return render(
            request, TEMPLATE, {"form": VerifyForm(initial=initial), "from_link": bool(initial["code"])}
        )
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form})
    outcome = verification.check(client_ip=client_address(request), code=form.cleaned_data["code"])
    if outcome.blocked_until is not None:
        context = {"form": VerifyForm(), "error": throttled_message(outcome.blocked_until)}
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = str(outcome.retry_after())
        return response
    if outcome.certificate is None:
        return render(request, TEMPLATE, {"form": VerifyForm(), "error": no_certificate_message()})
    return render(request, TEMPLATE, {"form": VerifyForm(), "certificate": outcome.certificate})
