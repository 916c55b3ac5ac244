"""The words of the money events on the case timeline (``enforcement.eventtexts``): amounts are stored
as text with two places ("12000.00") and put into words in the reader's language."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register

from .models import LedgerEntry, PayoutHold

MONEY_RECEIVED = "payments.money_received"
MONEY_PAID = "payments.money_paid"
PAYOUT_PROPOSED = "payments.payout_proposed"
MONEY_ADJUSTED = "payments.money_adjusted"
PAYOUT_HELD = "payments.payout_held"


@register(MONEY_RECEIVED)
def _money_received(params: Mapping[str, Any]) -> str:
    return _("%(amount)s yuan received") % {"amount": params["amount"]}


@register(MONEY_PAID)
def _money_paid(params: Mapping[str, Any]) -> str:
    return _("%(amount)s yuan paid to the applicant") % {"amount": params["amount"]}


@register(PAYOUT_PROPOSED)
def _payout_proposed(params: Mapping[str, Any]) -> str:
    return _("%(amount)s yuan") % {"amount": params["amount"]}


@register(MONEY_ADJUSTED)
def _money_adjusted(params: Mapping[str, Any]) -> str:
    return f"{LedgerEntry.Kind(params['kind']).label} {params['amount']}"


@register(PAYOUT_HELD)
def _payout_held(params: Mapping[str, Any]) -> str:
    return str(PayoutHold.Reason(params["reason"]).label)
