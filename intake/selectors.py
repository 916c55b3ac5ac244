"""Reads of the intake's records for pages and notices."""

from typing import Any

from enforcement.models import Case

from .models import FirstInterview, NoticeDelivery, ReceivedMaterial, Resumption


def notice_context(case: Case) -> dict[str, Any]:
    """What the acceptance notice and the rights notice print."""
    return {
        "case": case,
        "court": case.court,
        "applicants": case.applicants(),
        "respondents": case.respondents(),
        "materials": list(ReceivedMaterial.objects.filter(case=case)),
    }


def intake_summary(
    case: Case, *, materials: bool = True, deliveries: bool = True, interview: bool = True
) -> dict[str, Any]:
    """Materials, notices handed over and the first interview, for the case page. A False flag says the
    case has none of those (the page asked once for all its panels): that table is not read."""
    return {
        "materials": list(ReceivedMaterial.objects.filter(case=case)) if materials else [],
        "deliveries": list(
            NoticeDelivery.objects.filter(case=case).select_related("recipient", "delivered_by")
        )
        if deliveries
        else [],
        "interview": FirstInterview.objects.filter(case=case).prefetch_related("leads").first()
        if interview
        else None,
    }


def resumption_links(case: Case) -> dict[str, Any]:
    """The cases this one is linked with by resumption, both ways, with why (the money of each stays on
    its own case: the panel links there)."""
    return {
        "resumes": Resumption.objects.filter(case=case).select_related("original", "filed_by").first(),
        "resumed_as": list(
            Resumption.objects.filter(original=case).select_related("case", "filed_by").order_by("filed_at")
        ),
    }
