"""Celery tasks: thin wrappers that call the plain functions and take no objects, only ids or nothing."""

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.db import transaction
from django.dispatch import receiver

from .digest import send_due_digests
from .notify import BATCH_SIZE, deliver_due_messages
from .scan import scan_deadlines
from .sms import BATCH_SIZE as SMS_BATCH_SIZE
from .sms import deliver_sms
from .sms_queue import delivery_requested


@shared_task(name="enforcement.scan_deadlines")
def scan_deadlines_task() -> dict[str, int]:
    result = scan_deadlines()
    if result.alerts:
        # Each scan batch has committed by now; on_commit still guards a caller that wraps us in a
        # transaction, so the worker never looks for outbox rows it cannot see yet.
        transaction.on_commit(deliver_outbox_task.delay)
    return {"nearing": result.nearing, "overdue": result.overdue, "alerts": result.alerts}


@shared_task(name="enforcement.compute_indicators")
def compute_indicators_task() -> dict[str, int]:
    """Nightly: the last 12 months of every court's indicator figures (an upsert, safe to run twice)."""
    from .indicators.compute import compute_indicators

    return asdict(compute_indicators())


@shared_task(name="enforcement.send_digests")
def send_digests_task() -> dict[str, int]:
    """Each court's daily digest once its digest time has passed (the beat asks every few minutes)."""
    written = send_due_digests()
    if written:
        transaction.on_commit(deliver_outbox_task.delay)
    return {"digests": written}


@shared_task(name="enforcement.deliver_outbox")
def deliver_outbox_task() -> dict[str, int]:
    result = deliver_due_messages(limit=BATCH_SIZE)
    if result.claimed >= BATCH_SIZE:
        # A full batch: more may be waiting, and the next beat tick could be a minute away.
        deliver_outbox_task.delay()
    return asdict(result)


@shared_task(name="enforcement.deliver_sms")
def deliver_sms_task() -> dict[str, int]:
    result = deliver_sms(limit=SMS_BATCH_SIZE)
    if result.claimed >= SMS_BATCH_SIZE:
        deliver_sms_task.delay()  # a full batch: more may be waiting
    return asdict(result)


@receiver(delivery_requested, dispatch_uid="enforcement.tasks.deliver_sms_soon")
def _deliver_sms_soon(**kwargs: Any) -> None:
    """Rows were queued and committed: deliver now rather than at the next beat."""
    deliver_sms_task.delay()
