"""Writes of triage and assignment, and the judge's steps on a case.

Every write checks who acts, locks what it changes, re-checks, writes the timeline and, where a legal
step is finished, meets its deadline through the deadline engine.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access, roles
from enforcement.models import Alert, Case, CaseEvent, Team, TeamMembership
from enforcement.services.deadlines import meet_deadline, open_deadline
from enforcement.services.events import record_event

from . import reasons
from .candidates import Candidate, absent_on, open_loads, recused_from, teams_for_stream, weigh_judges
from .models import Assignment, CaseNote, CasePlan, TriageDecision
from .triage import DEFAULT_STREAM, facts_of, first_rule_that_holds, rules_for

ASSIGNING_ROLES = (roles.TEAM_LEAD, roles.SUPERVISOR)
# Deadlines the judge's receiving the file starts (法发〔2006〕35号 Art. 4 and 5).
ON_ASSIGNMENT = ("enforcement_notice", "ask_leads")
ONLINE_SEARCH = "online_search"


def _check(actor: User, case: Case, allowed: Iterable[str], message: str) -> None:
    access.require(roles.has_court_role(actor, case.court_id, *allowed), message)


def _open_case(case: Case) -> Case:
    # of=("self",): lock the case row only, not the court it joins (that would serialise a whole court).
    locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if locked.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed."))
    return locked


# --- Triage ---------------------------------------------------------------------------------------------


@transaction.atomic
def triage_case(*, actor: User | None, case: Case) -> TriageDecision:
    """Sort the case into a stream by the first rule that holds on its facts; the decision keeps both."""
    if actor is not None:
        _check(actor, case, ASSIGNING_ROLES, _("Only the court's team leads and supervisors triage cases."))
    locked = _open_case(case)
    latest = current_decision(locked)
    if latest is not None and latest.override_stream:
        raise ValidationError(
            _("A supervisor overrode the triage of this case; only a new override changes it.")
        )
    facts = facts_of(locked)
    rule = first_rule_that_holds(rules_for(locked), facts)
    stream = rule.stream if rule else DEFAULT_STREAM
    decision = TriageDecision.objects.create(
        case=locked, rule=rule, rule_stream=stream, facts=facts, decided_by=actor
    )
    locked.stream = stream
    locked.save(update_fields=["stream", "updated_at"])
    record_event(
        case=locked,
        kind=CaseEvent.Kind.TRIAGED,
        actor=actor,
        public=False,
        detail=rule.name if rule else "",
        data={"stream": stream, "rule": rule.pk if rule else None},
    )
    return decision


@transaction.atomic
def override_triage(*, actor: User, decision: TriageDecision, stream: str, reason: str) -> TriageDecision:
    """A supervisor puts the case in the other stream, with a reason; the rule's decision stays on record."""
    _check(actor, decision.case, (roles.SUPERVISOR,), _("Only a supervisor of the court overrides triage."))
    if stream not in (Case.Stream.SIMPLE, Case.Stream.COMPLEX):
        raise ValidationError({"stream": _("Choose the simple or the complex stream.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the override.")})
    locked = TriageDecision.objects.select_for_update().get(pk=decision.pk)
    case = _open_case(locked.case)
    stream_before = case.stream
    locked.override_stream, locked.override_reason = stream, reason.strip()
    locked.overridden_by, locked.overridden_at = actor, timezone.now()
    locked.save(update_fields=["override_stream", "override_reason", "overridden_by", "overridden_at"])
    case.stream = stream
    case.save(update_fields=["stream", "updated_at"])
    record_event(
        case=case,
        kind=CaseEvent.Kind.TRIAGE_OVERRIDDEN,
        actor=actor,
        public=False,
        detail=reason.strip(),
        data={"stream": stream},
        changes={"stream": (stream_before, stream)},
    )
    return locked


def current_decision(case: Case) -> TriageDecision | None:
    return case.triage_decisions.select_related("rule", "overridden_by").first()


# --- Assigning --------------------------------------------------------------------------------------------


def assign_case(*, actor: User, case: Case, judge: User | None = None) -> Assignment:
    """Give the case a team and a responsible judge: by load (no judge given) or by hand.

    An untriaged case is triaged first, in its own transaction, so the triage stays even when no judge
    can take the case. The teams of the stream are then locked while the judge is chosen, so concurrent
    assignments see each other's loads and no judge is filled past his capacity.
    """
    _check(actor, case, ASSIGNING_ROLES, _("Only the court's team leads and supervisors assign cases."))
    if not Case.objects.filter(pk=case.pk).exclude(stream="").exists():
        triage_case(actor=actor, case=case)
    return _assign(actor, case, judge)


