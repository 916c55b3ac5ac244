"""How amounts of money are shown."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    """Two decimals with thousands separators, as courts print amounts (125,000.50) in every language."""
    if amount is None:
        return ""
    return f"{amount:,.2f}"
