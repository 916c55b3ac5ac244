"""The consumption-restriction order (限制消费令; RULES.md "Credit sanctions").

The case's judge proposes an order on a respondent with its ruling; for an organisation it also binds the
persons the rule names (legal representative, main responsible persons, persons directly responsible,
actual controller), at least one of them. The court's president approves or refuses it, never the
proposer. The judge lifts it on performance, on adequate security or with the applicant's consent, by a
decision of its own (its number and the reason are recorded; the lifting notice is a PDF,
``custody.credit_views.lift_notice_pdf``). Lifting is allowed after the case closed: a debtor who paid in
full is released once the case is closed as fully performed.

Every write locks the case first (as the rest of custody does), then the row it changes.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case, Party
from enforcement.services.events import record_event

from ..models import (
    BoundCapacity,
    ConsumptionRestriction,
    CreditEvent,
    RestrictedPerson,
)
from ._common import (
    _check_compulsory_allowed,
    _check_judges,
    _lock_case,
    _not_in_future,
    _required,
    _respondent,
)

CREDIT_DECIDER_ROLES = access.CREDIT_DECIDER_ROLES
RESTRICTION_TEXT = "custody.restriction"


def may_decide_restriction(user: roles.AnyUser, restriction: ConsumptionRestriction) -> bool:
    return access.decides(
        user,
        restriction.case.court_id,
        asked_by_id=restriction.proposed_by_id,
        allowed=CREDIT_DECIDER_ROLES,
    )


# --- Consumption restriction --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoundPerson:
    name: str
    capacity: str
    id_number: str = ""


def _check_persons(party: Party, persons: Sequence[BoundPerson]) -> None:
    if party.kind != Party.Kind.ORGANISATION:
        if persons:
            raise ValidationError({"persons": _("Only an order on an organisation binds other persons.")})
        return
    if not persons:
        raise ValidationError(
            {
                "persons": _(
                    "An order on an organisation also binds its legal representative, main responsible "
                    "persons, the persons directly responsible and the actual controller: name at least one."
                )
            }
        )
    for person in persons:
        _required("persons", person.name, _("Name each person the order binds."))
        if person.capacity not in BoundCapacity.values:
            raise ValidationError({"persons": _("Say in what capacity each person is bound.")})


@transaction.atomic
def propose_restriction(
    *,
    actor: User,
    case: Case,
    party: Party,
    ruling_number: str,
    reason: str,
    persons: Sequence[BoundPerson] = (),
) -> ConsumptionRestriction:
    """The judge proposes an order on a respondent (and, for an organisation, the persons it binds)."""
    locked = _lock_case(case)
    _check_judges(actor, locked)
    _check_compulsory_allowed(locked)
    party = _respondent(locked, Party.objects.select_for_update().get(pk=party.pk))
    ruling = _required("ruling_number", ruling_number, _("Give the number of the ruling."))
    why = _required("reason", reason, _("Say why the restriction is needed."))
    _check_persons(party, persons)
    open_order = ConsumptionRestriction.objects.filter(
        party=party,
        status__in=(ConsumptionRestriction.Status.PROPOSED, ConsumptionRestriction.Status.APPROVED),
    )
    if open_order.exists():
        raise ValidationError({"party": _("An order on this respondent is already proposed or in force.")})
    restriction = ConsumptionRestriction.objects.create(
        case=locked, party=party, ruling_number=ruling, reason=why, proposed_by=actor
    )
    RestrictedPerson.objects.bulk_create(
        RestrictedPerson(
            restriction=restriction, name=p.name.strip(), id_number=p.id_number.strip(), capacity=p.capacity
        )
        for p in persons
    )
    record_event(
        case=locked,
        kind=CreditEvent.RESTRICTION_PROPOSED,
        actor=actor,
        public=False,
        detail=f"{party.name}：{ruling}",
        data={"restriction": restriction.pk},
    )
    return restriction


def _lock_restriction(pk: int, *, open_only: bool = True) -> tuple[Case, ConsumptionRestriction]:
    case = _lock_case(
        ConsumptionRestriction.objects.select_related("case").get(pk=pk).case, open_only=open_only
    )
    locked = ConsumptionRestriction.objects.select_for_update().select_related("party").get(pk=pk)
    locked.case = case
    return case, locked


@transaction.atomic
def decide_restriction(
    *, actor: User, restriction: ConsumptionRestriction, approve: bool, note: str = ""
) -> ConsumptionRestriction:
    """The court's president approves the order (it is in force from now) or refuses it, saying why."""
    case, locked = _lock_restriction(restriction.pk)
    access.require(
        may_decide_restriction(actor, locked),
        _("Only the court's president, not the proposer, decides a consumption restriction."),
    )
    if locked.status != ConsumptionRestriction.Status.PROPOSED:
        raise ValidationError(_("This restriction has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})
    old = locked.status
    locked.status = (
        ConsumptionRestriction.Status.APPROVED if approve else ConsumptionRestriction.Status.REFUSED
    )
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        case=case,
        kind=CreditEvent.RESTRICTION_APPROVED if approve else CreditEvent.RESTRICTION_REFUSED,
        actor=actor,
        public=approve,
        detail="" if approve else note.strip(),
        text_code=RESTRICTION_TEXT if approve else "",
        text_params={"ruling": locked.ruling_number} if approve else None,
        data={"restriction": locked.pk},
        changes={"status": (old, locked.status)},
    )
    return locked


@transaction.atomic
def lift_restriction(
    *,
    actor: User,
    restriction: ConsumptionRestriction,
    reason: str,
    decision_number: str,
    lifted_on: datetime.date,
    note: str = "",
) -> ConsumptionRestriction:
    """The order is lifted by a decision of its own, for one of the rule's reasons."""
    case, locked = _lock_restriction(restriction.pk, open_only=False)
    _check_judges(actor, case)
    if locked.status != ConsumptionRestriction.Status.APPROVED:
        raise ValidationError(_("Only an order in force can be lifted."))
    if reason not in ConsumptionRestriction.LiftReason.values:
        raise ValidationError({"reason": _("Choose why the order is lifted.")})
    number = _required("decision_number", decision_number, _("Give the number of the lifting decision."))
    _not_in_future(lifted_on, "lifted_on", _("The day of lifting"))
    issued = locked.decided_at
    if issued is not None and lifted_on < timezone.localdate(issued):
        raise ValidationError({"lifted_on": _("The order cannot be lifted before it was issued.")})
    locked.status = ConsumptionRestriction.Status.LIFTED
    locked.lift_reason, locked.lift_decision_number, locked.lift_note = reason, number, note.strip()
    locked.lifted_on, locked.lifted_by, locked.lifted_at = lifted_on, actor, timezone.now()
    locked.save(
        update_fields=[
            "status",
            "lift_reason",
            "lift_decision_number",
            "lift_note",
            "lifted_on",
            "lifted_by",
            "lifted_at",
        ]
    )
    record_event(
        case=case,
        kind=CreditEvent.RESTRICTION_LIFTED,
        actor=actor,
        public=True,
        text_code=RESTRICTION_TEXT,
        text_params={"ruling": locked.ruling_number, "lift_reason": reason},
        data={"restriction": locked.pk},
        changes={"status": (ConsumptionRestriction.Status.APPROVED, locked.status)},
    )
    return locked
