"""The intake's section of the case page."""

from django.db.models import OuterRef, Q
from django.http import HttpRequest

from assignment.selectors import pool_rounds
from enforcement import access, roles
from enforcement.models import Case
from enforcement.notify import in_pool
from enforcement.panels import CasePanel, has, register, register_presence
from payments.selectors import case_account

from .forms import ResumeForm
from .models import FirstInterview, NoticeDelivery, ReceivedMaterial, Resumption
from .selectors import intake_summary, resumption_links

register_presence("intake_materials", lambda: ReceivedMaterial.objects.filter(case=OuterRef("pk")))
register_presence("intake_deliveries", lambda: NoticeDelivery.objects.filter(case=OuterRef("pk")))
register_presence("intake_interview", lambda: FirstInterview.objects.filter(case=OuterRef("pk")))
register_presence(
    "intake_resumptions",
    lambda: Resumption.objects.filter(Q(case=OuterRef("pk")) | Q(original=OuterRef("pk"))),
)


@register
def intake_panel(request: HttpRequest, case: Case) -> CasePanel:
    can_reissue = roles.has_role(request.user, *roles.FILING_ROLES) and case.court_id in roles.court_ids_of(
        request.user
    )
    summary = intake_summary(
        case,
        materials=has(request, case, "intake_materials"),
        deliveries=has(request, case, "intake_deliveries"),
        interview=has(request, case, "intake_interview"),
    )
    return CasePanel(template="intake/panel.html", order=10, context={**summary, "can_reissue": can_reissue})


@register
def resumption_panel(request: HttpRequest, case: Case) -> CasePanel | None:
    """The links of resumption both ways, each case's own account, and the form that resumes a 终本 case."""
    links = (
        resumption_links(case)
        if has(request, case, "intake_resumptions")
        else {"resumes": None, "resumed_as": []}
    )
    may_resume = in_pool(case) and access.resumes_case(request.user, case)
    if not (links["resumes"] or links["resumed_as"] or may_resume):
        return None
    rows = [("resumes", links["resumes"], links["resumes"].original)] if links["resumes"] else []
    rows += [("resumed_as", r, r.case) for r in links["resumed_as"]]
    found = (
        [row.round.number for row in pool_rounds(case) if row.round.outcome == "found"] if may_resume else []
    )
    context = {
        "links": [
            {"relation": relation, "resumption": r, "case": other, "account": case_account(other)}
            for relation, r, other in rows
        ],
        "account": case_account(case),
        "may_resume": may_resume,
        "form": ResumeForm(
            initial={
                "reason": Resumption.Reason.PROPERTY_FOUND if found else Resumption.Reason.APPLICANT_REQUEST
            }
        ),
        "found_rounds": found,
    }
    return CasePanel(template="intake/resumption_panel.html", order=7, context=context)
