"""The supervision hub: the pages each supervising role runs the center from (``enforcement.supervision``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import supervision


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    if not supervision.has_hub(request.user):
        raise PermissionDenied(_("Supervision is for supervisors, presidents, team leads and finance."))
    return render(request, "enforcement/supervision.html", {"pages": supervision.pages_for(request.user)})
