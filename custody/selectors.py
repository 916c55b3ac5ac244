"""Reads of custody for the pages, the API and the supervisors' lists; the objects a user reaches, fetched
here for the pages and the API alike."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import roles
from enforcement.models import Case, Court, Party
from enforcement.selectors import cases_visible_to, one_of_cases
from payments.models import LedgerEntry

from .models import (
    ConsumptionRestriction,
    DeductionReceipt,
    Detention,
    DishonestListing,
    Fine,
    ListingRefusal,
    Measure,
    MeasureTerm,
    PropertySearch,
    RestrictedPerson,
    SearchInquiry,
)

DEFAULT_EXPIRY_WINDOW_DAYS = 30
M = TypeVar("M", bound=Model)
MAX_EXPIRY_WINDOW_DAYS = 366


def of_visible_case(user: roles.AnyUser, model: type[M], pk: int) -> M:
    """A measure, detention or fine of a case the user sees, or 404 (outsiders learn nothing)."""
    return one_of_cases(model, pk, cases_visible_to(user))


def inquiry_of_visible_case(user: roles.AnyUser, pk: int) -> SearchInquiry:
    return one_of_cases(SearchInquiry, pk, cases_visible_to(user), case_path="search__case")


@dataclass(frozen=True)
class CaseCustody:
    searches: list[PropertySearch]
    measures: list[Measure]
    detentions: list[Detention]
    fines: list[Fine]


def case_custody(
    case: Case,
    *,
    searches: bool = True,
    measures: bool = True,
    detentions: bool = True,
    fines: bool = True,
    receipts: bool = True,
) -> CaseCustody:
    """Everything custody holds for one case, each list newest first, in a fixed number of queries. A False
    flag says the case has none of that kind (the case page asked once): that table is not read."""
    return CaseCustody(
        _searches(case) if searches else [],
        _measures(case, receipts=receipts) if measures else [],
        list(Detention.objects.filter(case=case).select_related("proposed_by", "decided_by", "party"))
        if detentions
        else [],
        list(Fine.objects.filter(case=case).select_related("proposed_by", "decided_by", "party"))
        if fines
        else [],
    )


def _searches(case: Case) -> list[PropertySearch]:
    return list(
        PropertySearch.objects.filter(case=case)
        .select_related("requested_by")
        .prefetch_related(
            Prefetch(
                "inquiries",
                queryset=SearchInquiry.objects.prefetch_related("assets__measure", "assets__owner"),
            )
        )
    )


def _measures(case: Case, *, receipts: bool) -> list[Measure]:
    loads: list[Prefetch[Any]] = [Prefetch("terms", queryset=MeasureTerm.objects.select_related("deadline"))]
    if receipts:
        loads.append(Prefetch("receipts", queryset=DeductionReceipt.objects.select_related("entry")))
    else:  # no deduction brought money in: each measure's receipts are known to be none, without a query
        loads.append(Prefetch("receipts", queryset=DeductionReceipt.objects.none()))
    return list(
        Measure.objects.filter(case=case)
        .select_related("owner", "recorded_by")
        .prefetch_related(*loads)
        .order_by("-effective_on", "-id")
    )


def visible_measures(user: roles.AnyUser) -> QuerySet[Measure]:
    return Measure.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case__court", "case__team", "case__responsible_judge"
    )


def expiring_measures(
    user: roles.AnyUser, *, days: int = DEFAULT_EXPIRY_WINDOW_DAYS, today: datetime.date | None = None
) -> QuerySet[Measure]:
    """Measures in force whose term ends within ``days`` days from today (today included), soonest first."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=days)
    return (
        visible_measures(user)
        .filter(status=Measure.Status.IN_FORCE, expires_on__gte=today, expires_on__lte=until)
        .order_by("expires_on", "id")
    )


