"""How people's names are shown."""

import re

from django import template
from django.contrib.auth.models import AbstractUser

register = template.Library()
_CJK = re.compile(r"[\u3400-\u9fff]")


@register.filter
def display_name(user: AbstractUser | None) -> str:
    """Chinese names family name first and without a space (王芳); others as "First Last"; else the login."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
