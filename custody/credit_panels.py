"""The credit sanctions' section of the case page (consumption restrictions, the dishonest-debtor list and
refusals to list) and of the supervisors' page (orders waiting for the president).

The flags below only decide which forms are shown; every action's service checks again.
"""

from typing import Any

from django.db.models import OuterRef
from django.http import HttpRequest
from django.utils import timezone

from enforcement import access
from enforcement.duedates import describe
from enforcement.models import Case, Deadline
from enforcement.panels import CasePanel, has, register, register_presence, register_supervision
from enforcement.services.deadlines import active_deadlines

from . import selectors, services
from .credit_forms import (
    CreditDecisionForm,
    CreditRepairForm,
    ExtensionForm,
    LiftForm,
    ListingForm,
    RefusalForm,
    RemovalForm,
    RemovalGroundForm,
    RestrictionForm,
    ServiceForm,
)
from .models import ConsumptionRestriction, DishonestListing, ListingRefusal

register_presence("custody_restrictions", lambda: ConsumptionRestriction.objects.filter(case=OuterRef("pk")))
register_presence("custody_listings", lambda: DishonestListing.objects.filter(case=OuterRef("pk")))
register_presence("custody_refusals", lambda: ListingRefusal.objects.filter(case=OuterRef("pk")))

SUPERVISION_LIMIT = 20


def _restriction_rows(
    request: HttpRequest, case: Case, credit: selectors.CaseCredit, judges: bool
) -> list[Any]:
    rows = []
    is_open = case.status != Case.Status.CLOSED
    for r in credit.restrictions:
        r.case = case  # the permission checks read the court from it
        rows.append(
            {
                "restriction": r,
                "persons": list(r.persons.all()),
                "may_decide": is_open
                and r.status == ConsumptionRestriction.Status.PROPOSED
                and services.may_decide_restriction(request.user, r),
                "may_lift": judges and r.status == ConsumptionRestriction.Status.APPROVED,
            }
        )
    return rows


def _listing_rows(case: Case, credit: selectors.CaseCredit, judges: bool) -> list[Any]:
    if not credit.listings:
        return []
    removal_clocks: dict[int, Deadline] = {
        d.subject_id: d
        for d in active_deadlines(case, services.REMOVAL_NODE).filter(subject_id__isnull=False)
        if d.subject_id is not None
    }
    rows = []
    for listing in credit.listings:
        listed = listing.status == DishonestListing.Status.LISTED
        term = listing.term_deadline
        removal = removal_clocks.get(listing.pk)
        rows.append(
            {
                "listing": listing,
                "grounds": listing.ground_labels(),
                "term_steps": [describe(s) for s in term.explanation] if term is not None else [],
                "removal_clock": removal,
                "removal_steps": [describe(s) for s in removal.explanation] if removal is not None else [],
                "may_serve": judges and listed and listing.served_on is None,
                "may_extend": judges and services.may_extend(listing),
                "may_record_ground": judges and listed and not listing.removal_ground,
                "may_remove": judges and listed,
            }
        )
    return rows


@register
def credit_panel(request: HttpRequest, case: Case) -> CasePanel:
    credit = selectors.case_credit(
        case,
        restrictions=has(request, case, "custody_restrictions"),
        listings=has(request, case, "custody_listings"),
        refusals=has(request, case, "custody_refusals"),
    )
    user = request.user
    is_open = case.status != Case.Status.CLOSED
    # Removal and lifting go on after the case closed (执行完毕 is a ground); listing needs an open case.
    judges = access.judges_case(user, case)
    respondents = case.respondents()
    restrictions = _restriction_rows(request, case, credit, judges)
    context = {
        "is_open": is_open,
        "judges": judges,
        "may_propose": judges and is_open and bool(respondents),
        "restrictions": restrictions,
        "listings": _listing_rows(case, credit, judges),
        "refusals": credit.refusals,
        "to_decide": sum(1 for row in restrictions if row["may_decide"]),
        "today": timezone.localdate(),
        "restriction_form": RestrictionForm(respondents=respondents, auto_id="restriction-%s"),
        "listing_form": ListingForm(respondents=respondents, auto_id="listing-%s"),
        "refusal_form": RefusalForm(respondents=respondents, auto_id="refusal-%s"),
        "decision_form": CreditDecisionForm(auto_id="credit-decision-%s"),
        "lift_form": LiftForm(auto_id=False),
        "service_form": ServiceForm(auto_id=False),
        "extension_form": ExtensionForm(auto_id=False),
        "ground_form": RemovalGroundForm(auto_id=False),
        "removal_form": RemovalForm(auto_id=False),
        "repair_form": CreditRepairForm(auto_id=False),
    }
    return CasePanel(template="custody/credit_panel.html", order=11, context=context)


@register_supervision
def credit_supervision(request: HttpRequest) -> CasePanel | None:
    """Consumption restrictions waiting for the president; None when there is none."""
    waiting = list(selectors.restrictions_awaiting_decision(request.user)[: SUPERVISION_LIMIT + 1])
    if not waiting:
        return None
    context = {"restrictions": waiting[:SUPERVISION_LIMIT], "more": len(waiting) > SUPERVISION_LIMIT}
    return CasePanel(template="custody/credit_supervision.html", order=11, context=context)
