"""Writing the case timeline."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from .. import eventtexts, sms
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
    text_code: str = "",
    text_params: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline; called inside the transaction of the change it records.

    The system's words for the event go in ``text_code`` and ``text_params`` (language-neutral, put into
    words in each reader's language: ``enforcement.eventtexts``); ``detail`` is only for what staff typed.
    A public event the parties are told of also writes their text messages, in the same transaction.
    """
    if text_code and not eventtexts.is_registered(text_code):
        raise ValueError(f"Unknown timeline text code {text_code!r}: register its renderer first")
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        public=public,
        detail=detail,
        data=data or {},
        text_code=text_code,
        text_params=text_params or {},
        occurred_at=occurred_at or timezone.now(),
    )
    sms.queue_for_event(event)
    return event
