"""The words of the custody events on the case timeline (``enforcement.eventtexts``): measures by their
kind, detentions by their days, fines by their amount (text with two places)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register

from .models import Measure

MEASURE = "custody.measure"  # taken, renewed or released: the event's kind says which
DETENTION_PROPOSED = "custody.detention_proposed"
DETENTION_APPROVED = "custody.detention_approved"
FINE_IMPOSED = "custody.fine_imposed"


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
