"""Who may handle a case's money, and the name comparison payers and payees share."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from enforcement import roles
from enforcement.models import Case
from enforcement.selectors import judges_the_case


def works_on_case(actor: roles.AnyUser, case: Case) -> bool:
    """The responsible judge and the judges and lead of the case's team."""
    return roles.has_court_role(actor, case.court_id, roles.JUDGE, roles.TEAM_LEAD) and judges_the_case(
        actor, case
    )


def _require_case_worker(actor: User, case: Case) -> None:
    if not works_on_case(actor, case):
        raise PermissionDenied(_("Only the case's judge and its team's judges may do this."))


def _require_finance(actor: User, court_id: int | None) -> None:
    allowed = roles.has_role(actor, roles.FINANCE) and (
        court_id is None or court_id in roles.court_ids_of(actor)
    )
    if not allowed:
        raise PermissionDenied(_("Only the court's finance officers handle money."))


def _normalize_name(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")
