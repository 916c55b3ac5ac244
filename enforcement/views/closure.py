"""The closing page of a case, the 终本 checklist, the review of a proposed closure, and what follows it.

GET shows, before anything is submitted, what stands in the way (money in the account, payouts, a
detention: each with its amount and a link), what each mode needs and still lacks, and what it does besides
(执行完毕: the measures it releases). For 终本 it shows the checklist: each of the law's five conditions with
the evidence the system found or the judge recorded, the earliest day allowed (computed by the deadline
engine, net of deducted periods), and the applicant's interview.

POST closes through the services, which check everything again under the case's lock: a mode that needs a
second person's approval (终本, 终结执行) is proposed instead, and the reviewer approves or rejects it on the
same page. A refusal shows the page again with the reason. Once the case is closed, the page records the
service of the closure ruling.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, closure, closure_record, pdf, roles
from ..feedback import attempt, form_errors_text, refusal_text
from ..forms import (
    CloseCaseForm,
    ClosureEvidenceForm,
    ClosureInterviewForm,
    ClosureReviewForm,
    ClosureServiceForm,
)
from ..models import Case, CaseEvent, ClosureInterview, ClosureProposal
from ..roles import acting_user
from ..selectors import closures as closure_selectors
from ..selectors import get_case_for_user
from ..services import cases as case_services
from ..services import closure_review

TERMINATE_ROUND = Case.Closure.TERMINATED_THIS_ROUND


@login_required
@require_http_methods(["GET", "POST"])
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if case.status == Case.Status.CLOSED:
        return _closed_page(request, case, ClosureServiceForm())
    access.require(
        case_services.may_close(request.user, case)
        or roles.has_court_role(request.user, case.court_id, *access.CLOSURE_APPROVER_ROLES),
        _("Only the court's judges, team leads, supervisors and presidents see the closing page."),
    )
    if request.method == "GET":
        form = CloseCaseForm(initial={"closure": request.GET.get("closure", "")})
        return _page(request, case, form)
    case_services.require_closer(request.user, case)
    form = CloseCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return _page(request, case, form)
    data = form.cleaned_data
    actor = acting_user(request.user)
    try:
        if data["closure"] in case_services.REVIEWED_CLOSURES:
            closure_review.propose_closure(
                actor=actor,
                case=case,
                closure_mode=data["closure"],
                ground=data["ground"],
                ruling_number=data["ruling_number"],
                note=data["note"],
            )
            messages.success(request, _("The closure is proposed: it waits for a second person's approval."))
            return redirect("case-close", pk=case.pk)
        closed = case_services.close_case(actor=actor, case=case, **data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return _page(request, case, form)
    messages.success(request, _closed_message(closed))
    return redirect("case-detail", pk=case.pk)


def _page(request: HttpRequest, case: Case, form: CloseCaseForm) -> HttpResponse:
    preview = closure.preview(case)
    proposal = closure_selectors.open_proposal(case)
    user = request.user
    context = {
        "case": case,
        "preview": preview,
        "modes": [(mode, closure_review.needs_of(mode.closure)) for mode in preview.modes],
        "form": form,
        "has_steps": any(mode.steps for mode in preview.modes),
        "checklist": closure_selectors.by_condition(
            next(mode.lines for mode in preview.modes if mode.closure == TERMINATE_ROUND)
        ),
        "wait": closure_selectors.terminate_round_wait(case),
        "evidence_form": ClosureEvidenceForm(),
        "evidence_kinds": closure_review.evidence_kinds(case),
        "interviews": closure_selectors.interviews_of(case),
        "proposal": proposal,
        "past_proposals": closure_selectors.decided_proposals(case),
        "may_close": case_services.may_close(user, case),
        "may_review": proposal is not None and closure_review.may_review(acting_user(user), proposal),
        "review_form": ClosureReviewForm(),
    }
    return render(request, "enforcement/close_case.html", context)


def _closed_page(request: HttpRequest, case: Case, form: ClosureServiceForm) -> HttpResponse:
    context = {
        "case": case,
        "service_form": form,
        "services": closure_selectors.services_of(case),
        "review": closure_selectors.approved_proposal(case),
        "interviews": closure_selectors.interviews_of(case),
    }
    return render(request, "enforcement/closed_case.html", context)


def _closed_message(case: Case) -> str:
    event = case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).order_by("-pk").first()
    late = bool(event and event.data.get("limits_met_late"))
    if late:
        return _("The case is closed. Its time limit was met late, after its last day.")
    return _("The case is closed.")


# --- The review ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def review_closure(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    form = ClosureReviewForm(request.POST)
    actor = acting_user(request.user)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return redirect("case-close", pk=proposal.case_id)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            closure_review.approve_closure(
                actor=actor, proposal=proposal, note=data["note"], confirm_steps=data["confirm_steps"]
            )
            messages.success(request, _("The closure is approved and the case is closed."))
            return redirect("case-detail", pk=proposal.case_id)
        closure_review.reject_closure(actor=actor, proposal=proposal, note=data["note"])
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return redirect("case-close", pk=proposal.case_id)
    messages.success(request, _("The closure is rejected; the judge sees your note."))
    return redirect("case-close", pk=proposal.case_id)


@login_required
@require_POST
def withdraw_closure(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    try:
        closure_review.withdraw_closure(actor=acting_user(request.user), proposal=proposal)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The proposal is withdrawn."))
    return redirect("case-close", pk=proposal.case_id)


def _proposal_for(request: HttpRequest, pk: int) -> ClosureProposal:
    proposal = get_object_or_404(ClosureProposal.objects.select_related("case"), pk=pk)
    get_case_for_user(request.user, proposal.case_id)  # 404 for a case the user may not see
    return proposal


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """The closures waiting for the signed-in reviewer, oldest first."""
    waiting = closure_selectors.proposals_to_review(acting_user(request.user))
    return render(request, "enforcement/closure_reviews.html", {"proposals": waiting})


# --- What the judge records -----------------------------------------------------------------------------


@login_required
@require_POST
def record_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = ClosureEvidenceForm(request.POST, request.FILES)
    attempt(
        request,
        form,
        lambda: closure_review.record_evidence(
            actor=acting_user(request.user), case=case, **form.cleaned_data
        ),
        _("The evidence is recorded."),
    )
    return redirect(_checklist_url(case))


def _checklist_url(case: Case) -> str:
    return reverse("case-close", args=[case.pk]) + "?closure=" + TERMINATE_ROUND + "#closure-checklist"


@login_required
@require_http_methods(["GET", "POST"])
def closure_interview(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if case.status == Case.Status.CLOSED:
        raise Http404
    if request.method == "POST":
        form = ClosureInterviewForm(request.POST)
        if attempt(
            request,
            form,
            lambda: closure_review.record_interview(
                actor=acting_user(request.user), case=case, **form.cleaned_data
            ),
            _("The interview is recorded. Print the record for the applicant's signature."),
        ):
            return redirect(_checklist_url(case))
    else:
        applicant = next(iter(case.applicants()), None)
        form = ClosureInterviewForm(
            initial={
                "applicant_name": applicant.name if applicant else "",
                "measures_told": closure_selectors.measures_summary(case),
            }
        )
    context = {"case": case, "form": form, "interviews": closure_selectors.interviews_of(case)}
    return render(request, "enforcement/closure_interview.html", context)


def _interview_for(request: HttpRequest, pk: int) -> ClosureInterview:
    interview = get_object_or_404(ClosureInterview.objects.select_related("case__court"), pk=pk)
    get_case_for_user(request.user, interview.case_id)
    return interview


@login_required
@require_GET
def closure_interview_record(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk)
    context = closure_record.record_context(interview) | {"printable": True}
    return render(request, closure_record.TEMPLATE, context)


@login_required
@require_GET
def closure_interview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk)
    try:
        return closure_record.record_pdf_response(request, interview)
    except pdf.PdfUnavailable:
        return render(request, "intake/pdf_unavailable.html", {"case": interview.case}, status=503)


@login_required
@require_POST
def record_service(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = ClosureServiceForm(request.POST)
    attempt(
        request,
        form,
        lambda: closure_review.record_service(
            actor=acting_user(request.user), case=case, **form.cleaned_data
        ),
        _("The service of the closure ruling is recorded."),
    )
    return redirect("case-close", pk=case.pk)
