"""Pages of triage and assignment: the triage desk, the judges' queue, and the actions of the case panel.

Each action checks the input, calls one service and goes back with a message; the services decide who
may act. Cases are fetched through permission-checked helpers, so outsiders get a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement import roles
from enforcement.feedback import attempt, form_errors_text, refusal_text
from enforcement.models import Case, CaseEvent, TeamMembership
from enforcement.people import display_name
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user
from enforcement.views.deadlines import run_and_return_to_case

from . import services
from .forms import (
    AssignForm,
    BulkAssignForm,
    NoteForm,
    OverrideForm,
    PlanForm,
    QueueFilterForm,
    ReassignForm,
    StepForm,
    TriageForm,
)
from .models import Assignment, TriageDecision
from .selectors import awaiting_assignment, queue_cases, queue_counts
from .triage import describe_decision

PAGE_SIZE = 25
QUEUE_ROLES = (roles.JUDGE, roles.ASSISTANT, roles.TEAM_LEAD)


# --- Triage desk ------------------------------------------------------------------------------------------


def _may_assign(user: roles.AnyUser) -> bool:
    return user.is_superuser or roles.has_role(user, *services.ASSIGNING_ROLES)


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    if not _may_assign(request.user):
        raise PermissionDenied
    page = Paginator(awaiting_assignment(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    decisions = latest_decisions(cases)
    options = judge_options({c.court_id for c in cases})
    rows = [
        {
            "case": case,
            "decision": describe_decision(decisions[case.pk]) if case.pk in decisions else "",
            "judges": options.get(case.court_id, []),
        }
        for case in cases
    ]
    return render(request, "assignment/desk.html", {"page": page, "rows": rows})


def latest_decisions(cases: list[Case]) -> dict[int, TriageDecision]:
    """The current triage decision of each case, in one query."""
    found: dict[int, TriageDecision] = {}
    decisions = (
        TriageDecision.objects.filter(case__in=cases)
        .select_related("rule", "overridden_by")
        .order_by("case_id", "-decided_at", "-id")
    )
    for decision in decisions:
        found.setdefault(decision.case_id, decision)
    return found


def judge_options(court_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Per court, the judges of its active teams as (user id, "name (team)"), in one query."""
    options: dict[int, list[tuple[int, str]]] = {}
    seen: set[tuple[int, int]] = set()
    memberships = (
        TeamMembership.objects.filter(
            team__court_id__in=court_ids,
            team__is_active=True,
            role=TeamMembership.Role.JUDGE,
            user__is_active=True,
        )
        .select_related("team", "user")
        .order_by("team__name", "user__username")
    )
    for m in memberships:
        if (m.team.court_id, m.user_id) in seen:
            continue
        seen.add((m.team.court_id, m.user_id))
        options.setdefault(m.team.court_id, []).append(
            (m.user_id, f"{display_name(m.user)}（{m.team.name}）")
        )
    return options


def _courts_cases(request: HttpRequest) -> QuerySet[Case]:
    """Cases a team lead or supervisor may triage and assign: those of his courts; others none (404)."""
    if not _may_assign(request.user):
        raise Http404
    if request.user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(court_id__in=roles.court_ids_of(request.user))


def _desk_case(request: HttpRequest, pk: int) -> Case:
    try:
        return _courts_cases(request).select_related("court").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form was on (the desk, or the case page), never off the site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("assignment:desk")


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    case = _desk_case(request, pk)
    attempt(
        request,
        TriageForm(request.POST),
        lambda: services.triage_case(actor=acting_user(request.user), case=case),
        _("%(number)s was triaged.") % {"number": case.number},
    )
    return _back(request)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _desk_case(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return _back(request)
    try:
        assignment = services.assign_case(
            actor=acting_user(request.user), case=case, judge=form.cleaned_data["judge"]
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, assigned_text(assignment))
    return _back(request)


def assigned_text(assignment: Assignment) -> str:
    """The desk's message: which case went to which judge and team."""
    return _("%(number)s was assigned to %(judge)s (%(team)s).") % {
        "number": assignment.case.number,
        "judge": display_name(assignment.judge),
        "team": assignment.team.name,
    }


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    scope = _courts_cases(request)
    form = BulkAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one case."))
        return _back(request)
    cases = list(scope.filter(pk__in=form.cleaned_data["cases"]).order_by("filed_at", "pk"))
    result = services.bulk_assign(actor=acting_user(request.user), cases=cases)
    messages.success(request, _("%(count)d case(s) assigned.") % {"count": len(result.assigned)})
    for assignment in result.assigned:
        messages.success(request, assigned_text(assignment))
    numbers = {c.pk: c.number for c in cases}
    for case_id, why in result.refused.items():
        messages.error(
            request, _("%(number)s was not assigned: %(why)s") % {"number": numbers[case_id], "why": why}
        )
    return _back(request)


# --- The judges' queue ------------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told its count: the queue's counts already counted the same cases, once is enough."""

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or roles.has_role(user, *QUEUE_ROLES)):
        raise PermissionDenied
    team_view = request.GET.get("view") == "team" and (
        user.is_superuser or roles.has_role(user, roles.TEAM_LEAD)
    )
    form = QueueFilterForm(request.GET)
    cases = queue_cases(user, team_view=team_view, filters=form.filters())
    counts = queue_counts(cases)
    page = CountedPaginator(cases, PAGE_SIZE, count=counts.total).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "counts": counts,
        "team_view": team_view,
        "may_view_team": user.is_superuser or roles.has_role(user, roles.TEAM_LEAD),
    }
    return render(request, "assignment/queue.html", context)


# --- Actions of the assignment panel on the case page -----------------------------------------------------


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = OverrideForm(request.POST)

    def act() -> object:
        decision = services.current_decision(case)
        if decision is None:
            raise ValidationError(_("The case has not been triaged yet."))
        return services.override_triage(
            actor=acting_user(request.user), decision=decision, **form.cleaned_data
        )

    return run_and_return_to_case(
        request, case, form, act, _("Triage overridden; the rules' decision stays on record.")
    )


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return redirect("case-detail", pk=case.pk)
    try:
        assignment = services.reassign_case(actor=acting_user(request.user), case=case, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("The case was reassigned to %(judge)s (%(team)s).")
            % {"judge": display_name(assignment.judge), "team": assignment.team.name},
        )
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = PlanForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: services.record_plan(actor=acting_user(request.user), case=case, **form.cleaned_data),
        _("Risk assessment and enforcement plan recorded."),
    )


@login_required
@require_POST
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if step not in services.STEPS:
        raise Http404
    form = StepForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: services.record_step(
            actor=acting_user(request.user), case=case, step=step, detail=form.cleaned_data["detail"]
        ),
        _("Recorded: %(step)s.") % {"step": CaseEvent.Kind(step).label},
    )


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = NoteForm(request.POST)
    return run_and_return_to_case(
        request,
        case,
        form,
        lambda: services.add_note(actor=acting_user(request.user), case=case, text=form.cleaned_data["text"]),
        _("Note added."),
    )
