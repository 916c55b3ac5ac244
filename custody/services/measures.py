"""Property measures and their terms: taken, renewed, released, and flagged when they lapse."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent, Deadline, NodeType, Party
from enforcement.services.deadlines import (
    active_deadlines,
    cancel_deadline,
    local_midnight,
    meet_deadline,
    node_type_for,
    open_deadline,
)
from enforcement.services.events import record_event

from ..models import FoundAsset, Measure, MeasureTerm
from ._common import _check_compulsory_allowed, _check_judges, _lock_case, _not_in_future

# The node type whose budget is the legal maximum term of each kind; a deduction has no term.
TERM_NODES = {
    Measure.Kind.FREEZE_DEPOSIT: "measure_freeze_deposit",
    Measure.Kind.SEIZE_MOVABLE: "measure_seize_movable",
    Measure.Kind.SEAL_REAL_ESTATE: "measure_seal_real_estate",
    Measure.Kind.FREEZE_RIGHT: "measure_freeze_right",
}


def max_term_months(case: Case, kind: str) -> int | None:
    """The legal maximum term of this kind of measure at the case's court (node type data); None for a
    deduction, which has no term."""
    code = TERM_NODES.get(kind)  # type: ignore[call-overload]
    if code is None:
        return None
    return max_term_of(node_type_for(case.court, code))


def max_term_of(node: NodeType) -> int:
    """The maximum term in months a measure's node type gives (refused: one counting in another unit)."""
    if node.unit != NodeType.Unit.MONTHS:  # a court's override set up wrong in the admin
        raise ValidationError(
            _("The time limit %(node)s must count in months; ask an administrator to correct it.")
            % {"node": node.name}
        )
    return node.budget


@dataclass(frozen=True)
class MeasureInput:
    kind: str
    asset: str
    holder_kind: str
    holder: str
    ruling_number: str
    effective_on: datetime.date
    rank: str = Measure.Rank.FIRST
    preceded_by: str = ""
    term_months: int | None = None  # None: the legal maximum
    amount: Decimal | None = None
    asset_reference: str = ""
    owner: Party | None = None
    source: FoundAsset | None = None

    @classmethod
    def from_cleaned(
        cls, data: Mapping[str, Any], *, owner: Party | None, source: FoundAsset | None
    ) -> "MeasureInput":
        """From a form's or serializer's cleaned data (the same field names); owner and source are looked
        up by the caller, within the case."""
        plain = {f: data[f] for f in _MEASURE_FIELDS}
        return cls(**plain, owner=owner, source=source)


_MEASURE_FIELDS = (
    "kind",
    "asset",
    "holder_kind",
    "holder",
    "ruling_number",
    "effective_on",
    "rank",
    "preceded_by",
    "term_months",
    "amount",
    "asset_reference",
)


@transaction.atomic
def take_measure(*, actor: User, case: Case, data: MeasureInput) -> Measure:
    """Record a measure the court has taken; one with a term starts its expiry clock."""
    locked = _lock_case(case)
    _check_judges(actor, locked)
    _check_compulsory_allowed(locked)
    months = _check_measure(locked, data)
    source = _lock_source(data.source, locked)
    measure = Measure.objects.create(
        case=locked,
        kind=data.kind,
        asset=data.asset.strip(),
        asset_reference=data.asset_reference.strip(),
        owner=data.owner,
        holder_kind=data.holder_kind,
        holder=data.holder.strip(),
        amount=data.amount,
        ruling_number=data.ruling_number.strip(),
        effective_on=data.effective_on,
        rank=data.rank,
        preceded_by=data.preceded_by.strip() if data.rank == Measure.Rank.AFTER else "",
        source=source,
        recorded_by=actor,
    )
    if months is not None:
        _start_term(
            measure, actor, starts_after=data.effective_on, months=months, ruling=measure.ruling_number
        )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.MEASURE_TAKEN,
        actor=actor,
        public=True,
        # No account numbers or amounts for the public timeline: the measure's kind only.
        text_code="custody.measure",
        text_params={"kind": measure.kind},
        data={"measure": measure.pk, "kind": measure.kind},
    )
    return measure