@transaction.atomic
def _assign(actor: User, case: Case, judge: User | None) -> Assignment:
    locked = _open_case(case)
    if Assignment.objects.filter(case=locked, ended_at__isnull=True).exists():
        raise ValidationError(_("The case already has a responsible judge; reassign it instead."))
    teams = list(
        Team.objects.select_for_update()
        .filter(pk__in=[t.pk for t in teams_for_stream(locked, locked.stream)])
        .order_by("pk")
    )
    if not teams:
        raise ValidationError(
            _("The court has no active team for the %(stream)s.") % {"stream": locked.get_stream_display()}
        )
    if judge:
        chosen = _by_hand(locked, judge)
        why = reasons.by_hand(reasons.BY_HAND, chosen, stream=locked.stream)
    else:
        chosen, why = _by_load(locked, teams)
    method = Assignment.Method.MANUAL if judge else Assignment.Method.AUTOMATIC
    return _give(locked, chosen, actor, method, "", why)


def _by_load(case: Case, teams: list[Team]) -> tuple[Candidate, dict[str, object]]:
    field = weigh_judges(case, teams, timezone.localdate())
    if not field.candidates:
        raise ValidationError(
            _("No judge can take the case: every judge of the stream's teams is absent, recused or full.")
        )
    return field.candidates[0], reasons.by_load(field, stream=case.stream)


