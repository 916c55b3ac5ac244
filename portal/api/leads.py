"""The parties' property leads in the API for the court's mini-program: ``/api/v1/progress/leads/``.

The party is the one named by the ``X-Party-Token`` header (from ``POST /api/v1/progress/``); staff
sign-ins mean nothing here, and without a valid token the answer is 401.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.errors import error_body

from .. import leads
from ..proof import PortalAccess, access_from_header
from ..serializers import (
    LeadInput,
    LeadOutput,
)
from .common import NO_TOKEN, PARTY_TOKEN, unauthorized


class PartyLeadsApi(APIView):
    """The party's own property leads on his case: list them, or report a new one."""

    authentication_classes: list[Any] = []  # the party token is the only credential here
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="progress_leads_list",
        parameters=[PARTY_TOKEN],
        responses={200: LeadOutput(many=True), 401: NO_TOKEN},
    )
    def get(self, request: Request) -> Response:
        access = access_from_header(request)
        if access is None:
            return unauthorized()
        return Response(LeadOutput(leads.leads_of_party(access), many=True).data)

    @extend_schema(
        operation_id="progress_leads_create",
        parameters=[PARTY_TOKEN],
        request={"multipart/form-data": LeadInput},
        responses={
            201: LeadOutput,
            400: OpenApiResponse(description="Invalid input, a refused file, or a closed case."),
            401: NO_TOKEN,
            429: OpenApiResponse(description="The party reported the most leads allowed in 24 hours."),
            413: OpenApiResponse(description="The request body is larger than the API allows."),
        },
    )
    def post(self, request: Request) -> Response:
        access = access_from_header(request)
        if access is None:
            return unauthorized()
        incoming = LeadInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._submit(access, incoming.validated_data)

    def _submit(self, access: PortalAccess, data: dict[str, Any]) -> Response:
        try:
            lead = leads.submit_party_lead(
                access,
                kind=data["kind"],
                detail=data["detail"],
                urgent=data["urgent"],
                files=data["attachments"],
            )
        except DjangoValidationError as error:
            if getattr(error, "code", None) != "throttled":
                raise  # the API's error handler answers 400 with the messages per field
            body = error_body(" ".join(error.messages), "throttled")
            return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS)
        return Response(LeadOutput(leads.lead_row(lead)).data, status=status.HTTP_201_CREATED)
