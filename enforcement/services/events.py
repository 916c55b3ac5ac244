"""Writing the case timeline."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from .. import sms
from ..models import Case, CaseEvent


def record_event(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    public: bool,
    detail: str = "",
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline; called inside the transaction of the change it records.

    A public event the parties are told of also writes their text messages, in the same transaction.
    """
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        public=public,
        detail=detail,
        data=data or {},
        occurred_at=occurred_at or timezone.now(),
    )
    sms.queue_for_event(event)
    return event
