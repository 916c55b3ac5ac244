"""The intake's section of the case page."""

from django.http import HttpRequest

from enforcement import roles
from enforcement.models import Case
from enforcement.panels import CasePanel, register

from .selectors import intake_summary


@register
def intake_panel(request: HttpRequest, case: Case) -> CasePanel:
    can_reissue = roles.has_role(request.user, *roles.FILING_ROLES) and case.court_id in roles.court_ids_of(
        request.user
    )
    return CasePanel(
        template="intake/panel.html", order=10, context={**intake_summary(case), "can_reissue": can_reissue}
    )
