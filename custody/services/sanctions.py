"""Sanctions against obstruction: detention and fines, proposed by the judge and decided by the
president; a detention's release date and the 24-hour notice to the family."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case, CaseEvent, Party
from enforcement.services.deadlines import meet_deadline, open_deadline
from enforcement.services.events import record_event

from ..models import MAX_DETENTION_DAYS, Detention, Fine
from ._common import _check_compulsory_allowed, _check_judges, _lock_case

FAMILY_NOTICE_NODE = "detention_family_notice"
FAMILY_NOTICE_HOURS = 24
APPROVER_ROLES = access.SANCTION_DECIDER_ROLES


def may_decide_sanction(user: roles.AnyUser, sanction: Detention | Fine) -> bool:
    return access.decides(
        user, sanction.case.court_id, asked_by_id=sanction.proposed_by_id, allowed=APPROVER_ROLES
    )


@dataclass(frozen=True)
class PersonInput:
    name: str
    reason: str
    decision_number: str
    id_number: str = ""
    party: Party | None = None


def _check_person(case: Case, person: PersonInput) -> None:
    for field, value, message in (
        ("person_name", person.name, _("Name the person.")),
        ("reason", person.reason, _("Describe the obstruction.")),
        ("decision_number", person.decision_number, _("Give the number of the decision.")),
    ):
        if not value.strip():
            raise ValidationError({field: message})
    if person.party is not None and person.party.case_id != case.pk:
        raise ValidationError({"party": _("The party must be a party of this case.")})


def _person_fields(person: PersonInput) -> dict[str, Any]:
    """What a detention and a fine record of the person and the decision."""
    return {
        "party": person.party,
        "person_name": person.name.strip(),
        "person_id_number": person.id_number.strip(),
        "reason": person.reason.strip(),
        "decision_number": person.decision_number.strip(),
    }


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DETENTION_DAYS:
        raise ValidationError(
            {"days": _("Detention is at least 1 day and at most %(max)d days.") % {"max": MAX_DETENTION_DAYS}}
        )


@transaction.atomic
def propose_detention(*, actor: User, case: Case, person: PersonInput, days: int) -> Detention:
    """The judge proposes detaining a person who obstructs enforcement; the president decides."""
    locked = _lock_case(case)
    _check_judges(actor, locked)
    _check_compulsory_allowed(locked)
    _check_person(locked, person)
    _check_days(days)
    detention = Detention.objects.create(
        case=locked,
        **_person_fields(person),
        days=days,
        proposed_by=actor,
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.DETENTION_PROPOSED,
        actor=actor,
        public=False,
        text_code="custody.detention_proposed",
        text_params={"name": detention.person_name, "days": days},
        data={"detention": detention.pk},
    )
    return detention


_Sanction = TypeVar("_Sanction", Detention, Fine)


def _lock_sanction(model: type[_Sanction], pk: int) -> tuple[Case, _Sanction]:
    """The case locked first (as every write of custody does), then the detention or fine."""
    case = _lock_case(model.objects.select_related("case").get(pk=pk).case)
    locked = model.objects.select_for_update().get(pk=pk)
    locked.case = case
    return case, locked


@transaction.atomic
def decide_detention(
    *,
    actor: User,
    detention: Detention,
    approve: bool,
    note: str = "",
    started_at: datetime.datetime | None = None,
) -> Detention:
    """The president approves (the person is taken into custody at ``started_at``, now by default) or
    refuses. Approval derives the release date and opens the 24-hour clock for telling the family."""
    case, locked = _lock_sanction(Detention, detention.pk)
    access.require(
        may_decide_sanction(actor, locked),
        _("Only the court's president, not the proposer, decides a detention."),
    )
    if locked.status != Detention.Status.PROPOSED:
        raise ValidationError(_("This detention has already been decided."))
    now = timezone.now()
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note.strip()
    if not approve:
        if not note.strip():
            raise ValidationError({"note": _("Give the reason for the refusal.")})
        locked.status = Detention.Status.REFUSED
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_event(
            case=case,
            kind=CaseEvent.Kind.DETENTION_REFUSED,
            actor=actor,
            public=False,
            detail=note.strip(),
            changes={"status": (Detention.Status.PROPOSED, locked.status)},
        )
        return locked
    _check_days(locked.days)  # the limit may have been tightened since the proposal (DB check too)
    started = started_at or now
    if started > now + datetime.timedelta(minutes=5):
        raise ValidationError({"started_at": _("The time of custody cannot be in the future.")})
    if started < locked.proposed_at.replace(second=0, microsecond=0):  # forms give minutes
        raise ValidationError({"started_at": _("Custody cannot begin before the detention was proposed.")})
    locked.status, locked.started_at = Detention.Status.APPROVED, started
    locked.release_on = release_date(started, locked.days)
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "started_at", "release_on"]
    )
    open_deadline(case=case, code=FAMILY_NOTICE_NODE, anchor_at=started, actor=actor, subject=locked)
    record_event(
        case=case,
        kind=CaseEvent.Kind.DETENTION_APPROVED,
        actor=actor,
        public=True,
        text_code="custody.detention_approved",
        text_params={"days": locked.days},
        data={"detention": locked.pk, "release_on": locked.release_on.isoformat()},
        changes={"status": (Detention.Status.PROPOSED, locked.status)},
    )
    return locked


def release_date(started: datetime.datetime, days: int) -> datetime.date:
    """The day a detained person walks out: ``days`` days in custody counting the first day, so the day
    after the last one (taken in on the 1st for 15 days: inside through the 15th, out on the 16th)."""
    return timezone.localtime(started).date() + datetime.timedelta(days=days)


@transaction.atomic
def record_family_notice(
    *, actor: User, detention: Detention, notified_at: datetime.datetime, notice: str
) -> Detention:
    """The family was told (who, how): meets the 24-hour clock, late or not."""
    case, locked = _lock_sanction(Detention, detention.pk)
    _check_judges(actor, case)
    if locked.status not in (Detention.Status.APPROVED, Detention.Status.RELEASED):
        raise ValidationError(_("The family is told once the detention has begun."))
    if locked.family_notified_at is not None:
        raise ValidationError(_("The family's notice is already recorded."))
    if not notice.strip():
        raise ValidationError({"notice": _("Say who was told, and how.")})
    started = locked.started_at
    if started is None:
        raise ValidationError(_("The family is told once the detention has begun."))
    if notified_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"notified_at": _("The time of the notice cannot be in the future.")})
    if notified_at < started:
        raise ValidationError({"notified_at": _("The notice cannot come before the custody began.")})
    locked.family_notified_at, locked.family_notice = notified_at, notice.strip()[:200]
    locked.save(update_fields=["family_notified_at", "family_notice"])
    meet_deadline(case=case, code=FAMILY_NOTICE_NODE, actor=actor, subject=locked)
    late = notified_at > started + datetime.timedelta(hours=FAMILY_NOTICE_HOURS)
    record_event(
        case=case,
        kind=CaseEvent.Kind.DETENTION_FAMILY_NOTIFIED,
        actor=actor,
        public=False,
        detail=locked.family_notice,
        data={"detention": locked.pk, "late": late},
    )
    return locked


@transaction.atomic
def release_early(
    *, actor: User, detention: Detention, released_at: datetime.datetime, reason: str
) -> Detention:
    """Early release (提前解除拘留), with the reason."""
    case, locked = _lock_sanction(Detention, detention.pk)
    _check_judges(actor, case)
    if locked.status != Detention.Status.APPROVED or locked.started_at is None or locked.release_on is None:
        raise ValidationError(_("Only a detention under way can end early."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the early release.")})
    if released_at < locked.started_at or released_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(
            {"released_at": _("The release must fall between the custody's start and now.")}
        )
    if timezone.localtime(released_at).date() >= locked.release_on:
        raise ValidationError({"released_at": _("By then the detention had ended anyway.")})
    locked.status, locked.released_at, locked.release_reason = (
        Detention.Status.RELEASED,
        released_at,
        reason.strip(),
    )
    locked.save(update_fields=["status", "released_at", "release_reason"])
    record_event(
        case=case,
        kind=CaseEvent.Kind.DETENTION_RELEASED,
        actor=actor,
        public=False,
        detail=reason.strip()[:200],
        data={"detention": locked.pk},
        changes={"status": (Detention.Status.APPROVED, locked.status)},
    )
    return locked


@transaction.atomic
def propose_fine(
    *, actor: User, case: Case, person: PersonInput, amount: Decimal, detention: Detention | None = None
) -> Fine:
    locked = _lock_case(case)
    _check_judges(actor, locked)
    _check_compulsory_allowed(locked)
    _check_person(locked, person)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("The amount must be more than zero, in yuan and fen.")})
    if detention is not None:
        # The stored row, locked, not the caller's copy: it may have been refused since it was read.
        detention = Detention.objects.select_for_update().filter(pk=detention.pk).first()
        if detention is None or detention.case_id != locked.pk:
            raise ValidationError({"detention": _("That detention belongs to another case.")})
        if detention.status == Detention.Status.REFUSED:
            raise ValidationError({"detention": _("That detention was refused.")})
    fine = Fine.objects.create(
        case=locked,
        **_person_fields(person),
        amount=amount,
        detention=detention,
        proposed_by=actor,
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.FINE_PROPOSED,
        actor=actor,
        public=False,
        detail=f"{fine.person_name}：{amount:.2f}",
        data={"fine": fine.pk},
    )
    return fine


@transaction.atomic
def decide_fine(*, actor: User, fine: Fine, approve: bool, note: str = "") -> Fine:
    case, locked = _lock_sanction(Fine, fine.pk)
    access.require(
        may_decide_sanction(actor, locked), _("Only the court's president, not the proposer, decides a fine.")
    )
    if locked.status != Fine.Status.PROPOSED:
        raise ValidationError(_("This fine has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})
    locked.status = Fine.Status.APPROVED if approve else Fine.Status.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        case=case,
        kind=CaseEvent.Kind.FINE_APPROVED if approve else CaseEvent.Kind.FINE_REFUSED,
        actor=actor,
        public=approve,
        detail="" if approve else note.strip(),
        text_code="custody.fine_imposed" if approve else "",
        text_params={"amount": f"{locked.amount:.2f}"} if approve else None,
        data={"fine": locked.pk},
        changes={"status": (Fine.Status.PROPOSED, locked.status)},
    )
    return locked
