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
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement import roles
from enforcement.api.pagination import PagePagination
from enforcement.models import Case
from enforcement.roles import acting_user
from enforcement.selectors import cases_visible_to, get_case_for_user

from . import services
from .models import CaseNote
from .selectors import awaiting_assignment, queue_cases, queue_counts
from .serializers import (
    AssignInput,
    AssignmentOutput,
    BulkAssignInput,
    BulkAssignOutput,
    NoteInput,
    NoteOutput,
    PlanInput,
    PlanOutput,
    QueueCaseOutput,
    QueueCountsOutput,
    QueuePageOutput,
    QueueQuery,
    ReassignInput,
    StepInput,
    StepOutput,
    TriageDecisionOutput,
    TriageOverrideInput,
)

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


# --- Queue -------------------------------------------------------------------------------------------------


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