def _check_measure(case: Case, data: MeasureInput) -> int | None:
    if data.kind not in Measure.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of measure.")})
    if data.holder_kind not in Measure.HolderKind.values:
        raise ValidationError({"holder_kind": _("Choose who holds the asset.")})
    for field, value, message in (
        ("asset", data.asset, _("Describe the asset.")),
        ("holder", data.holder, _("Name the bank, registry or other holder.")),
        ("ruling_number", data.ruling_number, _("Give the number of the ruling that ordered the measure.")),
    ):
        if not value.strip():
            raise ValidationError({field: message})
    if data.rank not in Measure.Rank.values:
        raise ValidationError({"rank": _("Choose the place in the waiting line.")})
    if data.rank == Measure.Rank.AFTER and not data.preceded_by.strip():
        raise ValidationError(
            {"preceded_by": _("Say which court's measure comes first (court and case number).")}
        )
    if data.amount is not None and data.amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if data.kind in (Measure.Kind.FREEZE_DEPOSIT, Measure.Kind.DEDUCT_DEPOSIT) and data.amount is None:
        raise ValidationError({"amount": _("Give the amount frozen or deducted.")})
    if data.owner is not None and data.owner.case_id != case.pk:
        raise ValidationError({"owner": _("The owner must be a party of this case.")})
    _not_in_future(data.effective_on, "effective_on", _("The effective date"))
    if data.effective_on < timezone.localtime(case.filed_at).date() - datetime.timedelta(days=366):
        raise ValidationError({"effective_on": _("The effective date is too far before the case was filed.")})
    return _term_months(case, data.kind, data.term_months)


def _term_months(case: Case, kind: str, chosen: int | None, field: str = "term_months") -> int | None:
    maximum = max_term_months(case, kind)
    if maximum is None:
        if chosen is not None:
            raise ValidationError({field: _("A deduction has no term.")})
        return None
    if chosen is None:
        return maximum
    if chosen < 1:
        raise ValidationError({field: _("A term is at least one month.")})
    if chosen > maximum:
        raise ValidationError(
            {
                field: _("The term may be at most %(max)d months for this kind of measure (%(kind)s).")
                % {"max": maximum, "kind": Measure.Kind(kind).label}
            }
        )
    return chosen


def _lock_source(asset: FoundAsset | None, case: Case) -> FoundAsset | None:
    if asset is None:
        return None
    locked = FoundAsset.objects.select_for_update().select_related("inquiry__search").get(pk=asset.pk)
    if locked.inquiry.search.case_id != case.pk:
        raise ValidationError({"source": _("That asset was found for another case.")})
    if Measure.objects.filter(source=locked).exists():
        raise ValidationError({"source": _("A measure was already taken on that asset.")})
    return locked


def _start_term(
    measure: Measure, actor: User, *, starts_after: datetime.date, months: int, ruling: str
) -> MeasureTerm:
    deadline = open_deadline(
        case=measure.case,
        code=TERM_NODES[measure.kind],  # type: ignore[index]
        anchor_at=local_midnight(starts_after),
        actor=actor,
        subject=measure,
        budget=months,
    )
    number = measure.terms.count() + 1
    term = MeasureTerm.objects.create(
        measure=measure,
        number=number,
        starts_after=starts_after,
        months=months,
        ends_on=deadline.due_date,
        ruling_number=ruling,
        deadline=deadline,
        recorded_by=actor,
    )
    measure.expires_on = deadline.due_date
    measure.save(update_fields=["expires_on"])
    return term


def _lock_measure(measure: Measure) -> tuple[Case, Measure]:
    # A measure outlives its case (终结本次执行 keeps freezes in force): renewing, releasing and linking
    # its money go on after the case closes.
    case = _lock_case(measure.case, open_only=False)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    return case, locked


