"""Writing the case timeline."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from .. import eventtexts, sms_queue
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
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline; called inside the transaction of the change it records.

    The system's words for the event go in ``text_code`` and ``text_params`` (language-neutral, put into
    words in each reader's language: ``enforcement.eventtexts``); ``detail`` is only for what staff typed.
    A public event the parties are told of also writes their text messages, in the same transaction.

    ``changes`` says what a state change changed, from what, to what: ``{"status": (old, new)}``. Stored
    as ``data["changes"]`` = ``{"status": {"from": old, "to": new}}`` with JSON values, only for the
    values that differ, so the timeline alone tells the story the history tables tell.
    """
    if text_code and not eventtexts.is_registered(text_code):
        raise ValueError(f"Unknown timeline text code {text_code!r}: register its renderer first")
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        public=public,
        detail=detail,
        data=_with_changes(data or {}, changes),
        text_code=text_code,
        text_params=text_params or {},
        occurred_at=occurred_at or timezone.now(),
    )
    sms_queue.queue_for_event(event)
    return event


def _with_changes(data: dict[str, Any], changes: Mapping[str, tuple[Any, Any]] | None) -> dict[str, Any]:
    changed = {
        name: {"from": _plain(old), "to": _plain(new)}
        for name, (old, new) in (changes or {}).items()
        if _plain(old) != _plain(new)
    }
    return {**data, "changes": changed} if changed else data


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: rows by id, dates and amounts as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    return str(value)
