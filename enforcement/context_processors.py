from typing import Any

from django.http import HttpRequest

from . import roles
from .selectors.alerts import unread_count


def user_roles(request: HttpRequest) -> dict[str, Any]:
    """The user's roles, for templates that show or hide actions (views and services still check)."""
    user = getattr(request, "user", None)
    held = roles.roles_of(user) if user is not None else frozenset()
    return {
        "user_roles": held,
        "user_role_labels": [roles.ROLE_LABELS[r] for r in roles.ALL_ROLES if r in held],
        "can_file": bool(held & roles.FILING_ROLES) or getattr(user, "is_superuser", False),
        # One COUNT on the partial index of unread items, for the inbox badge in the header.
        "unread_inbox": unread_count(user) if user is not None else 0,
    }
