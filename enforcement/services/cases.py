"""Writes on the case itself."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import closure as closure_rules
from .. import roles
from ..eventtexts import CASE_CLOSED
from ..models import Case, CaseEvent, ClosureProposal
from .deadlines import end_case_deadlines
from .events import record_event

CLOSING_ROLES = (roles.JUDGE, roles.TEAM_LEAD, roles.SUPERVISOR)
# Modes a second person approves (the head of enforcement or a supervisor), never the proposer.
REVIEWED_CLOSURES = frozenset({Case.Closure.TERMINATED_THIS_ROUND, Case.Closure.TERMINATED})
# Modes decided by a ruling (裁定) whose number is recorded; 终结执行 also names its ground.
RULING_CLOSURES = frozenset(
    {
        Case.Closure.TERMINATED_THIS_ROUND,
        Case.Closure.TERMINATED,
        Case.Closure.NOT_ENFORCED,
        Case.Closure.DISMISSED,
    }
)
GROUND_CLOSURES = frozenset({Case.Closure.TERMINATED})


def check_mode_inputs(closure: str, ground: str, ruling_number: str) -> None:
    """What a mode needs from the user: a known mode, its ruling's number, 终结执行's ground."""
    if closure not in Case.Closure.values:
        raise ValidationError({"closure": _("Choose how the case closes.")})
    errors = {}
    if closure in GROUND_CLOSURES and ground not in Case.TerminationGround.values:
        errors["ground"] = _("Name the ground of termination.")
    if closure not in GROUND_CLOSURES and ground:
        errors["ground"] = _("Only 终结执行 names a ground of termination.")
    if closure in RULING_CLOSURES and not ruling_number.strip():
        errors["ruling_number"] = _("Give the number of the ruling.")
    if len(ruling_number.strip()) > RULING_NUMBER_LENGTH:
        errors["ruling_number"] = _("At most %(max)d characters.") % {"max": RULING_NUMBER_LENGTH}
    if errors:
        raise ValidationError(errors)


RULING_NUMBER_LENGTH = 60


def may_close(actor: roles.AnyUser, case: Case) -> bool:
    return roles.has_court_role(actor, case.court_id, *CLOSING_ROLES)


def require_closer(actor: roles.AnyUser, case: Case) -> None:
    roles.require_court_role(
        actor,
        case.court_id,
        *CLOSING_ROLES,
        message=_("Only the court's judges, team leads and supervisors close cases."),
    )


def close_case(
    *,
    actor: User,
    case: Case,
    closure: str,
    note: str = "",
    confirm_steps: bool = False,
    ground: str = "",
    ruling_number: str = "",
    reviewed: ClosureProposal | None = None,
) -> Case:
    """Close a case with one of the legal closure modes, losing nothing on the way.

    In one transaction under the case's lock: refuse while anything is left on the case (money, payouts,
    a detention: ``enforcement.closure`` blockers), while the mode's requirements are not met, or while
    the mode has steps the user has not confirmed (``confirm_steps``: 执行完毕 releases the measures in
    force); then do those steps, close the case, meet its whole-case limits (late if past due) and cancel
    the clocks of steps no longer to be taken (clocks that outlive the case run on), and write the
    timeline. Any refusal or failure on the way leaves everything as it was.

    终本 and 终结执行 close only through their approved review (``closure_review.approve_closure`` passes
    ``reviewed``); a mode decided by a ruling records its number, 终结执行 its ground.
    """
    if reviewed is None:  # an approved review was authorised by its reviewer's role (closure_review)
        require_closer(actor, case)
    check_mode_inputs(closure, ground, ruling_number)
    if closure in REVIEWED_CLOSURES and (reviewed is None or reviewed.case_id != case.pk):
        raise ValidationError(
            {"closure": _("This way of closing is proposed by the judge and approved by a second person.")}
        )
    with transaction.atomic():
        # of=self: the case row only. Every writer of custody locks the case first as well, so a measure
        # or detention cannot appear between the check and the commit; the money blockers lock the
        # case account, which every money write locks first.
        locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
        if locked.status == Case.Status.CLOSED:
            raise ValidationError(_("The case is already closed."))
        refuse_if_anything_is_left(locked, closure, confirm_steps=confirm_steps)
        closure_rules.perform_steps(actor, locked, closure)
        status_before = locked.status
        locked.status, locked.closure, locked.closure_note = Case.Status.CLOSED, closure, note.strip()
        locked.closure_ground, locked.closure_ruling_number = ground, ruling_number.strip()
        locked.closed_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "closure",
                "closure_note",
                "closure_ground",
                "closure_ruling_number",
                "closed_at",
                "updated_at",
            ]
        )
        met, cancelled = end_case_deadlines(case=locked, actor=actor)
        record_event(
            case=locked,
            kind=CaseEvent.Kind.CASE_CLOSED,
            actor=actor,
            public=True,
            text_code=CASE_CLOSED,
            text_params={"closure": closure},
            data={
                "closure": closure,
                "limits_met": [d.node_type.code for d in met if not d.met_late],
                "limits_met_late": [d.node_type.code for d in met if d.met_late],
                "clocks_cancelled": len(cancelled),
                "ground": ground,
                "ruling_number": locked.closure_ruling_number,
                "reviewed_by": reviewed.decided_by_id if reviewed is not None else None,
                "proposal": reviewed.pk if reviewed is not None else None,
            },
            changes={"status": (status_before, locked.status)},
        )
    return locked


def refuse_if_anything_is_left(case: Case, closure: str, *, confirm_steps: bool) -> None:
    """One refusal naming everything at once: what is left, what the mode lacks, what needs confirming."""
    errors: dict[str, list[str]] = {}
    left = closure_rules.blockers_for(case, lock=True)
    if left:
        errors["left_on_case"] = [item.message for item in left]
    missing = closure_rules.missing_for(case, closure)
    if missing:
        errors["closure"] = [item.message for item in missing]
    steps = closure_rules.steps_for(case, closure)
    if steps and not confirm_steps:
        errors["confirm_steps"] = [
            _("Closing this way also does the following; confirm it to close: %(steps)s")
            % {"steps": "; ".join(item.message for item in steps)}
        ]
    if errors:
        raise ValidationError(errors)
