"""The dishonest-debtor list (失信被执行人名单; RULES.md "Credit sanctions").

- A listing names its grounds (失信名单规定 2017 Art.1, at least one) and the decision, served on the
  debtor (when and how: at listing or later). The published list shows served listings only.
- Its term is a clock of the engine, node ``dishonest_term`` (24 months by default, counted "exact",
  outliving the case), for a listing with any of grounds 2 to 6; ground 1 alone has no fixed term and no
  clock. An extension of 1 to 3 years, once, with its reason, where Art.2 allows it (violence or threats
  of a serious nature, or several grounds), replaces the clock by a longer one from the same day.
- A minor is never listed (Art.4): the resident identity number's birth date decides, on the day of the
  listing. Ground 1 is refused while property under seal covers the claim (Art.3). Refusals are records
  (``refuse_listing``) with the lawful reason, checked where the system can: the minor's age, the amount
  under seal against the claim.
- Removal (Art.10): a removal ground, once recorded, opens the removal clock (node ``dishonest_removal``:
  3 working days, on the working calendar), met by the removal. ``remove_listing`` removes at once
  (credit repair, ``credit_repair.repair_credit``, calls it with ``RemovalGround.CREDIT_REPAIR``). A term
  that ends removes its listing automatically, once (``remove_expired_listings``, a periodic job).
- Removal and its ground are recorded after the case closed too (终结执行, 不予执行, 执行完毕 are
  grounds); listing and refusing need the case open.

Every write locks the case first (as the rest of custody does), then the row it changes.
"""

import datetime
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Case, Deadline, NodeType, Party
from enforcement.services.deadlines import (
    cancel_deadline,
    local_midnight,
    meet_deadline,
    node_type_for,
    open_deadline,
)
from enforcement.services.events import record_event
from intake.identity import IdentityError, birth_date_of

from .. import selectors
from ..models import (
    CreditEvent,
    DishonestGround,
    DishonestListing,
    ListingRefusal,
    RemovalGround,
    ServiceMethod,
)
from ._common import (
    _check_compulsory_allowed,
    _check_judges,
    _lock_case,
    _not_in_future,
    _required,
    _respondent,
)

TERM_NODE = "dishonest_term"
REMOVAL_NODE = "dishonest_removal"
ADULT_AGE = 18
MAX_EXTENSION_YEARS = 3
# Grounds that carry the fixed term (Art.2): every one but the first.
TERM_GROUNDS = frozenset(DishonestGround.values) - {DishonestGround.ABLE_BUT_REFUSES}
# Removal grounds a person records; the term's end is the periodic job's alone.
RECORDED_REMOVAL_GROUNDS = [g for g in RemovalGround.values if g != RemovalGround.TERM_ENDED]

LISTING_TEXT = "custody.listing"


# --- The dishonest-debtor list: who may not be listed -------------------------------------------------------


def age_on(party: Party, day: datetime.date) -> int | None:
    """The person's age in whole years on ``day`` from his resident identity number; None if it has none."""
    if party.kind != Party.Kind.PERSON or party.id_type != Party.IdType.RESIDENT_ID:
        return None
    try:
        born = birth_date_of(party.id_number.strip().upper())
    except IdentityError:
        return None
    return relativedelta(day, born).years


def _is_minor(party: Party, day: datetime.date) -> bool:
    age = age_on(party, day)
    return age is not None and age < ADULT_AGE


def _sealed_covers_claim(case: Case, party: Party) -> tuple[bool, str]:
    """Whether the measures in force cover a money claim, and the two amounts in words."""
    if case.claim_kind != Case.ClaimKind.MONEY or case.claim_amount is None:
        return False, ""
    sealed = selectors.sealed_amount(case, party.pk)
    words = _("%(sealed)s yuan under seal against a claim of %(claim)s yuan") % {
        "sealed": f"{sealed:.2f}",
        "claim": f"{case.claim_amount:.2f}",
    }
    return sealed >= case.claim_amount, words


