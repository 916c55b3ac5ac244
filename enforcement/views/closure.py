"""The closing page of a case: what is left on it and what each closure mode needs or does, then the closure.

GET shows, before anything is submitted, what stands in the way (money in the account, payouts, a
detention: each with its amount and a link), what each mode still lacks (终本 before 3 months), and what
a mode does besides (执行完毕: the measures it releases, to be confirmed). POST closes through the service,
which checks everything again under the case's lock; a refusal shows the page again with the reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import closure
from ..feedback import form_errors_text, refusal_text
from ..forms import CloseCaseForm
from ..models import Case, CaseEvent
from ..roles import acting_user
from ..selectors import get_case_for_user
from ..services import cases as case_services


@login_required
@require_http_methods(["GET", "POST"])
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    case_services.require_closer(request.user, case)
    if case.status == Case.Status.CLOSED:
        messages.info(request, _("The case is already closed."))
        return redirect("case-detail", pk=case.pk)
    if request.method == "GET":
        form = CloseCaseForm(initial={"closure": request.GET.get("closure", "")})
        return _page(request, case, form)
    form = CloseCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return _page(request, case, form)
    try:
        closed = case_services.close_case(actor=acting_user(request.user), case=case, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return _page(request, case, form)
    messages.success(request, _closed_message(closed))
    return redirect("case-detail", pk=case.pk)


def _page(request: HttpRequest, case: Case, form: CloseCaseForm) -> HttpResponse:
    preview = closure.preview(case)
    context = {
        "case": case,
        "preview": preview,
        "form": form,
        "has_steps": any(mode.steps for mode in preview.modes),
    }
    return render(request, "enforcement/close_case.html", context)


def _closed_message(case: Case) -> str:
    event = case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).order_by("-pk").first()
    late = bool(event and event.data.get("limits_met_late"))
    if late:
        return _("The case is closed. Its time limit was met late, after its last day.")
    return _("The case is closed.")
