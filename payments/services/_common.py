"""Who may handle a case's money, and the name comparison payers and payees share."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Case


def _require_case_worker(actor: User, case: Case) -> None:
    access.require(
        access.judges_case(actor, case), _("Only the case's judge and its team's judges may do this.")
    )


def _require_finance(actor: User, court_id: int | None) -> None:
    allowed = roles.has_role(actor, roles.FINANCE) and (
        court_id is None or court_id in roles.court_ids_of(actor)
    )
    if not allowed:
        raise PermissionDenied(_("Only the court's finance officers handle money."))


def _normalize_name(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")