def _check_day(case: Case, day: datetime.date, field: str, label: str) -> None:
    _not_in_future(day, field, label)
    if day < timezone.localdate(case.filed_at):
        raise ValidationError({field: _("%(what)s cannot be before the case was filed.") % {"what": label}})


@transaction.atomic
def refuse_listing(
    *, actor: User, case: Case, party: Party, reason: str, refused_on: datetime.date, detail: str = ""
) -> ListingRefusal:
    """The court decides not to list a respondent, for a reason the law gives; checked where it can be:
    the minor's age from his identity number, the property under seal against the claim."""
    locked = _lock_case(case)
    _check_judges(actor, locked)
    party = _respondent(locked, party)
    if reason not in ListingRefusal.Reason.values:
        raise ValidationError({"reason": _("Choose the reason the law gives.")})
    _check_day(locked, refused_on, "refused_on", _("The day of the decision"))
    if DishonestListing.objects.filter(party=party, status=DishonestListing.Status.LISTED).exists():
        raise ValidationError({"party": _("This respondent is on the list: remove the listing instead.")})
    detail = detail.strip()
    sealed = None
    if reason == ListingRefusal.Reason.MINOR:
        age = age_on(party, refused_on)
        if age is not None and age >= ADULT_AGE:
            raise ValidationError(
                {
                    "reason": _("By the identity number the respondent is %(age)d years old: not a minor.")
                    % {"age": age}
                }
            )
        if age is None:
            _required("detail", detail, _("Without a resident identity number, say what shows the age."))
    elif reason == ListingRefusal.Reason.PROPERTY_SEALED:
        covers, words = _sealed_covers_claim(locked, party)
        if not covers:
            raise ValidationError(
                {
                    "reason": _("The property under seal does not cover the claim (%(words)s).")
                    % {"words": words}
                }
                if words
                else {"reason": _("Only a money claim can be covered by property under seal.")}
            )
        sealed = selectors.sealed_amount(locked, party.pk)
        detail = detail or words
    else:
        _required("detail", detail, _("Say what shows the reason."))
    refusal = ListingRefusal.objects.create(
        case=locked,
        party=party,
        reason=reason,
        detail=detail,
        sealed_amount=sealed,
        refused_on=refused_on,
        recorded_by=actor,
    )
    record_event(
        case=locked,
        kind=CreditEvent.LISTING_REFUSED,
        actor=actor,
        public=False,
        detail=f"{party.name}：{refusal.get_reason_display()}",
        data={"refusal": refusal.pk},
    )
    return refusal


# --- Listing ------------------------------------------------------------------------------------------------


def _check_grounds(grounds: Sequence[str], serious_violence: bool) -> list[str]:
    chosen = list(dict.fromkeys(grounds))
    if not chosen:
        raise ValidationError({"grounds": _("Choose at least one ground of the rule.")})
    if any(g not in DishonestGround.values for g in chosen):
        raise ValidationError({"grounds": _("Choose the grounds among the six of the rule.")})
    if serious_violence and DishonestGround.OBSTRUCTS not in chosen:
        raise ValidationError(
            {"serious_violence": _("Serious violence or threats go with ground 2 (obstruction).")}
        )
    return chosen


def _check_service(listed_on: datetime.date, served_on: datetime.date | None, method: str) -> None:
    if served_on is None and not method:
        return
    if served_on is None or method not in ServiceMethod.values:
        raise ValidationError({"served_on": _("Give both the day and the method of service.")})
    _not_in_future(served_on, "served_on", _("The day of service"))
    if served_on < listed_on:
        raise ValidationError({"served_on": _("The decision cannot be served before it was made.")})


def _open_term(case: Case, listing: DishonestListing, actor: User | None, months: int | None) -> Deadline:
    return open_deadline(
        case=case,
        code=TERM_NODE,
        anchor_at=local_midnight(listing.listed_on),
        actor=actor,
        subject=listing,
        budget=months,
    )


