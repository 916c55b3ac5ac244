"""The staff's actions on certificates, from the case page's certificates panel: issue, revoke, and the PDF.

Each action checks its form, calls one service and goes back to the panel with a message; the services
decide who may act. Certificates are fetched through the cases the user may see, so outsiders get a 404.
The PDF is the one kept when the certificate was issued: the only place its verification code is written.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import certificate_document
from ..feedback import attempt
from ..forms import IssueCertificateForm, RevokeCertificateForm
from ..models import Certificate
from ..roles import acting_user
from ..selectors import get_case_for_user
from ..selectors.certificates import certificate_for_user
from ..services import certificates as services


def _to_panel(case_id: int) -> HttpResponse:
    return redirect(f"{reverse('case-detail', args=[case_id])}#certificates")


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = IssueCertificateForm(request.POST, respondents=case.respondents())
    attempt(
        request,
        form,
        lambda: services.issue_certificate(
            actor=acting_user(request.user), case=case, **form.service_arguments()
        ),
        _("Certificate issued. Print its PDF and hand it to the debtor: the verification code is on it."),
    )
    return _to_panel(case.pk)


def _certificate(request: HttpRequest, pk: int, certificate_id: int) -> Certificate:
    certificate = certificate_for_user(request.user, certificate_id)
    if certificate.case_id != pk:
        raise Http404
    return certificate


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int, certificate_id: int) -> HttpResponse:
    certificate = _certificate(request, pk, certificate_id)
    form = RevokeCertificateForm(request.POST)
    attempt(
        request,
        form,
        lambda: services.revoke_certificate(
            actor=acting_user(request.user), certificate=certificate, reason=form.cleaned_data["reason"]
        ),
        _("Certificate revoked. Its code no longer verifies."),
    )
    return _to_panel(pk)


@login_required
@require_GET
def document(request: HttpRequest, pk: int, certificate_id: int) -> FileResponse:
    return certificate_document.pdf_response(_certificate(request, pk, certificate_id))
