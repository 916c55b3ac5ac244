"""The words of the intake events on the case timeline (``enforcement.eventtexts``)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register
from enforcement.models import Party

from .models import NoticeDelivery

NOTICE_DELIVERED = "intake.notice_delivered"


@register(NOTICE_DELIVERED)
def _notice_delivered(params: Mapping[str, Any]) -> str:
    # Public: the other side reads the timeline too, so the recipient is named by his role only.
    notice = NoticeDelivery.Kind(params["notice"]).label
    return f"{notice} → {Party.Role(params['recipient_role']).label}"


RESUMES = "intake.resumes"  # on the 执恢 case: the case it resumes
RESUMED_AS = "intake.resumed_as"  # on the resumed case: the 执恢 case enforcement goes on in


@register(RESUMES)
def _resumes(params: Mapping[str, Any]) -> str:
    return _("Enforcement resumed from case %(number)s") % {"number": params["number"]}


@register(RESUMED_AS)
def _resumed_as(params: Mapping[str, Any]) -> str:
    return _("Enforcement resumed as case %(number)s") % {"number": params["number"]}