def _term_node_months(case: Case) -> int:
    node = node_type_for(case.court, TERM_NODE)
    if node.unit != NodeType.Unit.MONTHS:
        raise ValidationError(_("The term of the list must be set in months (ask the administrator)."))
    return node.budget


@transaction.atomic
def list_debtor(
    *,
    actor: User,
    case: Case,
    party: Party,
    grounds: Sequence[str],
    conduct: str,
    decision_number: str,
    listed_on: datetime.date,
    serious_violence: bool = False,
    served_on: datetime.date | None = None,
    service_method: str = "",
) -> DishonestListing:
    """The judge puts a respondent on the list by a decision; its term clock starts (grounds 2 to 6)."""
    locked = _lock_case(case)
    _check_judges(actor, locked)
    _check_compulsory_allowed(locked)
    party = _respondent(locked, Party.objects.select_for_update().get(pk=party.pk))
    chosen = _check_grounds(grounds, serious_violence)
    what = _required("conduct", conduct, _("Describe the dishonest conduct, as it will be published."))
    number = _required("decision_number", decision_number, _("Give the number of the decision."))
    _check_day(locked, listed_on, "listed_on", _("The day of the listing"))
    _check_service(listed_on, served_on, service_method)
    if _is_minor(party, listed_on):
        raise ValidationError(
            {"party": _("The respondent is a minor and may not be listed: record a refusal instead.")}
        )
    if DishonestGround.ABLE_BUT_REFUSES in chosen:
        covers, words = _sealed_covers_claim(locked, party)
        if covers:
            raise ValidationError(
                {
                    "grounds": _(
                        "Ground 1 may not be used while property under seal covers the claim (%(words)s)."
                    )
                    % {"words": words}
                }
            )
    if DishonestListing.objects.filter(party=party, status=DishonestListing.Status.LISTED).exists():
        raise ValidationError({"party": _("This respondent is already on the list.")})
    has_term = any(g in TERM_GROUNDS for g in chosen)
    listing = DishonestListing.objects.create(
        case=locked,
        party=party,
        grounds=chosen,
        serious_violence=serious_violence,
        conduct=what,
        decision_number=number,
        listed_on=listed_on,
        served_on=served_on,
        service_method=service_method,
        term_months=_term_node_months(locked) if has_term else None,
        listed_by=actor,
    )
    if has_term:
        clock = _open_term(locked, listing, actor, None)
        listing.term_deadline, listing.term_ends_on = clock, clock.due_date
        listing.save(update_fields=["term_deadline", "term_ends_on"])
    record_event(
        case=locked,
        kind=CreditEvent.DEBTOR_LISTED,
        actor=actor,
        public=True,
        text_code=LISTING_TEXT,
        text_params={"decision": number},
        data={"listing": listing.pk, "grounds": chosen},
    )
    return listing


def _lock_listing(pk: int, *, open_only: bool = False) -> tuple[Case, DishonestListing]:
    case = _lock_case(DishonestListing.objects.select_related("case").get(pk=pk).case, open_only=open_only)
    locked = DishonestListing.objects.select_for_update().select_related("party").get(pk=pk)
    locked.case = case
    return case, locked


def _check_listed(listing: DishonestListing) -> None:
    if listing.status != DishonestListing.Status.LISTED:
        raise ValidationError(_("This listing has been removed."))


@transaction.atomic
def record_listing_service(
    *, actor: User, listing: DishonestListing, served_on: datetime.date, method: str
) -> DishonestListing:
    """The decision was served on the debtor (when, how): from then it is published."""
    case, locked = _lock_listing(listing.pk)
    _check_judges(actor, case)
    _check_listed(locked)
    if locked.served_on is not None:
        raise ValidationError(_("The service of this decision is already recorded."))
    _check_service(locked.listed_on, served_on, method)
    locked.served_on, locked.service_method = served_on, method
    locked.save(update_fields=["served_on", "service_method"])
    record_event(
        case=case,
        kind=CreditEvent.LISTING_SERVED,
        actor=actor,
        public=False,
        detail=f"{locked.party.name}：{locked.get_service_method_display()}",
        data={"listing": locked.pk, "served_on": served_on.isoformat()},
    )
    return locked