@transaction.atomic
def renew_measure(
    *, actor: User, measure: Measure, ruling_number: str, months: int | None = None
) -> MeasureTerm:
    """Renew (续行) a measure before it expires: a new term from the last day of the current one, at most
    the legal maximum. Its running expiry clock is met, so its alerts are resolved."""
    case, locked = _lock_measure(measure)
    _check_judges(actor, case)
    if not locked.has_term:
        raise ValidationError(_("A deduction has no term to renew."))
    if locked.status != Measure.Status.IN_FORCE:
        raise ValidationError(_("Only a measure in force can be renewed; a lapsed one must be taken anew."))
    if locked.expires_on is None or locked.expires_on < timezone.localdate():
        raise ValidationError(_("The measure has expired: it can no longer be renewed."))
    if not ruling_number.strip():
        raise ValidationError({"ruling_number": _("Give the number of the ruling that renews the measure.")})
    # Each renewal has its own ruling: the same one again is the same renewal sent twice, not a second.
    if (
        locked.ruling_number == ruling_number.strip()
        or locked.terms.filter(ruling_number=ruling_number.strip()).exists()
    ):
        raise ValidationError({"ruling_number": _("This ruling is already recorded on the measure.")})
    expired_on = locked.expires_on
    chosen = _term_months(case, locked.kind, months, field="months")
    if chosen is None:
        raise ValidationError(_("A deduction has no term to renew."))
    meet_deadline(case=case, code=TERM_NODES[locked.kind], actor=actor, subject=locked)  # type: ignore[index]
    locked.case = case
    term = _start_term(
        locked, actor, starts_after=locked.expires_on, months=chosen, ruling=ruling_number.strip()
    )
    record_event(
        case=case,
        kind=CaseEvent.Kind.MEASURE_RENEWED,
        actor=actor,
        public=True,
        text_code="custody.measure",
        text_params={"kind": locked.kind},
        data={"measure": locked.pk, "term": term.number, "ends_on": term.ends_on.isoformat()},
        changes={"expires_on": (expired_on, term.ends_on)},
    )
    return term


@transaction.atomic
def release_measure(*, actor: User, measure: Measure, released_on: datetime.date, reason: str) -> Measure:
    """Release (解除) a measure, with the reason; its expiry clock stops."""
    case, locked = _lock_measure(measure)
    _check_judges(actor, case)
    lapsed = locked.status == Measure.Status.LAPSED or (
        locked.expires_on is not None and locked.expires_on < timezone.localdate()
    )
    if locked.status not in (Measure.Status.IN_FORCE, Measure.Status.LAPSED):
        raise ValidationError(_("This measure is already released or completed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the release.")})
    _not_in_future(released_on, "released_on", _("The release date"))
    if released_on < locked.effective_on:
        raise ValidationError({"released_on": _("The release cannot come before the measure took effect.")})
    status_before = locked.status
    locked.status, locked.released_on, locked.release_reason = (
        Measure.Status.RELEASED,
        released_on,
        reason.strip(),
    )
    locked.save(update_fields=["status", "released_on", "release_reason"])
    if locked.has_term:
        code = TERM_NODES[locked.kind]  # type: ignore[index]
        if lapsed:  # the clock was missed: stopped, not counted as met
            cancel_deadline(case=case, code=code, actor=actor, subject=locked)
        else:
            meet_deadline(case=case, code=code, actor=actor, subject=locked)
    record_event(
        case=case,
        kind=CaseEvent.Kind.MEASURE_RELEASED,
        actor=actor,
        public=True,
        text_code="custody.measure",
        text_params={"kind": locked.kind},
        data={"measure": locked.pk},
        changes={"status": (status_before, locked.status)},
    )
    return locked


def flag_lapsed_measures(*, today: datetime.date | None = None) -> int:
    """Measures in force whose term ended without a renewal become "lapsed", once each, with a timeline
    event (the overdue alert comes from the deadline scan). Idempotent and safe with several workers:
    each measure changes by a compare-and-set on its status."""
    today = today or timezone.localdate()
    flagged = 0
    candidates = Measure.objects.filter(status=Measure.Status.IN_FORCE, expires_on__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(candidates):
        with transaction.atomic():
            if not Measure.objects.filter(pk=pk, status=Measure.Status.IN_FORCE, expires_on__lt=today).update(
                status=Measure.Status.LAPSED
            ):
                continue  # another worker, or a renewal, got there first
            measure = Measure.objects.select_related("case").get(pk=pk)
            measure.save(update_fields=["status"])  # the compare-and-set skipped the history: one row for it
            record_event(
                case=measure.case,
                kind=CaseEvent.Kind.MEASURE_LAPSED,
                actor=None,
                public=False,
                detail=f"{measure.get_kind_display()}：{measure.asset}（{measure.expires_on:%Y-%m-%d}）",
                data={"measure": pk},
                changes={"status": (Measure.Status.IN_FORCE, Measure.Status.LAPSED)},
            )
            flagged += 1
    return flagged


def running_expiry(measure: Measure) -> Deadline | None:
    """The measure's running expiry clock, if any."""
    code = TERM_NODES.get(measure.kind)  # type: ignore[call-overload]
    if code is None:
        return None
    return active_deadlines(measure.case, code, measure).first()