def _by_hand(case: Case, judge: User) -> Candidate:
    membership = (
        TeamMembership.objects.filter(
            team__court_id=case.court_id, team__is_active=True, user=judge, role=TeamMembership.Role.JUDGE
        )
        .select_related("team")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ValidationError({"judge": _("This person is not a judge of a team of the court.")})
    if judge.pk in recused_from(case, [judge.pk]):
        raise ValidationError({"judge": _("This judge is recused from a party of the case.")})
    if judge.pk in absent_on(timezone.localdate(), [judge.pk]):
        raise ValidationError({"judge": _("This judge is on leave today.")})
    return Candidate(membership.team, judge, open_loads([judge.pk]).get(judge.pk, 0), membership.capacity)


def _give(
    case: Case, chosen: Candidate, actor: User, method: str, reason: str, why: dict[str, object]
) -> Assignment:
    now = timezone.now()
    first = not case.assignments.exists()
    assignment = Assignment.objects.create(
        case=case,
        team=chosen.team,
        judge=chosen.judge,
        method=method,
        reason=reason,
        why_chosen=why,
        assigned_by=actor,
        assigned_at=now,
    )
    before = {"team": case.team_id, "judge": case.responsible_judge_id}
    case.team, case.responsible_judge = chosen.team, chosen.judge
    case.save(update_fields=["team", "responsible_judge", "updated_at"])
    # Open alerts follow the case to its new team and judge (the supervisor page filters by them).
    Alert.objects.filter(case=case, resolved_at__isnull=True).update(team=chosen.team, judge=chosen.judge)
    kind = CaseEvent.Kind.ASSIGNED if method != Assignment.Method.REASSIGNED else CaseEvent.Kind.REASSIGNED
    record_event(
        case=case,
        kind=kind,
        actor=actor,
        public=True,
        text_code="assignment.team",
        text_params={"team": chosen.team.name},
        data={"team": chosen.team.pk, "judge": chosen.judge.pk, "method": method},
        changes={"team": (before["team"], chosen.team.pk), "judge": (before["judge"], chosen.judge.pk)},
    )
    if first:
        meet_deadline(case=case, code="assign_judge", actor=actor)
        for code in ON_ASSIGNMENT:
            open_deadline(case=case, code=code, anchor_at=now, actor=actor)
        # The online search is due a local number of days from filing (RULES.md); the judge who now has
        # the file runs it, and the first search recorded meets it (custody.services.request_search).
        open_deadline(case=case, code=ONLINE_SEARCH, anchor_at=case.filed_at, actor=actor)
    return assignment


@transaction.atomic
def reassign_case(*, actor: User, case: Case, judge: User, reason: str) -> Assignment:
    """Hand the case to another judge, with the reason; the earlier assignment stays on record."""
    _check(actor, case, ASSIGNING_ROLES, _("Only the court's team leads and supervisors reassign cases."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reassignment.")})
    locked = _open_case(case)
    current = Assignment.objects.select_for_update().filter(case=locked, ended_at__isnull=True).first()
    if current is None:
        raise ValidationError(_("The case has no responsible judge yet; assign it first."))
    if current.judge_id == judge.pk:
        raise ValidationError({"judge": _("This judge already has the case.")})
    chosen = _by_hand(locked, judge)
    current.ended_at = timezone.now()
    current.save(update_fields=["ended_at"])
    why = reasons.by_hand(reasons.REASSIGNED, chosen, stream=locked.stream)
    return _give(locked, chosen, actor, Assignment.Method.REASSIGNED, reason.strip(), why)


@dataclass(frozen=True)
class BulkResult:
    assigned: list[Assignment]
    refused: dict[int, str]  # case id → why


def bulk_assign(*, actor: User, cases: Iterable[Case]) -> BulkResult:
    """Assign several cases by load, each in its own transaction: one refusal does not stop the rest."""
    assigned: list[Assignment] = []
    refused: dict[int, str] = {}
    for case in cases:
        try:
            assigned.append(assign_case(actor=actor, case=case))
        except (ValidationError, PermissionDenied) as error:
            refused[case.pk] = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return BulkResult(assigned, refused)


# --- The judge's work on the case -------------------------------------------------------------------------


def _check_case_worker(actor: User, case: Case) -> None:
    """The case's responsible judge and team work it; the court's supervisors follow it."""
    access.require(
        access.works_or_oversees_case(actor, case),
        _("Only the case's judge, its team and supervisors work on it."),
    )


@transaction.atomic
def record_plan(*, actor: User, case: Case, risk_assessment: str, enforcement_plan: str) -> CasePlan:
    if not risk_assessment.strip() or not enforcement_plan.strip():
        raise ValidationError(_("Both the risk assessment and the enforcement plan are required."))
    locked = _open_case(case)
    _check_case_worker(actor, locked)
    plan, _created = CasePlan.objects.update_or_create(
        case=locked,
        defaults={
            "risk_assessment": risk_assessment.strip(),
            "enforcement_plan": enforcement_plan.strip(),
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    record_event(case=locked, kind=CaseEvent.Kind.PLAN_RECORDED, actor=actor, public=False)
    return plan


def may_take_compulsory_measures(case: Case) -> bool:
    """A complex case needs its risk assessment and plan before any compulsory measure."""
    return case.stream != Case.Stream.COMPLEX or CasePlan.objects.filter(case=case).exists()


class Step:
    NOTICE_SERVED = CaseEvent.Kind.NOTICE_SERVED
    REPORT_ORDER_SERVED = CaseEvent.Kind.REPORT_ORDER_SERVED
    LEADS_REQUESTED = CaseEvent.Kind.LEADS_REQUESTED
    ONLINE_SEARCH_STARTED = CaseEvent.Kind.ONLINE_SEARCH_STARTED
    ONLINE_SEARCH_RESULTS = CaseEvent.Kind.ONLINE_SEARCH_RESULTS
    LEAD_VERIFIED = CaseEvent.Kind.LEAD_VERIFIED


# step → (public on the timeline, detail required, deadline codes the step meets)
STEPS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    Step.NOTICE_SERVED: (True, False, ()),
    Step.REPORT_ORDER_SERVED: (True, False, ()),
    Step.LEADS_REQUESTED: (True, False, ("ask_leads",)),
    Step.ONLINE_SEARCH_STARTED: (False, False, ("online_search",)),
    Step.ONLINE_SEARCH_RESULTS: (False, True, ()),
    Step.LEAD_VERIFIED: (False, True, ("verify_lead", "verify_lead_urgent")),
}
# The enforcement notice and the property-report order are sent together: the node is met by both.
NOTICE_AND_ORDER = (Step.NOTICE_SERVED, Step.REPORT_ORDER_SERVED)


@transaction.atomic
def record_step(*, actor: User, case: Case, step: str, detail: str = "") -> CaseEvent:
    """A step of the work is done: on the timeline, and its deadline met."""
    if step not in STEPS:
        raise ValidationError({"step": _("Unknown step.")})
    public, needs_detail, meets = STEPS[step]
    if needs_detail and not detail.strip():
        raise ValidationError({"detail": _("Describe what was found or verified.")})
    locked = _open_case(case)
    _check_case_worker(actor, locked)  # on the locked row: the case may have been reassigned meanwhile
    event = record_event(case=locked, kind=step, actor=actor, public=public, detail=detail.strip())
    for code in meets:
        meet_deadline(case=locked, code=code, actor=actor)
    done = set(locked.events.filter(kind__in=NOTICE_AND_ORDER).values_list("kind", flat=True))
    if step in NOTICE_AND_ORDER and done == set(NOTICE_AND_ORDER):
        meet_deadline(case=locked, code="enforcement_notice", actor=actor)
    return event


@transaction.atomic
def add_note(*, actor: User, case: Case, text: str) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    locked = _open_case(case)
    _check_case_worker(actor, locked)
    note = CaseNote.objects.create(case=locked, author=actor, text=text.strip())
    record_event(
        case=locked, kind=CaseEvent.Kind.NOTE_ADDED, actor=actor, public=False, detail=text.strip()[:200]
    )
    return note
