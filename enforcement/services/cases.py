"""Writes on the case itself."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..models import Case, CaseEvent
from .deadlines import cancel_case_deadlines
from .events import record_event

CLOSING_ROLES = (roles.JUDGE, roles.TEAM_LEAD, roles.SUPERVISOR)


@transaction.atomic
def close_case(*, actor: User, case: Case, closure: str, note: str = "") -> Case:
    """Close a case with one of the legal closure modes; every clock still running on it is cancelled."""
    roles.require_court_role(
        actor,
        case.court_id,
        *CLOSING_ROLES,
        message=_("Only the court's judges, team leads and supervisors close cases."),
    )
    if closure not in Case.Closure.values:
        raise ValidationError({"closure": _("Choose how the case closes.")})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is already closed."))
    locked.status, locked.closure, locked.closure_note = Case.Status.CLOSED, closure, note.strip()
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closure", "closure_note", "closed_at", "updated_at"])
    cancel_case_deadlines(case=locked, actor=actor)
    record_event(
        case=locked,
        kind=CaseEvent.Kind.CASE_CLOSED,
        actor=actor,
        public=True,
        detail=locked.get_closure_display(),
        data={"closure": closure},
    )
    return locked
