"""Celery tasks of the portal: thin wrappers over plain functions."""

from celery import shared_task

from .progress import purge_attempts


@shared_task(name="portal.purge_query_attempts")
def purge_query_attempts_task() -> int:
    """Forget progress-query attempts the throttle no longer needs (older than two days)."""
    return purge_attempts()
