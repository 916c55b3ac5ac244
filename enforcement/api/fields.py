"""The API's shared fields: the one money field, aware date-times and ids. Every app's serializers use
these, so an amount, a time or an id reads and is refused the same way everywhere."""

from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.models import Case
from enforcement.money import largest_amount, parse_amount

MAX_ID = 2**63 - 1  # ids beyond a bigint are refused here, not by the database
# Every money column is a DecimalField of 14 digits with 2 places: 999,999,999,999.99.
LARGEST_MONEY = largest_amount(Case._meta.get_field("claim_amount"))


def id_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^-?\d{1,12}(\.\d{1,2})?$", "example": "1250.00"}
)
class MoneyField(serializers.Field):
    """The one money field of the API: an amount of yuan as a decimal string with two places ("1250.00").

    Read by ``enforcement.money.parse_amount``: positive, full-width digits normalised, anything
    ambiguous refused. JSON numbers are refused, whole or not, so no amount ever passes through a
    float and every client sends amounts one way. At most ``largest``, what the money columns hold
    (None leaves that check to the service). ``signed=True`` is for amounts as the ledger states them,
    read only: money out is negative.
    """

    def __init__(
        self, *, largest: Decimal | None = LARGEST_MONEY, signed: bool = False, **kwargs: Any
    ) -> None:
        self.largest = largest
        if signed:
            kwargs["read_only"] = True
        super().__init__(**kwargs)

    default_error_messages = {
        "not_a_string": _('Send amounts as decimal strings, e.g. "1250.00"; numbers are not accepted.'),
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return parse_amount(data, largest=self.largest)

    def to_representation(self, value: Decimal) -> str:
        return f"{value:.2f}"


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its UTC offset; a time without one is refused, not guessed."""

    default_error_messages = {
        "naive": _('Give the time with its UTC offset, e.g. "2026-03-02T10:15:00+08:00".'),
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)
