"""Pages of the credit sanctions: the actions of the credit panel on the case page, and the lifting notice
of a consumption restriction as a PDF.

Each action checks the input with a form, calls one service and goes back to the credit panel of the case
page with a message; the services decide who may act. Cases and their objects are fetched through the cases
the user may see, so outsiders get a 404.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement import pdf
from enforcement.feedback import attempt
from enforcement.models import Case
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from . import services
from .credit_forms import (
    CreditDecisionForm,
    CreditRepairForm,
    ExtensionForm,
    LiftForm,
    ListingForm,
    RefusalForm,
    RemovalForm,
    RemovalGroundForm,
    RestrictionForm,
    ServiceForm,
)
from .models import ConsumptionRestriction, DishonestListing
from .views import _of_case


def _act(
    request: HttpRequest, case: Case, form: forms.Form, action: Callable[[], object], done: str
) -> HttpResponse:
    attempt(request, form, action, done)
    return redirect(f"{reverse('case-detail', args=[case.pk])}#custody-credit")


# --- Consumption restriction --------------------------------------------------------------------------------


@login_required
@require_POST
def propose_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = RestrictionForm(request.POST, respondents=case.respondents())
    return _act(
        request,
        case,
        form,
        lambda: services.propose_restriction(
            actor=acting_user(request.user),
            case=case,
            party=form.respondent(),
            ruling_number=form.cleaned_data["ruling_number"],
            reason=form.cleaned_data["reason"],
            persons=form.persons(),
        ),
        _("Consumption restriction proposed; the court's president decides."),
    )


@login_required
@require_POST
def decide_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    case, restriction = _of_case(request, ConsumptionRestriction, pk)
    form = CreditDecisionForm(request.POST)
    approving = request.POST.get("decision") == "approve"
    return _act(
        request,
        case,
        form,
        lambda: services.decide_restriction(
            actor=acting_user(request.user),
            restriction=restriction,
            approve=form.approve,
            note=form.cleaned_data["note"],
        ),
        _("Consumption restriction issued.") if approving else _("Consumption restriction refused."),
    )


@login_required
@require_POST
def lift_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    case, restriction = _of_case(request, ConsumptionRestriction, pk)
    form = LiftForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.lift_restriction(
            actor=acting_user(request.user),
            restriction=restriction,
            reason=form.cleaned_data["reason"],
            decision_number=form.cleaned_data["decision_number"],
            lifted_on=form.cleaned_data["lifted_on"],
            note=form.cleaned_data["note"],
        ),
        _("Consumption restriction lifted; print the lifting notice."),
    )


def lift_notice_context(restriction: ConsumptionRestriction, case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "court": case.court,
        "restriction": restriction,
        "persons": list(restriction.persons.order_by("pk")),
        "applicants": "、".join(p.name for p in case.applicants()),
        "issued_on": timezone.localdate(restriction.decided_at) if restriction.decided_at else None,
    }


def lift_notice_response(
    request: HttpRequest, restriction: ConsumptionRestriction, case: Case
) -> HttpResponse:
    """The lifting notice as a PDF (inline), or 503 where WeasyPrint cannot run; 404 unless lifted."""
    if restriction.status != ConsumptionRestriction.Status.LIFTED:
        raise Http404
    context = lift_notice_context(restriction, case)
    html = render_to_string("custody/credit/lift_notice.html", context, request=request)
    try:
        content = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except pdf.PdfUnavailable:
        return render(request, "intake/pdf_unavailable.html", {"case": case}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"lifting-notice-{case.year}-{case.court.code}-{case.seq}-{restriction.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


@login_required
@require_GET
def lift_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case, restriction = _of_case(request, ConsumptionRestriction, pk)
    return lift_notice_response(request, restriction, case)


# --- The dishonest-debtor list ------------------------------------------------------------------------------


@login_required
@require_POST
def list_debtor(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = ListingForm(request.POST, respondents=case.respondents())
    return _act(
        request,
        case,
        form,
        lambda: services.list_debtor(
            actor=acting_user(request.user),
            case=case,
            party=form.respondent(),
            grounds=form.cleaned_data["grounds"],
            serious_violence=form.cleaned_data["serious_violence"],
            conduct=form.cleaned_data["conduct"],
            decision_number=form.cleaned_data["decision_number"],
            listed_on=form.cleaned_data["listed_on"],
            served_on=form.cleaned_data["served_on"],
            service_method=form.cleaned_data["service_method"],
        ),
        _("The respondent is on the dishonest-debtor list."),
    )


@login_required
@require_POST
def refuse_listing(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = RefusalForm(request.POST, respondents=case.respondents())
    return _act(
        request,
        case,
        form,
        lambda: services.refuse_listing(
            actor=acting_user(request.user),
            case=case,
            party=form.respondent(),
            reason=form.cleaned_data["reason"],
            refused_on=form.cleaned_data["refused_on"],
            detail=form.cleaned_data["detail"],
        ),
        _("The refusal to list is recorded."),
    )


@login_required
@require_POST
def serve_listing(request: HttpRequest, pk: int) -> HttpResponse:
    case, listing = _of_case(request, DishonestListing, pk)
    form = ServiceForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.record_listing_service(
            actor=acting_user(request.user),
            listing=listing,
            served_on=form.cleaned_data["served_on"],
            method=form.cleaned_data["method"],
        ),
        _("The service of the decision is recorded."),
    )


@login_required
@require_POST
def extend_listing(request: HttpRequest, pk: int) -> HttpResponse:
    case, listing = _of_case(request, DishonestListing, pk)
    form = ExtensionForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.extend_listing(
            actor=acting_user(request.user),
            listing=listing,
            years=form.cleaned_data["years"],
            reason=form.cleaned_data["reason"],
        ),
        _("The term of the listing is extended."),
    )


@login_required
@require_POST
def record_removal_ground(request: HttpRequest, pk: int) -> HttpResponse:
    case, listing = _of_case(request, DishonestListing, pk)
    form = RemovalGroundForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.record_removal_ground(
            actor=acting_user(request.user),
            listing=listing,
            ground=form.cleaned_data["ground"],
            arose_on=form.cleaned_data["arose_on"],
            note=form.cleaned_data["note"],
        ),
        _("Removal ground recorded: remove the listing within 3 working days."),
    )


@login_required
@require_POST
def remove_listing(request: HttpRequest, pk: int) -> HttpResponse:
    case, listing = _of_case(request, DishonestListing, pk)
    form = RemovalForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.remove_listing(
            actor=acting_user(request.user),
            listing=listing,
            ground=form.cleaned_data["ground"],
            note=form.cleaned_data["note"],
            removed_on=form.cleaned_data["removed_on"],
        ),
        _("The listing is removed; it no longer appears in the published list."),
    )


@login_required
@require_POST
def repair_credit(request: HttpRequest, pk: int) -> HttpResponse:
    case, listing = _of_case(request, DishonestListing, pk)
    form = CreditRepairForm(request.POST)
    return _act(
        request,
        case,
        form,
        lambda: services.repair_credit(
            actor=acting_user(request.user), listing=listing, reason=form.cleaned_data["reason"]
        ),
        _(
            "Credit repaired: the listing is removed from the published list and the credit-repair decision "
            "is issued (see the certificates; its verification code is printed on it)."
        ),
    )
