"""How staff are named, on pages and in the API alike: the one place names are put together."""

import re

from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser

_CJK = re.compile(r"[\u3400-\u9fff]")


def display_name(user: AbstractUser | AbstractBaseUser | AnonymousUser | None) -> str:
    """Chinese names family name first and without a space (王芳); others as "First Last"; else the login."""
    if user is None:
        return ""
    first = str(getattr(user, "first_name", "")).strip()
    last = str(getattr(user, "last_name", "")).strip()
    if not (first or last):
        return str(user.get_username())
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def display_name_or_none(user: AbstractUser | AbstractBaseUser | None) -> str | None:
    """The API's form: null where there is nobody (a step no one took yet)."""
    return display_name(user) if user is not None else None