def lapsed_measures(user: roles.AnyUser, *, today: datetime.date | None = None) -> QuerySet[Measure]:
    """Measures whose term ended without a renewal and that were not released since, most recent first:
    those flagged lapsed, and those past their last day that the hourly job has not flagged yet."""
    today = today or timezone.localdate()
    ended = Q(status=Measure.Status.LAPSED) | Q(status=Measure.Status.IN_FORCE, expires_on__lt=today)
    return visible_measures(user).filter(ended).order_by("-expires_on", "-id")


def detentions_in_custody(user: roles.AnyUser, *, today: datetime.date | None = None) -> QuerySet[Detention]:
    """Detentions under way: approved, not released early, before their release date."""
    today = today or timezone.localdate()
    return (
        Detention.objects.filter(
            case__in=cases_visible_to(user), status=Detention.Status.APPROVED, release_on__gt=today
        )
        .select_related("case__court", "case__responsible_judge")
        .order_by("release_on", "id")
    )


def detentions_awaiting_decision(user: roles.AnyUser) -> QuerySet[Detention]:
    return (
        Detention.objects.filter(case__in=cases_visible_to(user), status=Detention.Status.PROPOSED)
        .select_related("case__court", "proposed_by")
        .order_by("proposed_at", "id")
    )


def fines_awaiting_decision(user: roles.AnyUser) -> QuerySet[Fine]:
    return (
        Fine.objects.filter(case__in=cases_visible_to(user), status=Fine.Status.PROPOSED)
        .select_related("case__court", "proposed_by")
        .order_by("proposed_at", "id")
    )


def linkable_receipts(case: Case) -> QuerySet[LedgerEntry]:
    """Money received in the case account that is neither reversed nor linked to a deduction yet."""
    return (
        LedgerEntry.objects.filter(account__case=case, kind=LedgerEntry.Kind.RECEIVED)
        .filter(~Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))))
        .filter(~Exists(DeductionReceipt.objects.filter(entry=OuterRef("pk"))))
        .order_by("-booked_at", "-id")
    )


# --- Credit sanctions ---------------------------------------------------------------------------------------


def sealed_amount(case: Case, party_id: int | None = None) -> Decimal:
    """What the measures in force on the case hold, in yuan: of the party's property, or of property
    whose owner is not recorded (a measure of the case is taken on a respondent's property)."""
    measures = Measure.objects.filter(case=case, status=Measure.Status.IN_FORCE, amount__isnull=False)
    if party_id is not None:
        measures = measures.filter(Q(owner_id=party_id) | Q(owner__isnull=True))
    total = measures.aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


@dataclass(frozen=True)
class CaseCredit:
    restrictions: list[ConsumptionRestriction]
    listings: list[DishonestListing]
    refusals: list[ListingRefusal]


def case_credit(
    case: Case, *, restrictions: bool = True, listings: bool = True, refusals: bool = True
) -> CaseCredit:
    """The case's consumption restrictions (with the persons they bind), listings and refusals to list,
    newest first, in a fixed number of queries. A False flag says the case has none of that kind: that
    table is not read."""
    return CaseCredit(
        list(
            ConsumptionRestriction.objects.filter(case=case)
            .select_related("party", "proposed_by", "decided_by", "lifted_by")
            .prefetch_related(Prefetch("persons", queryset=RestrictedPerson.objects.order_by("pk")))
        )
        if restrictions
        else [],
        list(
            DishonestListing.objects.filter(case=case).select_related(
                "party", "listed_by", "removed_by", "term_deadline"
            )
        )
        if listings
        else [],
        list(ListingRefusal.objects.filter(case=case).select_related("party", "recorded_by"))
        if refusals
        else [],
    )


def restrictions_awaiting_decision(user: roles.AnyUser) -> QuerySet[ConsumptionRestriction]:
    return (
        ConsumptionRestriction.objects.filter(
            case__in=cases_visible_to(user), status=ConsumptionRestriction.Status.PROPOSED
        )
        .select_related("case__court", "party", "proposed_by")
        .order_by("proposed_at", "id")
    )


