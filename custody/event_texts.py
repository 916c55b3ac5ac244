"""The words of the custody events on the case timeline (``enforcement.eventtexts``): measures by their
kind, detentions by their days, fines by their amount (text with two places), consumption restrictions by
their ruling and dishonest-debtor listings by their decision."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register

from .models import ConsumptionRestriction, Measure, RemovalGround

MEASURE = "custody.measure"  # taken, renewed or released: the event's kind says which
DETENTION_PROPOSED = "custody.detention_proposed"
DETENTION_APPROVED = "custody.detention_approved"
FINE_IMPOSED = "custody.fine_imposed"
RESTRICTION = "custody.restriction"  # issued or lifted: the event's kind says which
LISTING = "custody.listing"  # listed, extended or removed


@register(MEASURE)
def _measure(params: Mapping[str, Any]) -> str:
    return str(Measure.Kind(params["kind"]).label)


@register(DETENTION_PROPOSED)
def _detention_proposed(params: Mapping[str, Any]) -> str:
    # Private: the person's name is what the president decides on.
    return _("%(name)s, %(days)d days") % {"name": params["name"], "days": int(params["days"])}


@register(DETENTION_APPROVED)
def _detention_approved(params: Mapping[str, Any]) -> str:
    return _("Judicial detention of %(days)d days") % {"days": int(params["days"])}


@register(FINE_IMPOSED)
def _fine_imposed(params: Mapping[str, Any]) -> str:
    return _("Fine of %(amount)s yuan") % {"amount": params["amount"]}


@register(RESTRICTION)
def _restriction(params: Mapping[str, Any]) -> str:
    # No name: the public timeline masks other persons' names, and the ruling says enough.
    text = _("Ruling %(ruling)s") % {"ruling": params["ruling"]}
    reason = params.get("lift_reason")
    if reason in ConsumptionRestriction.LiftReason.values:
        text += _(" (lifted: %(reason)s)") % {"reason": ConsumptionRestriction.LiftReason(reason).label}
    return text


@register(LISTING)
def _listing(params: Mapping[str, Any]) -> str:
    text = _("Decision %(decision)s") % {"decision": params["decision"]}
    if params.get("until"):
        text += _(", listed until %(date)s") % {"date": params["until"]}
    removal = params.get("removal")
    if removal in RemovalGround.values:
        text += _(" (removed: %(ground)s)") % {"ground": RemovalGround(removal).label}
    return text
