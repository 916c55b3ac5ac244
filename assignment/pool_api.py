"""The 终本 pool in the API: the overview, a case's rounds, a round's result, the leads verified.

Cases are read through the reader's permissions (404 for outsiders); the services decide who may act
(403: the pool's keeper) and what is valid (400), in the API's one error shape.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement import roles
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from . import pool
from .pool_serializers import LeadVerifiedInput, PoolOverviewOutput, RoundInput, RoundOutput
from .selectors import RoundRow, pool_overview, pool_rounds
from .serializers import StepOutput

ERRORS = {
    400: OpenApiResponse(description="Invalid input, the case is not in the pool, or no round is due."),
    403: OpenApiResponse(description="Not the keeper of the pool (the pool team, or the case's judges)."),
    404: OpenApiResponse(description="No such case, or not one you may see."),
}


class PoolOverviewApi(generics.GenericAPIView):
    """The 终本 pool you may see: rounds due this month, rounds overdue, cases with leads since closure."""

    serializer_class = PoolOverviewOutput
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(responses={200: PoolOverviewOutput, 403: OpenApiResponse(description="No role.")})
    def get(self, request: Request) -> Response:
        if not (request.user.is_superuser or roles.roles_of(request.user)):
            raise PermissionDenied(_("You may not see the 终本 pool."))
        return Response(PoolOverviewOutput(pool_overview(request.user)).data)


class CasePoolApi(generics.GenericAPIView):
    """The re-search rounds of a case closed as 终本, with their results (empty: never in the pool)."""

    serializer_class = RoundOutput
    pagination_class = None  # ten rounds at most: the whole list
    filter_backends: list[Any] = []

    @extend_schema(responses={200: RoundOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(RoundOutput(pool_rounds(case), many=True).data)


class PoolRoundApi(generics.GenericAPIView):
    """Record the result of the round due now; the applicant is told by SMS and on the progress page."""

    serializer_class = RoundOutput

    @extend_schema(request=RoundInput, responses={201: RoundOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = RoundInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        recorded = pool.record_round(actor=acting_user(request.user), case=case, **incoming.validated_data)
        row = next(r for r in pool_rounds(case) if r.round.pk == recorded.pk)
        return Response(RoundOutput(RoundRow(row.round, row.deadline)).data, status=status.HTTP_201_CREATED)


class PoolLeadVerifiedApi(generics.GenericAPIView):
    """The leads parties sent since the closure are verified: their clocks are met."""

    serializer_class = StepOutput

    @extend_schema(request=LeadVerifiedInput, responses={201: StepOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = LeadVerifiedInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = pool.record_lead_verified(
            actor=acting_user(request.user), case=case, detail=incoming.validated_data["detail"]
        )
        return Response(StepOutput(event).data, status=status.HTTP_201_CREATED)
