"""Payout holds: asked for by the case's judge, approved by a supervisor or president; they stop the
payout clocks, and while one is in force no money of the case moves toward the applicants."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case, CaseEvent
from enforcement.services.events import record_event

from .. import ledger
from ..models import PayoutHold
from ._common import _require_case_worker
from .accounts import _lock_account

HOLD_APPROVER_ROLES = access.HOLD_DECIDER_ROLES


def _check_not_held(case: Case) -> None:
    """While a hold is in force no money of the case moves toward the applicants: not proposed,
    approved, put in a payment file nor paid. (A payment file already at the bank is confirmed all
    the same: the bank has paid it, and the ledger must say so.)"""
    if PayoutHold.objects.filter(case=case, status=PayoutHold.Status.ACTIVE).exists():
        raise ValidationError(_("Payout of this case is on hold; release the hold first."))


@transaction.atomic
def request_hold(*, actor: User, case: Case, reason: str, detail: str) -> PayoutHold:
    _require_case_worker(actor, case)
    if reason not in PayoutHold.Reason.values:
        raise ValidationError({"reason": _("Choose the statutory reason for the hold.")})
    if not detail.strip():
        raise ValidationError({"detail": _("Describe the reason: the objection, the creditors, ...")})
    _lock_account(case)
    if PayoutHold.objects.filter(case=case, status__in=["requested", "active"]).exists():
        raise ValidationError(_("A hold is already requested or in force on this case."))
    hold = PayoutHold.objects.create(case=case, reason=reason, detail=detail.strip(), requested_by=actor)
    return hold


def _lock_hold(hold: PayoutHold) -> PayoutHold:
    _lock_account(hold.case)
    return PayoutHold.objects.select_for_update(of=("self",)).select_related("case").get(pk=hold.pk)


@transaction.atomic
def decide_hold(*, actor: User, hold: PayoutHold, approve: bool, note: str = "") -> PayoutHold:
    """A supervisor or president approves the hold (never its requester); approved, the clocks stop."""
    roles.require_court_role(
        actor,
        hold.case.court_id,
        *HOLD_APPROVER_ROLES,
        message=_("Only the court's supervisors and presidents approve payout holds."),
    )
    if actor.pk == hold.requested_by_id:
        raise PermissionDenied(_("The person who asked for a hold cannot approve it."))
    locked = _lock_hold(hold)
    if locked.status != PayoutHold.Status.REQUESTED:
        raise ValidationError(_("This hold has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the hold is refused.")})
    status_before = locked.status
    locked.status = PayoutHold.Status.ACTIVE if approve else PayoutHold.Status.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    if approve:
        locked.start_date = timezone.localdate()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "start_date"])
    if approve:
        ids = list(ledger.active_deadlines(locked.case, ledger.PAYOUT_NODE).values_list("pk", flat=True))
        ledger.pause_payout_clock(deadline_ids=ids, hold=locked)
        record_event(
            case=locked.case,
            kind=CaseEvent.Kind.PAYOUT_HELD,
            actor=actor,
            public=False,
            detail=locked.detail,
            text_code="payments.payout_held",
            text_params={"reason": locked.reason},
            data={"hold": locked.pk},
            changes={"status": (status_before, locked.status)},
        )
    return locked


@transaction.atomic
def release_hold(*, actor: User, hold: PayoutHold, note: str) -> PayoutHold:
    roles.require_court_role(
        actor,
        hold.case.court_id,
        *HOLD_APPROVER_ROLES,
        message=_("Only the court's supervisors and presidents release payout holds."),
    )
    if not note.strip():
        raise ValidationError({"note": _("Say why the hold ends.")})
    locked = _lock_hold(hold)
    if locked.status != PayoutHold.Status.ACTIVE:
        raise ValidationError(_("This hold is not in force."))
    today = timezone.localdate()
    status_before = locked.status
    locked.status, locked.end_date = PayoutHold.Status.RELEASED, today
    locked.released_by, locked.release_note = actor, note.strip()
    locked.save(update_fields=["status", "end_date", "released_by", "release_note"])
    ledger.resume_payout_clock(hold=locked, end_date=today)
    record_event(
        case=locked.case,
        kind=CaseEvent.Kind.PAYOUT_HOLD_RELEASED,
        actor=actor,
        public=False,
        detail=note.strip(),
        data={"hold": locked.pk},
        changes={"status": (status_before, locked.status)},
    )
    return locked
