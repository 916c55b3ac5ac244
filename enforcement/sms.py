"""Delivering text messages to parties: the backends, and the worker's delivery of queued rows.

``enforcement.sms_queue`` writes the rows in the transaction of a public event: each party of the case with
a mainland mobile number gets one ``SmsMessage`` row (one per event and number, a constraint says so).
Delivery is separate and at-least-once, the way ``enforcement.notify`` delivers the staff outbox:
``deliver_sms`` claims due rows with a compare-and-set (status ``sending``, a lease, ``attempts``
counted; ``SKIP LOCKED`` on PostgreSQL), sends each through the configured backend, and marks it sent
only after the backend returned and only if the claim is still ours. A send that raised is retried with
backoff, and after ``MAX_ATTEMPTS`` the row is ``failed`` and logged.

Plugging in a court's SMS provider: write a subclass of ``SmsBackend`` whose ``send`` calls the provider
(with a timeout well under ``LEASE``) and raises on any refusal, put it in an importable module, and set
the environment variable ``SMS_BACKEND`` to its dotted path (``courtsms.backends.ProviderBackend``).
Credentials come from its own settings or the environment. The default, ``ConsoleBackend``, only logs;
tests use ``LocmemBackend``. Nothing here calls anything outside the machine.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import CaseEvent, SmsMessage
from .notify import BatchClock

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 6
MAX_BACKOFF = datetime.timedelta(minutes=60)
MAX_ERROR_LENGTH = 2000

Status = SmsMessage.Status
Kind = CaseEvent.Kind


# --- Backends -------------------------------------------------------------------------------------------


class SmsError(Exception):
    """The provider refused the message; delivery tries again later."""


class SmsBackend:
    """Sends one text to one mainland mobile number; raises on any failure. Returns the provider's id."""

    def send(self, phone: str, text: str) -> str:
        raise NotImplementedError


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


class ConsoleBackend(SmsBackend):
    """The default: writes the message to the log and sends nothing anywhere."""

    def send(self, phone: str, text: str) -> str:
        logger.info("SMS to %s: %s", mask(phone), text)
        return ""


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


# What LocmemBackend "sent", in order; tests empty it first.
outbox: list[SentSms] = []


class LocmemBackend(SmsBackend):
    """For tests: keeps every message in ``enforcement.sms.outbox``."""

    def send(self, phone: str, text: str) -> str:
        outbox.append(SentSms(phone, text))
        return f"locmem-{len(outbox)}"


def get_backend() -> SmsBackend:
    backend = import_string(settings.SMS_BACKEND)()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"SMS_BACKEND {settings.SMS_BACKEND!r} is not an enforcement.sms.SmsBackend")
    return backend


# --- Delivery ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsDeliveryResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # claims another worker took over (ours had expired) before we sent or marked


def deliver_sms(*, now: datetime.datetime | None = None, limit: int = BATCH_SIZE) -> SmsDeliveryResult:
    """Claim up to ``limit`` due messages, send each through the backend, and record the outcome."""
    clock = BatchClock(now or timezone.now())
    claimed = _claim(clock.start, limit)
    if not claimed:
        return SmsDeliveryResult()
    backend = get_backend()
    outcomes = Counter(_deliver(message, backend, clock) for message in claimed)
    result = SmsDeliveryResult(claimed=outcomes.total(), **outcomes)
    logger.info("SMS delivery: %s", result)
    return result


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd, 4th ... failed attempt, at most an hour."""
    return min(datetime.timedelta(minutes=2 ** min(attempts - 1, 16)), MAX_BACKOFF)


def _due(now: datetime.datetime) -> Q:
    waiting = Q(status=Status.PENDING, next_attempt_at__lte=now)
    abandoned = Q(status=Status.SENDING, claimed_until__lt=now)  # the claiming worker died
    return waiting | abandoned


def _claim_fields(now: datetime.datetime) -> dict[str, Any]:
    return {"status": Status.SENDING, "claimed_until": now + LEASE, "attempts": F("attempts") + 1}


def _claim(now: datetime.datetime, limit: int) -> list[SmsMessage]:
    ids = _claim_locked(now, limit) if connection.vendor == "postgresql" else _claim_row_by_row(now, limit)
    return list(SmsMessage.objects.filter(pk__in=ids).order_by("pk"))


def _claim_locked(now: datetime.datetime, limit: int) -> list[int]:
    """PostgreSQL: rows another worker is claiming are skipped, not waited for, and never taken twice."""
    with transaction.atomic():
        due = SmsMessage.objects.select_for_update(skip_locked=True).filter(_due(now))
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        SmsMessage.objects.filter(pk__in=ids).update(**_claim_fields(now))
    return ids


def _claim_row_by_row(now: datetime.datetime, limit: int) -> list[int]:
    """Other databases: a row is ours if our conditional update changed it (``attempts`` included, so of
    two workers reclaiming an abandoned row only one sees the old count)."""
    candidates = SmsMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    ids = []
    for pk, status, attempts in candidates.values_list("pk", "status", "attempts")[:limit]:
        if SmsMessage.objects.filter(pk=pk, status=status, attempts=attempts).update(**_claim_fields(now)):
            ids.append(pk)
    return ids


def _ours(message: SmsMessage) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def _deliver(message: SmsMessage, backend: SmsBackend, clock: BatchClock) -> str:
    # Renew the lease first: if it ran out and another worker took the message, we send nothing.
    if not _ours(message).update(claimed_until=clock.now() + LEASE):
        return "lost"
    try:
        reference = backend.send(message.phone, message.text)
    except Exception as error:  # one message's failure is retried later, never fatal to the batch
        return _record_failure(message, error, clock.now())
    marked = _ours(message).update(
        status=Status.SENT,
        sent_at=clock.now(),
        claimed_until=None,
        last_error="",
        provider_reference=str(reference or "")[:100],
    )
    return "sent" if marked else "lost"


def _record_failure(message: SmsMessage, error: Exception, now: datetime.datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    fields: dict[str, Any] = {"claimed_until": None, "last_error": text}
    if message.attempts >= MAX_ATTEMPTS:
        outcome, fields["status"] = "failed", Status.FAILED
    else:
        outcome, fields["status"] = "retried", Status.PENDING
        fields["next_attempt_at"] = now + backoff(message.attempts)
    if not _ours(message).update(**fields):
        return "lost"
    if outcome == "failed":
        logger.error("SMS %s failed %d times, giving up: %s", message.pk, message.attempts, text)
    else:
        logger.warning("SMS %s attempt %d failed: %s", message.pk, message.attempts, text)
    return outcome
