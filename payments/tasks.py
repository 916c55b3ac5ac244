"""Celery tasks of the money checks: thin wrappers over ``payments.reconciliation``."""

from celery import shared_task

from .reconciliation import flag_late_claims, reconcile_all


@shared_task(name="payments.reconcile")
def reconcile_task() -> dict[str, int]:
    results = reconcile_all()
    return {"courts": len(results), "differences": sum(not r.balanced for r in results)}


@shared_task(name="payments.flag_late_claims")
def flag_late_claims_task() -> int:
    return flag_late_claims()
