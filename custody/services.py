"""Writes of custody: online searches, property measures with their terms, deductions' money, detention and
fines. Each locks what it changes, checks again on the locked rows, and records a timeline event; the
models keep their history.

Who may act
    - Searches and their replies: whoever works the case for its judge (``may_investigate``: the judge,
      a judge, assistant or lead of its team).
    - Measures, renewals, releases, deductions' money, proposing a detention or a fine, recording the
      family notice and an early release: who judges the case (``enforcement.selectors.judges_the_case``).
    - Approving or refusing a detention or a fine: the court's president, never the one who proposed it.

Time limits
    A measure with a term opens its expiry clock in the deadline engine (node ``measure_<kind>``: the
    legal maximum as budget, warned 30 days ahead, to the judge and the team lead). A renewal meets the
    running clock, which resolves its alerts, and opens the next one from the last day of the term
    before. Terms end on their day (counting "exact"). A detention opens the 24-hour clock for telling
    the family (node ``detention_family_notice``), met when the notice is recorded.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.services import may_take_compulsory_measures
from enforcement import roles
from enforcement.models import Case, CaseEvent, Deadline, NodeType, Party, TeamMembership
from enforcement.selectors import judges_the_case
from enforcement.services.deadlines import (
    active_deadlines,
    cancel_deadline,
    local_midnight,
    meet_deadline,
    node_type_for,
    open_deadline,
)
from enforcement.services.events import record_event
from payments.models import LedgerEntry

from .models import (
    MAX_DETENTION_DAYS,
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    InstitutionKind,
    Measure,
    MeasureTerm,
    PropertySearch,
    SearchInquiry,
)

SEARCH_NODE = "online_search"
INSTITUTION_NAME_LENGTH = 100  # SearchInquiry.institution
FAMILY_NOTICE_NODE = "detention_family_notice"
FAMILY_NOTICE_HOURS = 24
APPROVER_ROLES = (roles.PRESIDENT,)
# The node type whose budget is the legal maximum term of each kind; a deduction has no term.
TERM_NODES = {
    Measure.Kind.FREEZE_DEPOSIT: "measure_freeze_deposit",
    Measure.Kind.SEIZE_MOVABLE: "measure_seize_movable",
    Measure.Kind.SEAL_REAL_ESTATE: "measure_seal_real_estate",
    Measure.Kind.FREEZE_RIGHT: "measure_freeze_right",
}
# What a found asset becomes with one action (the judge may change it in the form).
MEASURE_FOR_ASSET = {
    "deposit": Measure.Kind.FREEZE_DEPOSIT,
    "real_estate": Measure.Kind.SEAL_REAL_ESTATE,
    "vehicle": Measure.Kind.SEIZE_MOVABLE,
    "movable": Measure.Kind.SEIZE_MOVABLE,
    "equity": Measure.Kind.FREEZE_RIGHT,
    "securities": Measure.Kind.FREEZE_RIGHT,
    "other_right": Measure.Kind.FREEZE_RIGHT,
}
HOLDER_FOR_INSTITUTION = {
    InstitutionKind.BANK: Measure.HolderKind.BANK,
    InstitutionKind.PAYMENT_PLATFORM: Measure.HolderKind.OTHER,
    InstitutionKind.OTHER: Measure.HolderKind.OTHER,
}


# --- Permissions -------------------------------------------------------------------------------------------


def may_investigate(user: roles.AnyUser, case: Case) -> bool:
    """Searches are work of the judge's team: its judges, lead and assistants."""
    if judges_the_case(user, case):
        return True
    return bool(
        case.team_id
        and TeamMembership.objects.filter(
            team_id=case.team_id, user_id=user.pk or 0, role=TeamMembership.Role.ASSISTANT
        ).exists()
    )


