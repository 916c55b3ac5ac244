"""The payments app's page on the supervision hub: how long the money in the case accounts has waited."""

from django.utils.translation import gettext_lazy as _

from enforcement import access, roles
from enforcement.supervision import SupervisionPage, register_page


def _oversees_money(user: roles.AnyUser) -> bool:
    return roles.has_role(user, *access.MONEY_OVERSEER_ROLES)


register_page(
    SupervisionPage(
        key="money-ageing",
        title=_("Money ageing"),
        description=_("Money held in case accounts by days since it arrived, per team and judge."),
        url_name="payments:ageing",
        order=25,
        shown_to=_oversees_money,
    )
)
