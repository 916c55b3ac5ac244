"""The assignment API: triage, assignment, the judges' queues, plans, steps and notes.

Every case is read through the reader's permissions (``get_case_for_user``: 404 for outsiders); the
services decide who may act (403) and what is valid (400), in the API's one error shape.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement import roles
from enforcement.api.pagination import PagePagination
from enforcement.api.serializers import StrictSerializer
from enforcement.models import Case, CaseEvent, Deadline, Party
from enforcement.people import display_name_or_none
from enforcement.roles import acting_user
from enforcement.selectors import cases_visible_to, get_case_for_user

from . import reasons, services
from .models import Assignment, CaseNote, CasePlan, TriageDecision
from .selectors import QueueFilters, awaiting_assignment, queue_cases, queue_counts
from .triage import describe_decision

# --- Shared ------------------------------------------------------------------------------------------------

BAD_REQUEST = OpenApiResponse(description="Invalid input; per-field errors.")
NOT_SIGNED_IN_OR_FORBIDDEN = OpenApiResponse(description="Not signed in, or your role may not do this.")
NOT_FOUND = OpenApiResponse(description="No such case, or not one you may see.")


def _case_to_assign(user: roles.AnyUser, pk: int) -> Case:
    """A case the user may see, or one waiting on his courts' triage desk (no team yet: team leads and
    supervisors triage and assign it); 404 otherwise."""
    try:
        return get_case_for_user(user, pk)
    except Http404:
        case = awaiting_assignment(user).filter(pk=pk).first()
        if case is None:
            raise
        return case


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    def to_representation(self, instance: User) -> dict[str, Any]:
        return {"id": instance.pk, "name": display_name_or_none(instance)}


class TeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- Queue -------------------------------------------------------------------------------------------------


class QueueQuery(StrictSerializer):
    stream = serializers.ChoiceField(choices=Case.Stream.choices[1:], required=False, default="")
    node = serializers.CharField(
        max_length=40, required=False, default="", help_text="Node type code with a running deadline."
    )
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only overdue cases.")
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False, default="")
    q = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Case number or party name."
    )
    view = serializers.ChoiceField(
        choices=[("team", "team")],
        required=False,
        allow_blank=True,
        default="",
        help_text="team: the cases of the teams you lead; otherwise the cases you are responsible for.",
    )
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=PagePagination.max_page_size, required=False)

    def filters(self) -> QueueFilters:
        data = self.validated_data
        return QueueFilters(
            stream=data["stream"],
            node=data["node"].strip(),
            overdue_only=data["overdue"],
            status=data["status"],
            search=data["q"],
        )


class NextDeadlineOutput(serializers.Serializer):
    node = serializers.CharField()
    name = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Deadline.Status.choices)


class PartiesByRoleOutput(serializers.Serializer):
    applicant = serializers.ListField(child=serializers.CharField())
    respondent = serializers.ListField(child=serializers.CharField())
    third_party = serializers.ListField(child=serializers.CharField())


class QueueCaseOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    judge = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "stream", "status", "team", "judge", "parties", "next_deadline", "url"]

    def get_judge(self, case: Case) -> str | None:
        return display_name_or_none(case.responsible_judge)

    @extend_schema_field(PartiesByRoleOutput)
    def get_parties(self, case: Case) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {role: [] for role in Party.Role.values}
        for party in case.parties.all():
            names[party.role].append(party.name)
        return names

    @extend_schema_field(NextDeadlineOutput(allow_null=True))
    def get_next_deadline(self, case: Case) -> dict[str, Any] | None:
        running: list[Deadline] = getattr(case, "running_deadlines", [])
        if not running:
            return None
        deadline = running[0]
        return {
            "node": deadline.node_type.code,
            "name": deadline.node_type.name,
            "due_date": deadline.due_date.isoformat(),
            "status": deadline.status,
        }

    def get_url(self, case: Case) -> str:
        return reverse("api-case-detail", args=[case.pk])


class QueueCountsOutput(serializers.Serializer):
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    nearing = serializers.IntegerField()


class QueuePageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = QueueCountsOutput(help_text="The whole queue of this view, before the filters.")
    results = QueueCaseOutput(many=True)


class QueueApi(generics.GenericAPIView):
    """The judge's queue (his cases), or with view=team the cases of the teams he leads; most urgent first."""

    serializer_class = QueueCaseOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(
        parameters=[QueueQuery],
        responses={200: QueuePageOutput, 400: BAD_REQUEST, 403: NOT_SIGNED_IN_OR_FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        query = QueueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        team_view = query.validated_data["view"] == "team"
        counts = queue_counts(queue_cases(request.user, team_view=team_view))
        qs = queue_cases(request.user, team_view=team_view, filters=query.filters())
        page = self.paginate_queryset(qs)
        response = self.get_paginated_response(QueueCaseOutput(page, many=True).data)
        response.data["counts"] = QueueCountsOutput(counts).data
        return response


# --- Triage ------------------------------------------------------------------------------------------------


class TriageOverrideInput(StrictSerializer):
    stream = serializers.ChoiceField(choices=Case.Stream.choices[1:])
    reason = serializers.CharField(max_length=2000)


class TriageDecisionOutput(serializers.ModelSerializer):
    stream = serializers.ChoiceField(
        choices=Case.Stream.choices, help_text="The override's, else the rules'."
    )
    rule = serializers.CharField(source="rule.name", allow_null=True, default=None)
    decided_by = serializers.SerializerMethodField()
    overridden_by = serializers.SerializerMethodField()
    in_words = serializers.SerializerMethodField()

    class Meta:
        model = TriageDecision
        fields = [
            "id",
            "case",
            "stream",
            "rule",
            "rule_stream",
            "facts",
            "in_words",
            "decided_at",
            "decided_by",
            "override_stream",
            "override_reason",
            "overridden_by",
            "overridden_at",
        ]

    def get_decided_by(self, decision: TriageDecision) -> str | None:
        return display_name_or_none(decision.decided_by)

    def get_overridden_by(self, decision: TriageDecision) -> str | None:
        return display_name_or_none(decision.overridden_by)

    def get_in_words(self, decision: TriageDecision) -> str:
        return describe_decision(decision)


class TriageApi(generics.GenericAPIView):
    """Sort the case into a stream by the triage rules (team leads and supervisors of its court)."""

    serializer_class = TriageDecisionOutput

    @extend_schema(
        request=None,
        responses={
            201: TriageDecisionOutput,
            400: OpenApiResponse(description="The case is closed."),
            403: NOT_SIGNED_IN_OR_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_assign(request.user, pk)
        decision = services.triage_case(actor=acting_user(request.user), case=case)
        return Response(TriageDecisionOutput(decision).data, status=status.HTTP_201_CREATED)


class TriageOverrideApi(generics.GenericAPIView):
    """A supervisor puts the case in the other stream, with the reason; the rules' decision stays on file."""

    serializer_class = TriageDecisionOutput

    @extend_schema(
        request=TriageOverrideInput,
        responses={
            200: TriageDecisionOutput,
            400: OpenApiResponse(description="Invalid input, the case is not triaged yet, or it is closed."),
            403: NOT_SIGNED_IN_OR_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_assign(request.user, pk)
        incoming = TriageOverrideInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        actor = acting_user(request.user)
        decision = services.current_decision(case)
        if decision is None:
            if not (actor.is_superuser or roles.has_role(actor, roles.SUPERVISOR)):
                raise PermissionDenied(_("Only a supervisor of the court overrides triage."))
            raise DjangoValidationError(_("The case has not been triaged yet."))
        decision = services.override_triage(
            actor=actor,
            decision=decision,
            stream=incoming.validated_data["stream"],
            reason=incoming.validated_data["reason"],
        )
        return Response(TriageDecisionOutput(decision).data)


# --- Assignment --------------------------------------------------------------------------------------------


class AssignInput(StrictSerializer):
    judge = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="User id; empty: by load."
    )


class ReassignInput(StrictSerializer):
    judge = serializers.IntegerField(min_value=1, help_text="User id of the new responsible judge.")
    reason = serializers.CharField(max_length=2000)


class BulkAssignInput(StrictSerializer):
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=200, help_text="Case ids."
    )


class WeighedJudgeOutput(serializers.Serializer):
    judge_id = serializers.IntegerField()
    judge = serializers.CharField(help_text="The name at the time of the assignment.")
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    load = serializers.IntegerField(help_text="Open cases of the judge then.")
    capacity = serializers.IntegerField()


class SkippedJudgeOutput(serializers.Serializer):
    judge_id = serializers.IntegerField()
    judge = serializers.CharField()
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    code = serializers.ChoiceField(choices=[(code, code) for code in reasons.SKIP_CODES])
    params = serializers.DictField(
        help_text="absent: first_day, last_day; recused: party, reason; at_capacity: load, capacity."
    )


class ChoiceNoteOutput(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(reasons.TIE, reasons.TIE), (reasons.OVER_CAPACITY, reasons.OVER_CAPACITY)]
    )
    params = serializers.DictField()


class WhyChosenOutput(serializers.Serializer):
    """For the schema: the shape of ``Assignment.why_chosen`` (empty for assignments made before it)."""

    rule = serializers.ChoiceField(
        choices=[(code, code) for code in (reasons.LOWEST_LOAD, reasons.BY_HAND, reasons.REASSIGNED)]
    )
    stream = serializers.ChoiceField(choices=Case.Stream.choices)
    chosen = WeighedJudgeOutput()
    compared = WeighedJudgeOutput(many=True, help_text="Who could take the case, best first (by load).")
    skipped = SkippedJudgeOutput(many=True, help_text="Judges of the stream's teams passed over, and why.")
    notes = ChoiceNoteOutput(many=True)


class AssignmentOutput(serializers.ModelSerializer):
    team = TeamOutput()
    judge = PersonOutput()
    assigned_by = serializers.SerializerMethodField()
    why_chosen = serializers.SerializerMethodField()
    why_in_words = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "case",
            "team",
            "judge",
            "method",
            "reason",
            "why_chosen",
            "why_in_words",
            "assigned_at",
            "assigned_by",
        ]

    def get_assigned_by(self, assignment: Assignment) -> str | None:
        return display_name_or_none(assignment.assigned_by)

    @extend_schema_field(WhyChosenOutput)
    def get_why_chosen(self, assignment: Assignment) -> dict[str, Any]:
        return dict(assignment.why_chosen)

    def get_why_in_words(self, assignment: Assignment) -> list[str]:
        """Why this judge, in the request's language."""
        return assignment.why_in_words()


class BulkAssignOutput(serializers.Serializer):
    assigned = AssignmentOutput(many=True)
    refused = serializers.DictField(
        child=serializers.CharField(), help_text="Case id → why it was not assigned."
    )


def _judge(user_id: int) -> User:
    """The user chosen by hand; any id that is not an active user gets the service's own refusal."""
    judge = User.objects.filter(pk=user_id, is_active=True).first()
    if judge is None:
        raise DjangoValidationError({"judge": _("This person is not a judge of a team of the court.")})
    return judge


ASSIGN_ERRORS = {
    400: OpenApiResponse(description="Invalid input, no judge can take the case, or it is closed."),
    403: NOT_SIGNED_IN_OR_FORBIDDEN,
    404: NOT_FOUND,
}


class AssignApi(generics.GenericAPIView):
    """Give the case a team and a responsible judge: by load, or by hand when a judge is given."""

    serializer_class = AssignmentOutput

    @extend_schema(request=AssignInput, responses={201: AssignmentOutput, **ASSIGN_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = _case_to_assign(request.user, pk)
        incoming = AssignInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        actor = acting_user(request.user)
        judge_id = incoming.validated_data["judge"]
        judge = None if judge_id is None else _judge(judge_id)
        assignment = services.assign_case(actor=actor, case=case, judge=judge)
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class ReassignApi(generics.GenericAPIView):
    """Hand the case to another judge, with the reason; the earlier assignment stays on record."""

    serializer_class = AssignmentOutput

    @extend_schema(request=ReassignInput, responses={201: AssignmentOutput, **ASSIGN_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = ReassignInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        assignment = services.reassign_case(
            actor=acting_user(request.user), case=case, judge=_judge(data["judge"]), reason=data["reason"]
        )
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


def _assignable(user: roles.AnyUser, ids: list[int]) -> QuerySet[Case]:
    visible = cases_visible_to(user).values("pk")
    waiting = awaiting_assignment(user).order_by().values("pk")
    return Case.objects.filter(Q(pk__in=visible) | Q(pk__in=waiting), pk__in=ids)


class BulkAssignApi(generics.GenericAPIView):
    """Assign several cases by load; each is refused or assigned on its own. Cases you may not see are
    refused as not found, whether they exist or not."""

    serializer_class = BulkAssignOutput

    @extend_schema(
        request=BulkAssignInput,
        responses={200: BulkAssignOutput, 400: BAD_REQUEST, 403: NOT_SIGNED_IN_OR_FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        actor = acting_user(request.user)
        if not (actor.is_superuser or roles.has_role(actor, *services.ASSIGNING_ROLES)):
            raise PermissionDenied(_("Only the court's team leads and supervisors assign cases."))
        incoming = BulkAssignInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(incoming.validated_data["cases"]))
        found = _assignable(actor, ids).in_bulk()
        result = services.bulk_assign(actor=actor, cases=[found[pk] for pk in ids if pk in found])
        refused = {str(pk): _("Not found.") for pk in ids if pk not in found}
        refused.update({str(pk): reason for pk, reason in result.refused.items()})
        body = {
            "assigned": AssignmentOutput(result.assigned, many=True).data,
            "refused": {str(pk): refused[str(pk)] for pk in ids if str(pk) in refused},
        }
        return Response(body)


# --- The judge's work -------------------------------------------------------------------------------------

WORK_ERRORS = {
    400: OpenApiResponse(description="Invalid input, or the case is closed."),
    403: OpenApiResponse(description="Not the case's judge, a member of its team, or a supervisor."),
    404: NOT_FOUND,
}


class PlanInput(StrictSerializer):
    risk_assessment = serializers.CharField(max_length=10000)
    enforcement_plan = serializers.CharField(max_length=10000)


class PlanOutput(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = CasePlan
        fields = ["case", "risk_assessment", "enforcement_plan", "recorded_at", "recorded_by"]

    def get_recorded_by(self, plan: CasePlan) -> str | None:
        return display_name_or_none(plan.recorded_by)


class PlanApi(generics.GenericAPIView):
    """Record (or replace) the risk assessment and enforcement plan a complex case needs."""

    serializer_class = PlanOutput

    @extend_schema(request=PlanInput, responses={200: PlanOutput, **WORK_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = PlanInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = services.record_plan(actor=acting_user(request.user), case=case, **incoming.validated_data)
        return Response(PlanOutput(plan).data)


STEP_CHOICES = [(step, CaseEvent.Kind(step).label) for step in services.STEPS]


class StepInput(StrictSerializer):
    step = serializers.ChoiceField(choices=STEP_CHOICES)
    detail = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for online search results and a verified lead.",
    )


class StepOutput(serializers.ModelSerializer):
    step = serializers.ChoiceField(source="kind", choices=STEP_CHOICES)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "step", "detail", "public", "occurred_at", "actor"]

    def get_actor(self, event: CaseEvent) -> str | None:
        return display_name_or_none(event.actor)


class StepApi(generics.GenericAPIView):
    """A step of the work is done: it goes on the timeline and meets its deadline."""

    serializer_class = StepOutput

    @extend_schema(request=StepInput, responses={201: StepOutput, **WORK_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = StepInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = services.record_step(actor=acting_user(request.user), case=case, **incoming.validated_data)
        return Response(StepOutput(event).data, status=status.HTTP_201_CREATED)


class NoteInput(StrictSerializer):
    text = serializers.CharField(max_length=5000)


class NoteOutput(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "case", "text", "author", "created_at"]

    def get_author(self, note: CaseNote) -> str | None:
        return display_name_or_none(note.author)


class NotesApi(generics.GenericAPIView):
    """The case's internal notes, newest first; the case's judge, its team and supervisors add them."""

    serializer_class = NoteOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(responses={200: NoteOutput(many=True), 403: NOT_SIGNED_IN_OR_FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        page = self.paginate_queryset(CaseNote.objects.filter(case=case).select_related("author"))
        return self.get_paginated_response(NoteOutput(page, many=True).data)

    @extend_schema(request=NoteInput, responses={201: NoteOutput, **WORK_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = NoteInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = services.add_note(
            actor=acting_user(request.user), case=case, text=incoming.validated_data["text"]
        )
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)
