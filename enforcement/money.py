"""Amounts of yuan as people type them and machines send them, read one way everywhere.

Intake (the claim and the preservation on the page and in the API), the money pages and API, and the
bank's notification all read amounts with ``parse_amount``, so they accept and refuse the same text:

* ASCII digits with an optional ``+`` and at most two decimal places (``12000.00``, ``12000``, ``0.5``);
* what a Chinese input method types in full-width mode is normalised: full-width digits, the
  full-width point ``．`` and the ideographic space (``１２０００．００`` reads 12000.00);
* digits grouped by thousands, with commas or spaces (``12,000.00``, ``12 000.00``; full-width
  ``，`` too), only if every group after the first has exactly three digits and one kind of separator
  is used. That reading is the only one at a Chinese counter, and a decimal comma cannot be meant: it
  would leave three decimal places;
* anything else is refused rather than guessed: ``12,00``, ``1 2 3``, ``12。00``, ``1e3``, ``NaN``,
  ``Infinity``, ``1_000``, other scripts' digits, a currency sign, a float, a negative or zero amount.

The largest amount is what the database column holds (``largest_amount(field)`` reads ``max_digits``
and ``decimal_places``), never a number written here.
"""

import re
from decimal import Context, Decimal, localcontext

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# Longer text is not an amount anyone typed; refused before it is looked at further.
MAX_TEXT_LENGTH = 64

_FULL_WIDTH_DIGITS = {chr(0xFF10 + digit): str(digit) for digit in range(10)}
_FULL_WIDTH = str.maketrans({**_FULL_WIDTH_DIGITS, "．": ".", "，": ",", "＋": "+", "－": "-", "\u3000": " "})
_PLAIN = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_GROUPED = {
    ",": re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"),
    " ": re.compile(r"[+-]?[0-9]{1,3}( [0-9]{3})+(\.[0-9]+)?"),
}
# Enough precision for any text parse_amount accepts, so no digit is ever rounded away.
_EXACT = Context(prec=MAX_TEXT_LENGTH + 4)

MESSAGES = {
    "amount_type": _('Send amounts as decimal strings, e.g. "12500.00".'),
    "amount": _("Enter an amount in yuan, e.g. 12500.00."),
    "amount_positive": _("The amount must be greater than zero."),
    "amount_places": _("An amount has at most two decimal places."),
}


def largest_amount(field: object) -> Decimal:
    """The largest amount a ``DecimalField`` holds (``Model._meta.get_field(name)``): 14 digits with 2
    places give 999999999999.99."""
    if not isinstance(field, models.DecimalField) or field.max_digits is None:
        raise TypeError(f"{field!r} is not a DecimalField with max_digits")
    places = field.decimal_places or 0
    return (Decimal(10) ** (field.max_digits - places) - Decimal(10) ** -places).quantize(
        Decimal(10) ** -places
    )


class AmountTooLarge(ValidationError):
    """An amount, or the balance it would make, larger than its column holds (code ``amount_max``).

    A ValidationError like any other (a form error, a 400 in the API); its own class lets the bank's
    notification tell finance about money it could not record."""


def too_large(largest: Decimal) -> AmountTooLarge:
    return AmountTooLarge(
        _("The amount is too large: at most %(largest)s yuan.") % {"largest": f"{largest:.2f}"},
        code="amount_max",
    )


def normalise_amount_text(text: str) -> str | None:
    """The amount as plain ASCII (``12000.00``), or None if it is not an amount read without guessing."""
    text = text.translate(_FULL_WIDTH).strip(" ")
    if _PLAIN.fullmatch(text):
        return text
    for separator, grouped in _GROUPED.items():
        if grouped.fullmatch(text):
            return text.replace(separator, "")
    return None


def parse_amount(raw: object, *, largest: Decimal | None) -> Decimal:
    """A positive amount of yuan with two places, from a string (or a JSON integer); never a float.

    ``largest`` is the column's limit (``largest_amount``); None leaves that check to the caller (the
    bank's notification: its service refuses an amount too large and tells finance). Raises a
    ``ValidationError`` whose code says what is wrong: amount_type, amount, amount_positive,
    amount_places or amount_max.
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValidationError(MESSAGES["amount_type"], code="amount_type")
    text = str(raw).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(MESSAGES["amount"], code="amount")
    plain = normalise_amount_text(text)
    if plain is None:
        raise ValidationError(MESSAGES["amount"], code="amount")
    with localcontext(_EXACT):
        amount = Decimal(plain)  # ASCII digits and at most one point: always a finite Decimal
        if amount <= 0:
            raise ValidationError(MESSAGES["amount_positive"], code="amount_positive")
        if amount != amount.quantize(CENT):
            raise ValidationError(MESSAGES["amount_places"], code="amount_places")
        amount = amount.quantize(CENT)
    if largest is not None and amount > largest:
        raise too_large(largest)
    return amount


def check_fits(amount: Decimal, largest: Decimal) -> None:
    """Refuse (amount_max) a value that the column would not hold, before anything is written."""
    if amount.copy_abs() > largest:
        raise too_large(largest)
