"""Actions on a case's clocks from the case page: deductions and extensions (closing: ``views.closure``).

Each view checks the input, calls one service and goes back to the case page with a message; the
services decide who may act.
"""

from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..feedback import attempt
from ..forms import (
    AdditionalPeriodForm,
    DeductionForm,
    EndDeductionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from ..models import Case, Deadline, Deduction, Extension
from ..roles import acting_user
from ..selectors import get_case_for_user
from ..services import deadlines as deadline_services


def run_and_return_to_case(
    request: HttpRequest, case: Case, form: forms.Form, action: Callable[[], object], done: str
) -> HttpResponse:
    attempt(request, form, action, done)
    return redirect("case-detail", pk=case.pk)


def _deadline(request: HttpRequest, pk: int, deadline_id: int) -> tuple[Case, Deadline]:
    case = get_case_for_user(request.user, pk)
    return case, get_object_or_404(
        Deadline.objects.select_related("node_type", "case"), pk=deadline_id, case=case
    )


def _deduction(request: HttpRequest, pk: int, deduction_id: int) -> tuple[Case, Deduction]:
    case = get_case_for_user(request.user, pk)
    return case, get_object_or_404(Deduction, pk=deduction_id, deadline__case=case)


@login_required
@require_POST
def add_deduction(request: HttpRequest, pk: int, deadline_id: int) -> HttpResponse:
    case, deadline = _deadline(request, pk, deadline_id)
    form = DeductionForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: deadline_services.add_deduction(
            actor=acting_user(request.user), deadline=deadline, **form.cleaned_data
        ),
        _("Deducted period recorded; the due date was recomputed."),
    )


@login_required
@require_POST
def end_deduction(request: HttpRequest, pk: int, deduction_id: int) -> HttpResponse:
    case, deduction = _deduction(request, pk, deduction_id)
    form = EndDeductionForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: deadline_services.end_deduction(
            actor=acting_user(request.user), deduction=deduction, end_date=form.cleaned_data["end_date"]
        ),
        _("Deducted period ended; the clock runs again."),
    )


@login_required
@require_POST
def approve_additional_period(request: HttpRequest, pk: int, deduction_id: int) -> HttpResponse:
    case, deduction = _deduction(request, pk, deduction_id)
    form = AdditionalPeriodForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: deadline_services.approve_additional_period(
            actor=acting_user(request.user), deduction=deduction, **form.cleaned_data
        ),
        _("Additional period approved; the deducted period may run until its new last day."),
    )


@login_required
@require_POST
def request_extension(request: HttpRequest, pk: int, deadline_id: int) -> HttpResponse:
    case, deadline = _deadline(request, pk, deadline_id)
    form = ExtensionRequestForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: deadline_services.request_extension(
            actor=acting_user(request.user), deadline=deadline, **form.cleaned_data
        ),
        _("Extension requested; the court president or a vice-president decides."),
    )


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int, extension_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    extension = get_object_or_404(
        Extension.objects.select_related("deadline"), pk=extension_id, deadline__case=case
    )
    form = ExtensionDecisionForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: deadline_services.decide_extension(
            actor=acting_user(request.user), extension=extension, **form.cleaned_data
        ),
        _("Decision recorded."),
    )