def may_extend(listing: DishonestListing) -> bool:
    """Art.2: violence or threats of a serious nature, or several grounds; once, on a running term."""
    several = len(listing.grounds) > 1
    return (
        listing.status == DishonestListing.Status.LISTED
        and listing.term_deadline_id is not None
        and listing.extension_years == 0
        and (listing.serious_violence or several)
    )


@transaction.atomic
def extend_listing(*, actor: User, listing: DishonestListing, years: int, reason: str) -> DishonestListing:
    """The term is extended by 1 to 3 years where the rule allows it; the clock is replaced by a longer one
    from the listing's day, so its explanation shows the whole term."""
    case, locked = _lock_listing(listing.pk)
    _check_judges(actor, case)
    _check_listed(locked)
    if not 1 <= years <= MAX_EXTENSION_YEARS:
        raise ValidationError({"years": _("An extension is of 1 to 3 years.")})
    why = _required("reason", reason, _("Give the reason for the extension."))
    if not may_extend(locked):
        raise ValidationError(
            _(
                "Only a listing with a term, not extended yet, for serious violence or threats or for "
                "several grounds, may be extended."
            )
        )
    clock = locked.term_deadline
    if clock is None or clock.status not in Deadline.ACTIVE or clock.due_at <= timezone.now():
        raise ValidationError(_("The term has already ended."))
    months = (locked.term_months or 0) + 12 * years
    cancel_deadline(case=case, code=TERM_NODE, actor=actor, subject=locked)
    new_clock = _open_term(case, locked, actor, months)
    locked.extension_years, locked.extension_reason, locked.term_months = years, why, months
    locked.term_deadline, locked.term_ends_on = new_clock, new_clock.due_date
    locked.save(
        update_fields=["extension_years", "extension_reason", "term_months", "term_deadline", "term_ends_on"]
    )
    record_event(
        case=case,
        kind=CreditEvent.LISTING_EXTENDED,
        actor=actor,
        public=True,
        text_code=LISTING_TEXT,
        text_params={"decision": locked.decision_number, "until": new_clock.due_date.isoformat()},
        detail=why,
        data={"listing": locked.pk, "years": years},
    )
    return locked


# --- Removal ------------------------------------------------------------------------------------------------


def _check_removal_ground(ground: str) -> None:
    if ground not in RECORDED_REMOVAL_GROUNDS:
        raise ValidationError({"ground": _("Choose a removal ground of the rule.")})


@transaction.atomic
def record_removal_ground(
    *, actor: User, listing: DishonestListing, ground: str, arose_on: datetime.date, note: str
) -> DishonestListing:
    """A ground for removal arose (full performance, ...): the 3-working-day removal clock starts from it."""
    case, locked = _lock_listing(listing.pk)
    _check_judges(actor, case)
    _check_listed(locked)
    if locked.removal_ground:
        raise ValidationError(_("A removal ground is already recorded: remove the listing."))
    _check_removal_ground(ground)
    what = _required("note", note, _("Say what shows the ground."))
    _not_in_future(arose_on, "arose_on", _("The day the ground arose"))
    if arose_on < locked.listed_on:
        raise ValidationError({"arose_on": _("The ground cannot arise before the listing.")})
    locked.removal_ground, locked.removal_ground_on, locked.removal_note = ground, arose_on, what
    locked.save(update_fields=["removal_ground", "removal_ground_on", "removal_note"])
    clock = open_deadline(
        case=case, code=REMOVAL_NODE, anchor_at=local_midnight(arose_on), actor=actor, subject=locked
    )
    record_event(
        case=case,
        kind=CreditEvent.LISTING_REMOVAL_GROUND,
        actor=actor,
        public=False,
        detail=f"{locked.party.name}：{locked.get_removal_ground_display()}。{what}",
        data={"listing": locked.pk, "due": clock.due_date.isoformat()},
    )
    return locked


