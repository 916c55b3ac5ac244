"""Reads of the intake's records for pages and notices."""

from typing import Any

from enforcement.models import Case

from .models import FirstInterview, NoticeDelivery, ReceivedMaterial


def notice_context(case: Case) -> dict[str, Any]:
    """What the acceptance notice and the rights notice print."""
    return {
        "case": case,
        "court": case.court,
        "applicants": case.applicants(),
        "respondents": case.respondents(),
        "materials": list(ReceivedMaterial.objects.filter(case=case)),
    }


def intake_summary(case: Case) -> dict[str, Any]:
    """Materials, notices handed over and the first interview, for the case page."""
    return {
        "materials": list(ReceivedMaterial.objects.filter(case=case)),
        "deliveries": list(
            NoticeDelivery.objects.filter(case=case).select_related("recipient", "delivered_by")
        ),
        "interview": FirstInterview.objects.filter(case=case).prefetch_related("leads").first(),
    }
