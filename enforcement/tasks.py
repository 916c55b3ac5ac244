"""Celery tasks: thin wrappers that call the plain functions and take no objects, only ids or nothing."""

from celery import shared_task

from .scan import scan_deadlines


@shared_task(name="enforcement.scan_deadlines")
def scan_deadlines_task() -> dict[str, int]:
    result = scan_deadlines()
    return {"nearing": result.nearing, "overdue": result.overdue, "alerts": result.alerts}
