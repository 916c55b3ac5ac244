"""The deadlines API: a clock with its deducted periods and extensions, and the staff's actions on them,
the same as the case page's (``enforcement.views.deadlines``).

Deadlines, deductions and extensions are read through the reader's permissions (by their case:
``cases_visible_to``, 404 for outsiders). The services decide who may act (403: deductions and their
additional periods by the court's supervisors and president, extensions asked by its judges, team leads and
supervisors and decided by its president, never by the one who asked) and what is valid (400, per field),
in the API's one error shape.
"""

from typing import TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Deadline, Deduction, Extension
from ..roles import AnyUser, acting_user
from ..selectors import cases_visible_to
from ..services import deadlines as deadline_services
from .deadline_serializers import (
    AdditionalPeriodInput,
    DeadlineDetailOutput,
    DecisionNoteInput,
    DeductionActionOutput,
    DeductionInput,
    EndDeductionInput,
    ErrorOutput,
    ExtensionActionOutput,
    ExtensionInput,
)
from .serializers import validated

BAD_REQUEST = OpenApiResponse(
    ErrorOutput, description="Invalid input, or the period or the clock's state does not allow it; per field."
)
FORBIDDEN = OpenApiResponse(ErrorOutput, description="Not signed in, or your role may not do this here.")
NOT_FOUND = OpenApiResponse(ErrorOutput, description="No such object, or not one you may see.")
ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}
TAGS = ["deadlines"]

M = TypeVar("M", bound=Model)


def _one(objects: QuerySet[M], pk: int) -> M:
    found = objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _deadline_for_user(user: AnyUser, pk: int) -> Deadline:
    deadlines = Deadline.objects.filter(case__in=cases_visible_to(user))
    return _one(deadlines.select_related("node_type", "case__court"), pk)


def _deduction_for_user(user: AnyUser, pk: int) -> Deduction:
    deductions = Deduction.objects.filter(deadline__case__in=cases_visible_to(user))
    return _one(deductions.select_related("deadline__case__court"), pk)


def _extension_for_user(user: AnyUser, pk: int) -> Extension:
    extensions = Extension.objects.filter(deadline__case__in=cases_visible_to(user))
    return _one(extensions.select_related("deadline__node_type", "deadline__case__court"), pk)


def _deadline_answer(deadline: Deadline) -> Response:
    fresh = (
        Deadline.objects.select_related("node_type")
        .prefetch_related(
            Prefetch(
                "deductions",
                queryset=Deduction.objects.select_related("approved_by", "additional_approved_by"),
            ),
            Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
        )
        .get(pk=deadline.pk)
    )
    return Response(DeadlineDetailOutput(fresh).data)


def _deduction_answer(deduction: Deduction, code: int = status.HTTP_200_OK) -> Response:
    fresh = Deduction.objects.select_related(
        "deadline__node_type", "approved_by", "additional_approved_by"
    ).get(pk=deduction.pk)
    return Response(DeductionActionOutput(fresh).data, status=code)


def _extension_answer(extension: Extension, code: int = status.HTTP_200_OK) -> Response:
    fresh = Extension.objects.select_related("deadline__node_type", "requested_by", "decided_by").get(
        pk=extension.pk
    )
    return Response(ExtensionActionOutput(fresh).data, status=code)


class DeadlineDetailApi(generics.GenericAPIView):
    """One clock: its last day and how it was computed, its deducted periods and its extensions."""

    serializer_class = DeadlineDetailOutput

    @extend_schema(tags=TAGS, responses={200: DeadlineDetailOutput, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return _deadline_answer(_deadline_for_user(request.user, pk))


class DeadlineDeductionsApi(generics.GenericAPIView):
    """Record a deducted period (扣除期间), approved by the acting supervisor or president; the due date
    moves at once. Overlapping periods count once; days before the clock started do not count; a period
    may not start after the limit ran out; 暂缓执行 is recorded for at most its term without approval."""

    serializer_class = DeductionActionOutput

    @extend_schema(tags=TAGS, request=DeductionInput, responses={201: DeductionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        deadline = _deadline_for_user(request.user, pk)
        data = validated(DeductionInput, request)
        deduction = deadline_services.add_deduction(
            actor=acting_user(request.user), deadline=deadline, **data
        )
        return _deduction_answer(deduction, status.HTTP_201_CREATED)


class EndDeductionApi(generics.GenericAPIView):
    """End a running deducted period; the clock runs again from the next day."""

    serializer_class = DeductionActionOutput

    @extend_schema(tags=TAGS, request=EndDeductionInput, responses={200: DeductionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        deduction = _deduction_for_user(request.user, pk)
        data = validated(EndDeductionInput, request)
        ended = deadline_services.end_deduction(
            actor=acting_user(request.user), deduction=deduction, end_date=data["end_date"]
        )
        return _deduction_answer(ended)


class AdditionalPeriodApi(generics.GenericAPIView):
    """Approve the additional period of a running 暂缓执行 (beyond its term without approval, at most the
    rule's additional months), before its term ends; by a supervisor or president other than the one who
    recorded the period."""

    serializer_class = DeductionActionOutput

    @extend_schema(tags=TAGS, request=AdditionalPeriodInput, responses={200: DeductionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        deduction = _deduction_for_user(request.user, pk)
        data = validated(AdditionalPeriodInput, request)
        approved = deadline_services.approve_additional_period(
            actor=acting_user(request.user), deduction=deduction, **data
        )
        return _deduction_answer(approved)


class DeadlineExtensionsApi(generics.GenericAPIView):
    """Ask for a longer limit (the case limit), at least five days before it expires."""

    serializer_class = ExtensionActionOutput

    @extend_schema(tags=TAGS, request=ExtensionInput, responses={201: ExtensionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        deadline = _deadline_for_user(request.user, pk)
        data = validated(ExtensionInput, request)
        extension = deadline_services.request_extension(
            actor=acting_user(request.user), deadline=deadline, **data
        )
        return _extension_answer(extension, status.HTTP_201_CREATED)


class _DecideExtensionApi(generics.GenericAPIView):
    serializer_class = ExtensionActionOutput
    approve: bool

    def post(self, request: Request, pk: int) -> Response:
        extension = _extension_for_user(request.user, pk)
        data = validated(DecisionNoteInput, request)
        decided = deadline_services.decide_extension(
            actor=acting_user(request.user), extension=extension, approve=self.approve, note=data["note"]
        )
        return _extension_answer(decided)


class ApproveExtensionApi(_DecideExtensionApi):
    """The court president or a vice-president approves a requested extension; the due date moves."""

    approve = True

    @extend_schema(tags=TAGS, request=DecisionNoteInput, responses={200: ExtensionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RefuseExtensionApi(_DecideExtensionApi):
    """The court president or a vice-president refuses a requested extension, with a note."""

    approve = False

    @extend_schema(tags=TAGS, request=DecisionNoteInput, responses={200: ExtensionActionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)
