"""The assignment section of the case page, which is the judge's workbench: stream, judge, plan, steps, notes.

Everything it shows is read in a fixed number of queries, whatever the number of events, notes or
assignments of the case.
"""

from django.db.models import Max, OuterRef
from django.http import HttpRequest

from enforcement import roles
from enforcement.models import Case, CaseEvent, TeamMembership
from enforcement.panels import CasePanel, has, register, register_presence

from . import services
from .forms import NoteForm, OverrideForm, PlanForm, ReassignForm
from .models import CaseNote, CasePlan
from .triage import describe_decision
from .views import judge_options

register_presence("assignment_plan", lambda: CasePlan.objects.filter(case=OuterRef("pk")))
register_presence("assignment_notes", lambda: CaseNote.objects.filter(case=OuterRef("pk")))


def _in_court(request: HttpRequest, case: Case, *allowed: str) -> bool:
    user = request.user
    return user.is_superuser or roles.has_court_role(user, case.court_id, *allowed)


def _works_on(request: HttpRequest, case: Case) -> bool:
    """Mirrors the services' check, to show the worker's forms; the services check again."""
    user = request.user
    if case.responsible_judge_id == user.pk or _in_court(request, case, roles.SUPERVISOR):
        return True
    if not case.team_id:
        return False
    return TeamMembership.objects.filter(team_id=case.team_id, user_id=user.pk or 0).exists()


def _steps(case: Case) -> list[dict[str, object]]:
    done = dict(
        case.events.filter(kind__in=list(services.STEPS))
        .values_list("kind")
        .annotate(last=Max("occurred_at"))
        .order_by()
    )
    return [
        {"code": code, "label": CaseEvent.Kind(code).label, "needs_detail": needs, "done_at": done.get(code)}
        for code, (_public, needs, _meets) in services.STEPS.items()
    ]


@register
def assignment_panel(request: HttpRequest, case: Case) -> CasePanel:
    decision = services.current_decision(case)
    plan = (
        CasePlan.objects.filter(case=case).select_related("recorded_by").first()
        if has(request, case, "assignment_plan")
        else None
    )
    assignments = list(case.assignments.select_related("team", "judge", "assigned_by"))
    can_assign = _in_court(request, case, *services.ASSIGNING_ROLES)
    is_open = case.status != Case.Status.CLOSED
    works_on = is_open and _works_on(request, case)
    context = {
        "decision": decision,
        "decision_text": describe_decision(decision) if decision else "",
        "can_override": is_open and decision is not None and _in_court(request, case, roles.SUPERVISOR),
        "override_form": OverrideForm(initial={"stream": case.stream}),
        "can_assign": is_open and can_assign,
        "current": next((a for a in assignments if a.ended_at is None), None),
        "assignments": assignments,
        "reassign_form": ReassignForm(),
        "judges": judge_options({case.court_id}).get(case.court_id, []) if is_open and can_assign else [],
        "needs_plan": case.stream == Case.Stream.COMPLEX,
        "plan": plan,
        "works_on": works_on,
        "plan_form": PlanForm(
            initial={"risk_assessment": plan.risk_assessment, "enforcement_plan": plan.enforcement_plan}
            if plan
            else None
        ),
        "steps": _steps(case) if case.responsible_judge_id else [],
        "notes": list(case.notes.select_related("author")) if has(request, case, "assignment_notes") else [],
        "note_form": NoteForm(),
    }
    return CasePanel(template="assignment/panel.html", order=5, context=context)
