"""Reads of custody for the pages, the API and the supervisors' lists; the objects a user reaches, fetched
here for the pages and the API alike."""

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from enforcement import roles
from enforcement.models import Case
from enforcement.selectors import cases_visible_to, one_of_cases
from payments.models import LedgerEntry

from .models import DeductionReceipt, Detention, Fine, Measure, MeasureTerm, PropertySearch, SearchInquiry

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


def case_custody(case: Case) -> CaseCustody:
    """Everything custody holds for one case, each list newest first, in a fixed number of queries."""
    searches = list(
        PropertySearch.objects.filter(case=case)
        .select_related("requested_by")
        .prefetch_related(
            Prefetch(
                "inquiries",
                queryset=SearchInquiry.objects.prefetch_related("assets__measure", "assets__owner"),
            )
        )
    )
    measures = list(
        Measure.objects.filter(case=case)
        .select_related("owner", "recorded_by")
        .prefetch_related(
            Prefetch("terms", queryset=MeasureTerm.objects.select_related("deadline")),
            Prefetch("receipts", queryset=DeductionReceipt.objects.select_related("entry")),
        )
        .order_by("-effective_on", "-id")
    )
    detentions = list(
        Detention.objects.filter(case=case).select_related("proposed_by", "decided_by", "party")
    )
    fines = list(Fine.objects.filter(case=case).select_related("proposed_by", "decided_by", "party"))
    return CaseCustody(searches, measures, detentions, fines)


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
