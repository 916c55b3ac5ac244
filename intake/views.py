"""The window clerk's pages: new application, the filed page with the notices, first interview."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement.feedback import form_errors_text, refusal_text
from enforcement.models import Case
from enforcement.roles import acting_user
from enforcement.selectors import filing_courts, get_case_for_user

from . import held_code, pdf, resumption, services
from .forms import (
    ApplicantFormSet,
    ApplicationForm,
    FirstInterviewForm,
    InterviewLeadFormSet,
    NoticeDeliveryForm,
    RespondentFormSet,
    ResumeForm,
)
from .models import FirstInterview, NoticeDelivery
from .selectors import notice_context

# The query code stays on the filing clerk's screens only until the acceptance notice is handed over,
# and at most this long; it is held split between the session and a browser cookie (``held_code``).
QUERY_CODE_SESSION_SECONDS = held_code.HOLD_SECONDS


@login_required
def new_application(request: HttpRequest) -> HttpResponse:
    courts = filing_courts(request.user)
    if not courts.exists():
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, courts=courts)
    applicants = ApplicantFormSet(request.POST or None, prefix="applicants")
    respondents = RespondentFormSet(request.POST or None, prefix="respondents")
    duplicates: list[Case] = []
    if request.method == "POST" and all([form.is_valid(), applicants.is_valid(), respondents.is_valid()]):
        application = form.to_input([f.to_input() for f in applicants], [f.to_input() for f in respondents])
        try:
            filed = services.file_case(actor=acting_user(request.user), application=application)
        except services.DuplicateTitle as duplicate:
            duplicates = duplicate.cases
        except PermissionDenied as denied:
            form.add_error("court", str(denied))
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s filed.") % {"number": filed.case.number})
            response = redirect("intake:filed", pk=filed.case.pk)
            held_code.remember(request, response, filed.case.pk, filed.query_code)
            return response
    context = {"form": form, "applicants": applicants, "respondents": respondents, "duplicates": duplicates}
    invalid = bool(form.errors) or any(
        fs.is_bound and fs.total_error_count() for fs in (applicants, respondents)
    )
    return render(request, "intake/new_application.html", context, status=400 if invalid else 200)


def _add_service_errors(form: ApplicationForm, error: ValidationError) -> None:
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def recall_query_code(request: HttpRequest, case_id: int) -> str | None:
    return held_code.recall(request, case_id)


def forget_query_code(request: HttpRequest, case_id: int) -> None:
    held_code.forget(request, case_id)


@login_required
def filed(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    context = {
        "case": case,
        "query_code": recall_query_code(request, case.pk),
        "delivery_form": NoticeDeliveryForm(case=case),
    }
    return render(request, "intake/filed.html", context)


NOTICE_TEMPLATES: dict[str, str] = {
    NoticeDelivery.Kind.ACCEPTANCE: "intake/notices/acceptance.html",
    NoticeDelivery.Kind.RIGHTS: "intake/notices/rights.html",
}


def _notice(request: HttpRequest, pk: int, kind: str) -> tuple[Case, str, dict[str, Any]]:
    if kind not in NOTICE_TEMPLATES:
        raise Http404
    case = get_case_for_user(request.user, pk)
    context = notice_context(case) | {"query_code": recall_query_code(request, case.pk)}
    return case, NOTICE_TEMPLATES[kind], context


@login_required
def notice(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    _case, template, context = _notice(request, pk, kind)
    return render(request, template, context | {"printable": True})


@login_required
def notice_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case, template, context = _notice(request, pk, kind)
    html = render_to_string(template, context | {"for_pdf": True}, request=request)
    try:
        content = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except pdf.PdfUnavailable:
        return render(request, "intake/pdf_unavailable.html", {"case": case}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{kind}-{case.year}-{case.court.code}-{case.seq}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


@login_required
@require_POST
def record_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = NoticeDeliveryForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(
            request, _("The delivery was not recorded: %(errors)s") % {"errors": form_errors_text(form)}
        )
        return redirect("intake:filed", pk=case.pk)
    try:
        services.record_notice_delivery(actor=acting_user(request.user), case=case, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return redirect("intake:filed", pk=case.pk)
    if form.cleaned_data["kind"] == NoticeDelivery.Kind.ACCEPTANCE:
        forget_query_code(request, case.pk)  # handed over: it leaves the clerk's screen for good
    messages.success(request, _("Delivery recorded on the timeline."))
    return redirect("intake:filed", pk=case.pk)


@login_required
@require_POST
def reissue_query_code(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    try:
        code = services.reissue_query_code(actor=acting_user(request.user), case=case)
    except PermissionDenied as denied:
        messages.error(request, refusal_text(denied))
        return redirect("case-detail", pk=case.pk)
    messages.success(request, _("A new query code was issued; the old one no longer works."))
    response = redirect("intake:filed", pk=case.pk)
    # Held for the filed page and the acceptance notice like a first code, never readable from the
    # session store alone; the parties' sessions and tokens opened with the old code end by themselves
    # (their code version no longer matches: ``portal.proof``).
    held_code.remember(request, response, case.pk, code)
    return response


@login_required
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    existing = FirstInterview.objects.filter(case=case).prefetch_related("leads", "risks").first()
    if existing is not None and existing.is_locked:
        return render(request, "intake/interview.html", {"case": case, "interview": existing, "locked": True})
    if request.method == "POST" and request.POST.get("action") == "lock":
        return _lock_interview(request, case)
    form = FirstInterviewForm(request.POST or None, instance=existing)
    initial_leads = (
        [{"kind": lead.kind, "detail": lead.detail} for lead in existing.leads.all()] if existing else []
    )
    leads = InterviewLeadFormSet(request.POST or None, prefix="leads", initial=initial_leads)
    if request.method == "POST" and form.is_valid() and leads.is_valid():
        lead_inputs = [
            services.LeadInput(kind=f.cleaned_data["kind"], detail=f.cleaned_data.get("detail", ""))
            for f in leads
            if f.cleaned_data
        ]
        values = {name: form.cleaned_data[name] for name in services.INTERVIEW_FIELDS}
        try:
            services.save_first_interview(
                actor=acting_user(request.user),
                case=case,
                values=values,
                leads=lead_inputs,
                risks=form.cleaned_data["risks"],
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("First-interview record saved."))
            return redirect("intake:interview", pk=case.pk)
    context = {"case": case, "interview": existing, "form": form, "leads": leads, "locked": False}
    return render(
        request, "intake/interview.html", context, status=400 if form.errors or leads.errors else 200
    )


def _lock_interview(request: HttpRequest, case: Case) -> HttpResponse:
    try:
        services.lock_first_interview(actor=acting_user(request.user), case=case)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The first-interview record is locked."))
    return redirect("intake:interview", pk=case.pk)


@login_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    """File the 终本 case again as 执恢; the clerk lands on the new case's filed page with its query code."""
    case = get_case_for_user(request.user, pk)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return redirect("case-detail", pk=case.pk)
    given = resumption.ResumptionInput(**form.cleaned_data)
    try:
        filed = resumption.resume_case(actor=acting_user(request.user), case=case, resumption=given)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return redirect("case-detail", pk=case.pk)
    messages.success(request, _("Case %(number)s filed.") % {"number": filed.case.number})
    response = redirect("intake:filed", pk=filed.case.pk)
    held_code.remember(request, response, filed.case.pk, filed.query_code)
    return response