def _mark_removed(
    case: Case,
    listing: DishonestListing,
    *,
    actor: User | None,
    removed_on: datetime.date,
    term_ended: bool = False,
) -> None:
    """What every removal does once the row is marked: its clocks and the timeline."""
    meet_deadline(case=case, code=REMOVAL_NODE, actor=actor, subject=listing)
    # The term ran out (met), or it will not run out because the listing ends first (cancelled).
    (meet_deadline if term_ended else cancel_deadline)(
        case=case, code=TERM_NODE, actor=actor, subject=listing
    )
    record_event(
        case=case,
        kind=CreditEvent.LISTING_REMOVED,
        actor=actor,
        public=True,
        text_code=LISTING_TEXT,
        text_params={"decision": listing.decision_number, "removal": listing.removal_ground},
        data={"listing": listing.pk, "removed_on": removed_on.isoformat()},
        changes={"status": (DishonestListing.Status.LISTED, DishonestListing.Status.REMOVED)},
    )


@transaction.atomic
def remove_listing(
    *,
    actor: User,
    listing: DishonestListing,
    ground: str = "",
    note: str = "",
    removed_on: datetime.date | None = None,
) -> DishonestListing:
    """Remove a listing at once: for the removal ground recorded before, or for ``ground`` given now (with
    ``note``, what shows it). Credit repair calls this with ``RemovalGround.CREDIT_REPAIR``. It leaves the
    published list at once and meets the removal clock."""
    case, locked = _lock_listing(listing.pk)
    _check_judges(actor, case)
    _check_listed(locked)
    day = removed_on or timezone.localdate()
    _not_in_future(day, "removed_on", _("The day of removal"))
    if day < locked.listed_on:
        raise ValidationError({"removed_on": _("A listing cannot be removed before it was made.")})
    if locked.removal_ground and ground and ground != locked.removal_ground:
        raise ValidationError({"ground": _("Another removal ground is already recorded.")})
    if not locked.removal_ground:
        _check_removal_ground(ground)
        locked.removal_ground = ground
        locked.removal_ground_on = day
        locked.removal_note = _required("note", note, _("Say what shows the ground."))
    elif note.strip():
        locked.removal_note = f"{locked.removal_note}\n{note.strip()}"
    locked.status = DishonestListing.Status.REMOVED
    locked.removed_on, locked.removed_at, locked.removed_by = day, timezone.now(), actor
    locked.save(
        update_fields=[
            "status",
            "removal_ground",
            "removal_ground_on",
            "removal_note",
            "removed_on",
            "removed_at",
            "removed_by",
        ]
    )
    _mark_removed(case, locked, actor=actor, removed_on=day)
    return locked


def remove_expired_listings(*, now: datetime.datetime | None = None) -> int:
    """Periodic: listings whose term is over (their clock's due time passed) are removed, once each.

    Idempotent and safe with several workers: each listing changes by a compare-and-set on its status, and
    only the worker whose update changed the row writes its clocks and its timeline event.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = DishonestListing.objects.filter(
        status=DishonestListing.Status.LISTED, term_deadline__due_at__lte=now
    )
    removed = 0
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            changed = DishonestListing.objects.filter(pk=pk, status=DishonestListing.Status.LISTED).update(
                status=DishonestListing.Status.REMOVED,
                # A ground recorded earlier (performance, ...) stays: it is why the removal clock runs.
                removal_ground=DbCase(
                    When(removal_ground="", then=Value(RemovalGround.TERM_ENDED)), default=F("removal_ground")
                ),
                removal_ground_on=Coalesce(F("removal_ground_on"), Value(today)),
                removed_on=today,
                removed_at=now,
                removed_by=None,
            )
            if not changed:
                continue  # another worker, or a person, got there first
            listing = DishonestListing.objects.select_related("case").get(pk=pk)
            listing.save(update_fields=["status"])  # the compare-and-set skipped the history: one row for it
            _mark_removed(listing.case, listing, actor=None, removed_on=today, term_ended=True)
            removed += 1
    return removed
