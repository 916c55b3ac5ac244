"""What every write of custody starts with: the case locked and checked, and who judges it."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.services import may_take_compulsory_measures
from enforcement import access
from enforcement.models import Case, Party


def _lock_case(case: Case, *, open_only: bool = True) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if open_only and locked.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed."))
    return locked


def _check_judges(actor: User, case: Case) -> None:
    access.require(
        access.judges_case(actor, case),
        _("Only the case's judge, or a judge or lead of its team, may do this."),
    )


def _check_compulsory_allowed(case: Case) -> None:
    if not may_take_compulsory_measures(case):
        raise ValidationError(
            _(
                "This complex case needs its risk assessment and enforcement plan "
                "before any compulsory measure."
            )
        )


def _not_in_future(day: datetime.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(what)s cannot be in the future.") % {"what": label}})


def _respondent(case: Case, party: Party) -> Party:
    if party.case_id != case.pk or party.role != Party.Role.RESPONDENT:
        raise ValidationError({"party": _("Choose a respondent of this case.")})
    return party


def _required(field: str, value: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()