# --- What a party reads on his progress page ----------------------------------------------------------------


@dataclass(frozen=True)
class RestrictionForParty:
    party_id: int
    party_name: str
    party_kind: str
    ruling_number: str
    issued_on: datetime.date
    in_force: bool
    status_label: str
    lifted_on: datetime.date | None
    lift_reason: str  # its label, in the active language; "" while in force


@dataclass(frozen=True)
class ListingForParty:
    party_id: int
    party_name: str
    party_kind: str
    decision_number: str
    listed_on: datetime.date
    grounds: list[str]  # labels
    term_ends_on: datetime.date | None  # None: no fixed term
    current: bool
    removed_on: datetime.date | None
    removal: str  # the removal ground's label; "" while listed


@dataclass(frozen=True)
class CreditForProgress:
    restrictions: list[RestrictionForParty]
    listings: list[ListingForParty]

    def __bool__(self) -> bool:
        return bool(self.restrictions or self.listings)


def credit_for_progress(case: Case | int) -> CreditForProgress:
    """The credit sanctions of a case as its parties may see them: orders issued (in force or lifted) and
    listings (current or removed), with the respondent's id, name and kind for the portal to mask. Nothing
    proposed or refused, no refusal to list, no notes, no identity number of anyone; two queries."""
    case_id = case if isinstance(case, int) else case.pk
    restrictions = [
        RestrictionForParty(
            party_id=r.party_id,
            party_name=r.party.name,
            party_kind=r.party.kind,
            ruling_number=r.ruling_number,
            issued_on=timezone.localdate(r.decided_at),
            in_force=r.status == ConsumptionRestriction.Status.APPROVED,
            status_label=str(r.get_status_display()),
            lifted_on=r.lifted_on,
            lift_reason=str(r.get_lift_reason_display()) if r.lift_reason else "",
        )
        for r in ConsumptionRestriction.objects.filter(
            case_id=case_id,
            status__in=(ConsumptionRestriction.Status.APPROVED, ConsumptionRestriction.Status.LIFTED),
            decided_at__isnull=False,
        )
        .select_related("party")
        .order_by("-decided_at", "-pk")
    ]
    listings = [
        ListingForParty(
            party_id=row.party_id,
            party_name=row.party.name,
            party_kind=row.party.kind,
            decision_number=row.decision_number,
            listed_on=row.listed_on,
            grounds=row.ground_labels(),
            term_ends_on=row.term_ends_on,
            current=row.status == DishonestListing.Status.LISTED,
            removed_on=row.removed_on,
            removal=str(row.get_removal_ground_display())
            if row.status == DishonestListing.Status.REMOVED
            else "",
        )
        for row in DishonestListing.objects.filter(case_id=case_id)
        .select_related("party")
        .order_by("-listed_on", "-pk")
    ]
    return CreditForProgress(restrictions, listings)


# --- The court's published list -----------------------------------------------------------------------------

# Resident identity numbers as courts publish them: the first 6 (the area) and the last 4 characters kept,
# the 8 of the birth date masked; the age is published beside it. Other documents (passports, permits):
# only the last 4 kept. A unified social credit code identifies an organisation publicly and is shown whole.
RESIDENT_ID_KEPT = (6, 4)
OTHER_ID_KEPT_AT_END = 4


def masked_id_number(number: str, id_type: str) -> str:
    number = number.strip()
    if not number or id_type == Party.IdType.USCC:
        return number
    if id_type == Party.IdType.RESIDENT_ID and len(number) == 18:
        head, tail = RESIDENT_ID_KEPT
        return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]
    if len(number) <= OTHER_ID_KEPT_AT_END:
        return "*" * len(number)
    return "*" * (len(number) - OTHER_ID_KEPT_AT_END) + number[-OTHER_ID_KEPT_AT_END:]


