"""The 终本 conditions custody's records answer (``enforcement.closure.register_requirement``, registered in
``CustodyConfig.ready``): each check says what it found, as evidence when met and as what is missing when not.

- ``consumption_restricted``: an order in force on each respondent (ruling number and date named).
- ``dishonest_listed``: each respondent is on the list, or a refusal with its lawful reason is recorded.
- ``online_search_answered``: an online search was made and every institution asked has replied.
- ``obstruction_dealt_with``: a fine or a detention was decided on the case. Without one the system
  cannot tell "no obstruction" from "obstruction left unpunished", so the judge records what was done
  (the requirement row accepts recorded evidence).

The closing service calls these under the case's lock; every custody writer locks the case first, so
nothing read here changes before the closure commits.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.closure import Finding, register_requirement
from enforcement.models import Case, ClosureRequirement, Party

from .models import (
    ConsumptionRestriction,
    Detention,
    DishonestListing,
    Fine,
    ListingRefusal,
    PropertySearch,
    SearchInquiry,
)

SEPARATOR = "；"


def _url(case: Case, tab: str) -> str:
    return reverse("case-detail", args=[case.pk]) + f"?custody={tab}#custody-{tab}"


def _respondents(case: Case) -> list[Party]:
    return list(Party.objects.filter(case=case, role=Party.Role.RESPONDENT).order_by("position", "pk"))


def _no_respondent() -> Finding:
    return Finding(False, _("The case has no respondent."))


def consumption_restricted(case: Case, requirement: ClosureRequirement) -> Finding:
    respondents = _respondents(case)
    if not respondents:
        return _no_respondent()
    in_force = {
        r.party_id: r
        for r in ConsumptionRestriction.objects.filter(
            case=case, status=ConsumptionRestriction.Status.APPROVED
        ).order_by("decided_at", "pk")
    }
    found, missing = [], []
    for party in respondents:
        order = in_force.get(party.pk)
        if order is None or order.decided_at is None:
            missing.append(party.name)
            continue
        found.append(
            _("%(name)s: ruling %(ruling)s, issued on %(date)s")
            % {
                "name": party.name,
                "ruling": order.ruling_number,
                "date": timezone.localdate(order.decided_at).isoformat(),
            }
        )
    url = _url(case, "credit")
    if missing:
        return Finding(
            False,
            _("No consumption restriction in force on: %(names)s.") % {"names": "、".join(missing)},
            url,
        )
    return Finding(True, SEPARATOR.join(found), url)


def dishonest_listed(case: Case, requirement: ClosureRequirement) -> Finding:
    respondents = _respondents(case)
    if not respondents:
        return _no_respondent()
    listings = {
        row.party_id: row
        for row in DishonestListing.objects.filter(case=case, status=DishonestListing.Status.LISTED)
    }
    refusals: dict[int, ListingRefusal] = {}
    for refusal in ListingRefusal.objects.filter(case=case).order_by("refused_on", "pk"):
        refusals[refusal.party_id] = refusal  # the latest one speaks
    found: list[str] = []
    missing: list[str] = []
    for party in respondents:
        listing, latest = listings.get(party.pk), refusals.get(party.pk)
        if listing is not None:
            found.append(
                _("%(name)s: listed by decision %(decision)s on %(date)s")
                % {
                    "name": party.name,
                    "decision": listing.decision_number,
                    "date": listing.listed_on.isoformat(),
                }
            )
        elif latest is not None:
            found.append(
                _("%(name)s: not listed (%(reason)s), decided on %(date)s")
                % {
                    "name": party.name,
                    "reason": latest.get_reason_display(),
                    "date": latest.refused_on.isoformat(),
                }
            )
        else:
            missing.append(party.name)
    url = _url(case, "credit")
    if missing:
        return Finding(
            False,
            _("Neither listed nor a refusal to list recorded: %(names)s.") % {"names": "、".join(missing)},
            url,
        )
    return Finding(True, SEPARATOR.join(found), url)


def online_search_answered(case: Case, requirement: ClosureRequirement) -> Finding:
    url = _url(case, "searches")
    searches = list(PropertySearch.objects.filter(case=case).order_by("requested_on", "pk"))
    if not searches:
        return Finding(False, _("No online property search has been made."), url)
    inquiries = list(SearchInquiry.objects.filter(search__case=case).order_by("search_id", "pk"))
    pending = [i.institution for i in inquiries if i.reply == SearchInquiry.Reply.PENDING]
    if pending:
        return Finding(
            False, _("Still waiting for the reply of: %(names)s.") % {"names": "、".join(pending)}, url
        )
    if not inquiries:
        return Finding(False, _("The online search asked no institution."), url)
    found = sum(1 for i in inquiries if i.reply == SearchInquiry.Reply.FOUND)
    return Finding(
        True,
        _(
            "Online searches made: %(searches)d, the last on %(date)s; institutions asked: %(asked)d, "
            "all replied (property found by %(found)d)."
        )
        % {
            "searches": len(searches),
            "date": searches[-1].requested_on.isoformat(),
            "asked": len(inquiries),
            "found": found,
        },
        url,
    )


def obstruction_dealt_with(case: Case, requirement: ClosureRequirement) -> Finding:
    url = _url(case, "detentions")
    decided = (Detention.Status.APPROVED, Detention.Status.RELEASED)
    rows = [
        _("detention of %(name)s, %(days)d days (decision %(decision)s)")
        % {"name": d.person_name, "days": d.days, "decision": d.decision_number}
        for d in Detention.objects.filter(case=case, status__in=decided).order_by("decided_at", "pk")
    ] + [
        _("fine of %(amount)s yuan on %(name)s (decision %(decision)s)")
        % {"name": f.person_name, "amount": f"{f.amount:.2f}", "decision": f.decision_number}
        for f in Fine.objects.filter(case=case, status=Fine.Status.APPROVED).order_by("decided_at", "pk")
    ]
    if rows:
        return Finding(True, _("Obstruction punished: %(what)s.") % {"what": SEPARATOR.join(rows)}, url)
    return Finding(
        False,
        _(
            "No fine or detention was decided on this case. If there was obstruction, punish it; if there "
            "was none, or it was dealt with otherwise, record what was done with a note or a document."
        ),
        url,
    )


register_requirement(ClosureRequirement.Kind.CONSUMPTION_RESTRICTED, consumption_restricted)
register_requirement(ClosureRequirement.Kind.DISHONEST_LISTED, dishonest_listed)
register_requirement(ClosureRequirement.Kind.ONLINE_SEARCH_ANSWERED, online_search_answered)
register_requirement(ClosureRequirement.Kind.OBSTRUCTION_DEALT_WITH, obstruction_dealt_with)