def may_decide_sanction(user: roles.AnyUser, sanction: Detention | Fine) -> bool:
    return user.pk != sanction.proposed_by_id and roles.has_court_role(
        user, sanction.case.court_id, *APPROVER_ROLES
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock_case(case: Case, *, open_only: bool = True) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if open_only and locked.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed."))
    return locked


def _check_judges(actor: User, case: Case) -> None:
    _require(
        judges_the_case(actor, case), _("Only the case's judge, or a judge or lead of its team, may do this.")
    )


def _check_compulsory_allowed(case: Case) -> None:
    if not may_take_compulsory_measures(case):
        raise ValidationError(
            _(
                "This complex case needs its risk assessment and enforcement plan "
                "before any compulsory measure."
            )
        )


def _not_in_future(day: datetime.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(what)s cannot be in the future.") % {"what": label}})


# --- Online searches ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Institution:
    kind: str
    name: str


@transaction.atomic
def request_search(
    *,
    actor: User,
    case: Case,
    requested_on: datetime.date,
    institutions: Sequence[Institution],
    note: str = "",
) -> PropertySearch:
    """A search sent to institutions. The case's first one meets its online-search deadline (opened at
    filing); it opens none of its own."""
    locked = _lock_case(case)
    _require(may_investigate(actor, locked), _("Only the case's judge and team record searches."))
    _not_in_future(requested_on, "requested_on", _("The request date"))
    if requested_on < timezone.localtime(locked.filed_at).date():
        raise ValidationError({"requested_on": _("The request date cannot be before the case was filed.")})
    cleaned = _institutions(institutions)
    first = not locked.searches.exists()
    search = PropertySearch.objects.create(
        case=locked, requested_on=requested_on, note=note.strip(), requested_by=actor
    )
    SearchInquiry.objects.bulk_create(
        SearchInquiry(search=search, institution_kind=i.kind, institution=i.name) for i in cleaned
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.ONLINE_SEARCH_STARTED,
        actor=actor,
        public=False,
        detail="、".join(i.name for i in cleaned)[:500],
        data={"search": search.pk, "institutions": len(cleaned)},
    )
    if first:
        meet_deadline(case=locked, code=SEARCH_NODE, actor=actor)
    return search


def _institutions(institutions: Sequence[Institution]) -> list[Institution]:
    cleaned: list[Institution] = []
    seen: set[str] = set()
    for item in institutions:
        name = item.name.strip()
        if not name:
            continue
        if item.kind not in InstitutionKind.values:
            raise ValidationError(
                {"institutions": _("Unknown kind of institution: %(kind)s.") % {"kind": item.kind}}
            )
        if name in seen:
            raise ValidationError({"institutions": _("%(name)s is listed twice.") % {"name": name}})
        if len(name) > INSTITUTION_NAME_LENGTH:
            raise ValidationError({"institutions": _("The name of an institution is too long.")})
        seen.add(name)
        cleaned.append(Institution(item.kind, name))
    if not cleaned:
        raise ValidationError({"institutions": _("Name at least one institution asked.")})
    return cleaned


@dataclass(frozen=True)
class AssetFound:
    kind: str
    description: str
    reference: str = ""
    amount: Decimal | None = None
    owner: Party | None = None


@transaction.atomic
def record_reply(
    *,
    actor: User,
    inquiry: SearchInquiry,
    replied_on: datetime.date,
    note: str = "",
    assets: Sequence[AssetFound] = (),
) -> SearchInquiry:
    """An institution's reply: what it found (nothing, or assets). A reply is recorded once."""
    locked = SearchInquiry.objects.select_for_update().select_related("search__case").get(pk=inquiry.pk)
    case = _lock_case(locked.search.case)
    _require(may_investigate(actor, case), _("Only the case's judge and team record searches."))
    if locked.reply != SearchInquiry.Reply.PENDING:
        raise ValidationError(_("This institution's reply is already recorded."))
    _not_in_future(replied_on, "replied_on", _("The reply date"))
    if replied_on < locked.search.requested_on:
        raise ValidationError({"replied_on": _("The reply cannot come before the request.")})
    for asset in assets:
        _check_asset(asset, case)
    locked.reply = SearchInquiry.Reply.FOUND if assets else SearchInquiry.Reply.NOTHING
    locked.replied_on, locked.reply_note = replied_on, note.strip()
    locked.save(update_fields=["reply", "replied_on", "reply_note"])
    for asset in assets:
        FoundAsset.objects.create(
            inquiry=locked,
            kind=asset.kind,
            description=asset.description.strip(),
            reference=asset.reference.strip(),
            amount=asset.amount,
            owner=asset.owner,
        )
    found = "；".join(a.description.strip() for a in assets) or _("nothing found")
    record_event(
        case=case,
        kind=CaseEvent.Kind.ONLINE_SEARCH_REPLY,
        actor=actor,
        public=False,
        detail=f"{locked.institution}：{found}"[:500],
        data={"inquiry": locked.pk, "assets": len(assets)},
    )
    return locked


def _check_asset(asset: AssetFound, case: Case) -> None:
    if asset.kind not in MEASURE_FOR_ASSET:
        raise ValidationError({"assets": _("Unknown kind of asset: %(kind)s.") % {"kind": asset.kind}})
    if not asset.description.strip():
        raise ValidationError({"assets": _("Describe each asset found.")})
    if asset.amount is not None and asset.amount <= 0:
        raise ValidationError({"assets": _("An amount must be more than zero.")})
    if asset.owner is not None and asset.owner.case_id != case.pk:
        raise ValidationError({"assets": _("The owner must be a party of this case.")})


# --- Measures ----------------------------------------------------------------------------------------------


def max_term_months(case: Case, kind: str) -> int | None:
    """The legal maximum term of this kind of measure at the case's court (node type data); None for a
    deduction, which has no term."""
    code = TERM_NODES.get(kind)  # type: ignore[call-overload]
    if code is None:
        return None
    node = node_type_for(case.court, code)
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
    )
    return locked


@transaction.atomic
def link_deduction(*, actor: User, measure: Measure, entry: LedgerEntry) -> DeductionReceipt:
    """Money a deduction brought in (a received entry of the case account) is linked to the measure;
    the deduction is then done."""
    case, locked = _lock_measure(measure)
    _check_judges(actor, case)
    if locked.kind != Measure.Kind.DEDUCT_DEPOSIT:
        raise ValidationError(_("Only a deduction brings money into the case account."))
    if locked.status == Measure.Status.RELEASED:
        raise ValidationError(_("This deduction was released."))
    entry = LedgerEntry.objects.select_related("account").get(pk=entry.pk)
    if entry.account.case_id != case.pk or entry.kind != LedgerEntry.Kind.RECEIVED:
        raise ValidationError({"entry": _("Choose money received in this case's account.")})
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("That money was reversed.")})
    if DeductionReceipt.objects.filter(entry=entry).exists():
        raise ValidationError({"entry": _("That money is already linked to a deduction.")})
    receipt = DeductionReceipt.objects.create(measure=locked, entry=entry, linked_by=actor)
    if locked.status != Measure.Status.EXECUTED:
        locked.status = Measure.Status.EXECUTED
        locked.save(update_fields=["status"])
    record_event(
        case=case,
        kind=CaseEvent.Kind.DEDUCTION_LINKED,
        actor=actor,
        public=False,
        detail=f"{locked.asset}：{entry.amount:.2f}",
        data={"measure": locked.pk, "entry": entry.pk},
    )
    return receipt