def _sex_and_birth(party: Party) -> tuple[str, datetime.date | None]:
    """From an 18-character resident identity number: the 17th digit is odd for a man; the birth date."""
    number = party.id_number.strip()
    if party.id_type != Party.IdType.RESIDENT_ID or len(number) != 18 or not number[:17].isdigit():
        return "", None
    sex = _("Male") if int(number[16]) % 2 else _("Female")
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return sex, None
    return sex, born


def _age(born: datetime.date | None, today: datetime.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class PublishedListing:
    """One entry of the published list: only what the rule lets a court publish."""

    pk: int
    is_person: bool
    name: str
    sex: str
    age: int | None
    id_number: str  # masked for a person
    legal_representative: str
    obligation: str
    performance: str
    conduct: str
    grounds: list[str]
    title_court: str
    title_number: str
    case_number: str
    filed_on: datetime.date
    court: str
    listed_on: datetime.date
    decision_number: str


def published_listings(court: Court | None = None) -> QuerySet[DishonestListing]:
    """Current listings whose decision was served, newest first (the partial index ``listing_current``):
    a removed listing leaves the list at once."""
    rows = DishonestListing.objects.filter(status=DishonestListing.Status.LISTED, served_on__isnull=False)
    if court is not None:
        rows = rows.filter(case__court=court)
    return rows.select_related("party", "case__court").order_by("-listed_on", "-id")


def _received(case_ids: list[int]) -> dict[int, Decimal]:
    """Money received in each case's account and not reversed: how far the obligation was performed."""
    rows = (
        LedgerEntry.objects.filter(account__case_id__in=case_ids, kind=LedgerEntry.Kind.RECEIVED)
        .filter(~Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))))
        .values("account__case_id")
        .annotate(total=Sum("amount"))
    )
    return {row["account__case_id"]: row["total"] for row in rows}


def _obligation(case: Case) -> str:
    if case.claim_kind == Case.ClaimKind.MONEY and case.claim_amount is not None:
        text = _("Pay %(amount)s yuan") % {"amount": f"{case.claim_amount:.2f}"}
        return f"{text}（{case.claim_description}）" if case.claim_description.strip() else text
    return case.claim_description.strip() or str(case.get_claim_kind_display())


def _performance(case: Case, received: Decimal | None) -> str:
    if case.claim_kind != Case.ClaimKind.MONEY:
        return _("Not performed")
    if not received:
        return _("Not performed")
    return _("Partly performed: %(amount)s yuan received") % {"amount": f"{received:.2f}"}


def published_entries(
    listings: list[DishonestListing], *, today: datetime.date | None = None
) -> list[PublishedListing]:
    """The rows of one page of the published list, in one more query (the money received)."""
    today = today or timezone.localdate()
    received = _received([row.case_id for row in listings])
    entries = []
    for row in listings:
        party, case = row.party, row.case
        is_person = party.kind == Party.Kind.PERSON
        sex, born = _sex_and_birth(party) if is_person else ("", None)
        entries.append(
            PublishedListing(
                pk=row.pk,
                is_person=is_person,
                name=party.name,
                sex=sex,
                age=_age(born, today),
                id_number=masked_id_number(party.id_number, party.id_type),
                legal_representative="" if is_person else party.legal_representative,
                obligation=_obligation(case),
                performance=_performance(case, received.get(case.pk)),
                conduct=row.conduct,
                grounds=row.ground_labels(),
                title_court=case.title_court_name,
                title_number=case.title_case_number,
                case_number=case.number,
                filed_on=timezone.localdate(case.filed_at),
                court=case.court.name,
                listed_on=row.listed_on,
                decision_number=row.decision_number,
            )
        )
    return entries


def courts_publishing() -> QuerySet[Court]:
    """Courts with at least one published listing, for the public page's choice of court."""
    return Court.objects.filter(
        Exists(published_listings().filter(case__court=OuterRef("pk")).order_by())
    ).order_by("code")
