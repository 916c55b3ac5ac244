from typing import Any

from django.http import HttpRequest

from . import roles


def user_roles(request: HttpRequest) -> dict[str, Any]:
    """The user's roles, for templates that show or hide actions (views and services still check)."""
    user = getattr(request, "user", None)
    held = roles.roles_of(user) if user is not None else frozenset()
    return {
        "user_roles": held,
        "can_file": bool(held & roles.FILING_ROLES) or getattr(user, "is_superuser", False),
    }