def unlink_reversed_money(*, entry: LedgerEntry, actor: User | None) -> DeductionReceipt | None:
    """Money linked to a deduction was reversed (finance undid a wrong entry): the link goes (its history
    stays), and a deduction left with no money is pending again. Runs in the reversal's transaction."""
    receipt = DeductionReceipt.objects.select_related("measure").filter(entry=entry).first()
    if receipt is None:
        return None
    measure = Measure.objects.select_for_update().get(pk=receipt.measure_id)
    receipt.delete()
    if measure.status == Measure.Status.EXECUTED and not measure.receipts.exists():
        measure.status = Measure.Status.IN_FORCE
        measure.save(update_fields=["status"])
    record_event(
        case=measure.case,
        kind=CaseEvent.Kind.DEDUCTION_UNLINKED,
        actor=actor,
        public=False,
        detail=f"{measure.asset}：{entry.amount:.2f}",
        data={"measure": measure.pk, "entry": entry.pk},
    )
    return receipt


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
            )
            flagged += 1
    return flagged


# --- Detention and fines -----------------------------------------------------------------------------------


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
    _require(
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
            case=case, kind=CaseEvent.Kind.DETENTION_REFUSED, actor=actor, public=False, detail=note.strip()
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
    _require(
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
    )
    return locked


def running_expiry(measure: Measure) -> Deadline | None:
    """The measure's running expiry clock, if any."""
    code = TERM_NODES.get(measure.kind)  # type: ignore[call-overload]
    if code is None:
        return None
    return active_deadlines(measure.case, code, measure).first()
