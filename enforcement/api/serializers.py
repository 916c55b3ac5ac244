"""Serializer helpers shared by every app's API."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.money import parse_amount


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^\d{1,12}(\.\d{1,2})?$", "example": "1250.00"}
)
class MoneyField(serializers.Field):
    """The one money field of the API: a positive amount of yuan as a decimal string ("1250.00"), read by
    ``enforcement.money.parse_amount`` (full-width digits normalised, anything ambiguous refused).

    JSON numbers are refused, so no amount ever passes through a float. ``largest`` is what the column the
    amount goes to holds (``enforcement.money.largest_amount``); None leaves that check to the service.
    """

    default_error_messages = {
        "not_a_string": _('Send amounts as decimal strings, e.g. "1250.00"; numbers are not accepted.'),
    }

    def __init__(self, *, largest: Decimal | None, **kwargs: Any) -> None:
        self.largest = largest
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return parse_amount(data, largest=self.largest)

    def to_representation(self, value: Decimal) -> str:
        return f"{value:.2f}"
