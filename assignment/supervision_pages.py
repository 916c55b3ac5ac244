"""The assignment app's pages on the supervision hub: the teams' workload and the case-limit forecast."""

from django.utils.translation import gettext_lazy as _

from enforcement import access, roles
from enforcement.supervision import SupervisionPage, register_page


def _follows_teams(user: roles.AnyUser) -> bool:
    return roles.has_role(user, *access.WORKLOAD_COURT_ROLES, roles.TEAM_LEAD)


register_page(
    SupervisionPage(
        key="workload",
        title=_("Workload"),
        description=_(
            "Open, received and closed cases, capacity and overdue items per team and judge; rebalance."
        ),
        url_name="assignment:workload",
        order=20,
        shown_to=_follows_teams,
    )
)
register_page(
    SupervisionPage(
        key="forecast",
        title=_("Forecast"),
        description=_("The cases likely to pass their case limit in the next 30 and 60 days, per team."),
        url_name="assignment:forecast",
        order=30,
        shown_to=_follows_teams,
    )
)
