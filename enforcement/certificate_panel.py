"""The certificates panel of the case page: the case's certificates, their PDFs, and the issue and revoke
forms for those who may use them (the services check again)."""

from django.db.models import OuterRef
from django.http import HttpRequest
from django.utils import timezone

from . import access
from .forms import IssueCertificateForm, RevokeCertificateForm
from .models import Case, Certificate
from .panels import CasePanel, has, register, register_presence
from .selectors.certificates import certificates_of

ORDER = 80  # after the apps' panels of the case's work, before nothing in particular

register_presence("certificates", lambda: Certificate.objects.filter(case=OuterRef("pk")))


@register
def certificates_panel(request: HttpRequest, case: Case) -> CasePanel | None:
    certificates = list(certificates_of(case)) if has(request, case, "certificates") else []
    may_issue = access.issues_certificate(request.user, case)
    if not certificates and not may_issue:
        return None
    today = timezone.localdate()
    rows = [{"certificate": c, "in_force": c.in_force_on(today)} for c in certificates]
    return CasePanel(
        template="enforcement/_certificates_panel.html",
        order=ORDER,
        context={
            "case": case,
            "rows": rows,
            "may_issue": may_issue,
            "may_revoke": access.revokes_certificate(request.user, case),
            "issue_form": IssueCertificateForm(respondents=case.respondents()) if may_issue else None,
            "revoke_form": RevokeCertificateForm(),
        },
    )
