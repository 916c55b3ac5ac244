"""The supervision hub: the pages a supervisor, president, team lead or finance officer runs the center from.

Each app registers its pages here in its ``AppConfig.ready`` (the core imports no app): a title, a line
saying what the page answers, the URL name, and who sees the link (one of the predicates of
``enforcement.access`` or ``roles``). The hub page and the home page's panel list the pages the user may
open; the pages check access again themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import roles
from .panels import CasePanel, register_home

# Who has a hub at all: the roles that supervise work or money.
HUB_ROLES = (roles.SUPERVISOR, roles.PRESIDENT, roles.TEAM_LEAD, roles.FINANCE)


@dataclass(frozen=True)
class SupervisionPage:
    key: str
    title: str | Promise
    description: str | Promise
    url_name: str
    order: int
    shown_to: Callable[[roles.AnyUser], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_pages: dict[str, SupervisionPage] = {}


def register_page(page: SupervisionPage) -> SupervisionPage:
    # Keyed, so an app's ready() running twice (tests, autoreload) does not list a page twice.
    _pages[page.key] = page
    return page


def pages_for(user: roles.AnyUser) -> list[SupervisionPage]:
    if not user.is_authenticated:
        return []
    return sorted((p for p in _pages.values() if p.shown_to(user)), key=lambda p: (p.order, p.key))


def has_hub(user: roles.AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, *HUB_ROLES))


def _supervisors(user: roles.AnyUser) -> bool:
    return user.is_superuser or roles.has_role(user, roles.SUPERVISOR, roles.PRESIDENT, roles.TEAM_LEAD)


def _reviewers(user: roles.AnyUser) -> bool:
    return roles.has_role(user, roles.SUPERVISOR, roles.PRESIDENT)


def _indicator_readers(user: roles.AnyUser) -> bool:
    return user.is_superuser or roles.has_role(user, *HUB_ROLES)


register_page(
    SupervisionPage(
        key="indicators",
        title=_("Indicators"),
        description=_("The 3+1 and the other figures per court, team, judge and month, with their trends."),
        url_name="indicators",
        order=10,
        shown_to=_indicator_readers,
    )
)
register_page(
    SupervisionPage(
        key="alerts",
        title=_("Alerts"),
        description=_("Deadlines nearing and overdue, by node, team and judge; acknowledge them."),
        url_name="supervisor-alerts",
        order=40,
        shown_to=_supervisors,
    )
)
register_page(
    SupervisionPage(
        key="closure-reviews",
        title=_("Closure reviews"),
        description=_("终本 and 终结执行 closures waiting for their review."),
        url_name="closure-reviews",
        order=60,
        shown_to=_reviewers,
    )
)


@register_home
def supervision_home(request: HttpRequest) -> CasePanel | None:
    """Supervisors land on their pages, not on a list of recent cases."""
    pages = pages_for(request.user) if has_hub(request.user) else []
    if not pages:
        return None
    return CasePanel(template="enforcement/_supervision_home.html", order=1, context={"pages": pages})
