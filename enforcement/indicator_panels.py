"""The home page of supervisors and presidents: the court's headline indicators for this month."""

from django.http import HttpRequest
from django.utils import timezone

from . import panels, roles
from .access import INDICATOR_COURT_ROLES
from .models import Court
from .selectors.indicators import headline


@panels.register_home
def headline_panel(request: HttpRequest) -> panels.CasePanel | None:
    if not roles.has_role(request.user, *INDICATOR_COURT_ROLES):
        return None
    court = Court.objects.filter(pk__in=roles.court_ids_of(request.user)).order_by("code").first()
    if court is None:
        return None
    found = headline(court.pk, timezone.localdate().replace(day=1))
    return panels.CasePanel(
        template="enforcement/_indicator_headlines.html", order=5, context={"court": court, "overview": found}
    )
