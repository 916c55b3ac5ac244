"""Role groups and the checks every view, API class and service uses to decide who may do what.

Roles are Django groups, named by the slugs below; a user's courts come from CourtMembership.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
JUDGE = "judge"
ASSISTANT = "assistant"
TEAM_LEAD = "team_lead"
SUPERVISOR = "supervisor"
PRESIDENT = "president"
FINANCE = "finance"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    CLERK: _("Window clerk"),
    JUDGE: _("Judge"),
    ASSISTANT: _("Judge's assistant"),
    TEAM_LEAD: _("Team lead"),
    SUPERVISOR: _("Supervisor"),
    PRESIDENT: _("Court president or vice-president"),
    FINANCE: _("Finance officer"),
    ADMINISTRATOR: _("Administrator"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Roles that may file cases at the window.
FILING_ROLES = frozenset({CLERK, ADMINISTRATOR})

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[str]:
    """The user's role slugs, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, "_role_cache", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(roles_of(user).intersection(roles))


def court_ids_of(user: AnyUser) -> frozenset[int]:
    """Ids of the courts the user is a member of, cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_court_cache", None)
    if cached is None:
        cached = frozenset(user.court_memberships.values_list("court_id", flat=True))
        setattr(user, "_court_cache", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def acting_user(user: AnyUser) -> User:
    """The signed-in user who acts; views call this after login is required, so others never get here."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def has_court_role(user: AnyUser, court_id: int, *allowed: str) -> bool:
    """The user holds one of the roles and belongs to the court: the test most writes begin with."""
    return has_role(user, *allowed) and court_id in court_ids_of(user)


def require_court_role(user: AnyUser, court_id: int, *allowed: str, message: str) -> None:
    if not has_court_role(user, court_id, *allowed):
        raise PermissionDenied(message)
