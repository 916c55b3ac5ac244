"""The record of the applicant's interview about a closure (终本约谈笔录) as a document: the printable page
and its PDF, rendered from one template for the closing page and the API alike."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header

from . import pdf
from .models import ClosureInterview

TEMPLATE = "enforcement/closure_interview_record.html"


def record_context(interview: ClosureInterview) -> dict[str, Any]:
    case = interview.case
    return {
        "case": case,
        "court": case.court,
        "interview": interview,
        "document_date": interview.interviewed_on,
        "back_url": reverse("case-close", args=[case.pk]),
    }


def record_pdf_response(request: HttpRequest, interview: ClosureInterview) -> HttpResponse:
    """The record as a PDF for the applicant's signature; raises ``pdf.PdfUnavailable`` without WeasyPrint."""
    html = render_to_string(TEMPLATE, record_context(interview) | {"for_pdf": True}, request)
    content = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    case = interview.case
    filename = f"closure-interview-{case.year}-{case.court.code}-{case.seq}-{interview.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response
