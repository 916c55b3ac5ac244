"""Rebalancing from the workload page: a team lead hands cases of an overloaded judge to another judge of
the same team, with one reason for them all. Each case goes through ``services.reassign_case`` in its own
transaction, so its permission check, its lock, the assignment's history and the timeline entry apply to
every case, and one refusal does not stop the rest."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement import access
from enforcement.models import Case, TeamMembership

from .services import BulkResult, reassign_case


def rebalance(*, actor: User, cases: Iterable[Case], judge: User, reason: str) -> BulkResult:
    """Reassign each case to ``judge``, a judge of the case's team, for ``reason``."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reassignment.")})
    teams = set(access.workload_teams(actor).values_list("pk", flat=True))
    judge_of = set(
        TeamMembership.objects.filter(user=judge, role=TeamMembership.Role.JUDGE).values_list(
            "team_id", flat=True
        )
    )
    result = BulkResult([], {})
    for case in cases:
        try:
            with transaction.atomic():
                # The team as it stands under the case's lock, not as the caller's copy remembers it.
                team_id = (
                    Case.objects.select_for_update(of=("self",))
                    .values_list("team_id", flat=True)
                    .get(pk=case.pk)
                )
                if team_id not in teams:
                    raise PermissionDenied(_("This case is not on a team whose workload you follow."))
                if team_id not in judge_of:
                    raise ValidationError({"judge": _("The new judge is not a judge of the case's team.")})
                result.assigned.append(reassign_case(actor=actor, case=case, judge=judge, reason=reason))
        except (ValidationError, PermissionDenied) as error:
            result.refused[case.pk] = (
                " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
    return result
