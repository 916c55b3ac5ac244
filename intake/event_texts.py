"""The words of the intake events on the case timeline (``enforcement.eventtexts``)."""

from collections.abc import Mapping
from typing import Any

from enforcement.eventtexts import register
from enforcement.models import Party

from .models import NoticeDelivery

NOTICE_DELIVERED = "intake.notice_delivered"


@register(NOTICE_DELIVERED)
def _notice_delivered(params: Mapping[str, Any]) -> str:
    # Public: the other side reads the timeline too, so the recipient is named by his role only.
    notice = NoticeDelivery.Kind(params["notice"]).label
    return f"{notice} → {Party.Role(params['recipient_role']).label}"
