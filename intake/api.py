"""The intake API: ``/api/v1/cases/`` (list, file) and ``/api/v1/cases/{id}/``."""

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement.api.errors import error_body
from enforcement.models import Case, Party
from enforcement.roles import acting_user
from enforcement.selectors import case_list, get_case_for_user

from . import resumption, services
from .models import FirstInterview, NoticeDelivery

# --- Input ----------------------------------------------------------------------------------------------
from .serializers import (
    CaseDetailOutput,
    CaseFileInput,
    CaseListOutput,
    FiledCaseOutput,
    FirstInterviewInput,
    FirstInterviewOutput,
    NoticeDeliveryInput,
    NoticeDeliveryOutput,
    ResumeInput,
)

# Where the service's field errors belong in the nested input.
_SERVICE_ERROR_PATHS = {
    "claim_amount": ("claim", "amount"),
    "claim_description": ("claim", "description"),
    "preservation_amount": ("preservation", "amount"),
    "title_effective_date": ("title", "effective_date"),
}


def _nest_service_errors(error: DjangoValidationError) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for name, messages in error.message_dict.items():
        path = _SERVICE_ERROR_PATHS.get(name, (name,))
        target = nested
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = messages
    return nested


# --- Output ---------------------------------------------------------------------------------------------


# --- Views ----------------------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    claim_kind = django_filters.ChoiceFilter(choices=Case.ClaimKind.choices)
    year = django_filters.NumberFilter()
    filed_after = django_filters.DateFilter(field_name="filed_at", lookup_expr="date__gte")
    filed_before = django_filters.DateFilter(field_name="filed_at", lookup_expr="date__lte")

    class Meta:
        model = Case
        fields = ["court", "status", "claim_kind", "year"]


class CaseListCreateApi(generics.GenericAPIView):
    """List the cases you may see, or file an application as a new case."""

    filterset_class = CaseFilter
    serializer_class = CaseListOutput

    def get_queryset(self) -> QuerySet[Case]:
        return case_list(self.request.user, search=self.request.query_params.get("q", ""))

    @extend_schema(responses=CaseListOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CaseListOutput(page, many=True).data)

    @extend_schema(
        request=CaseFileInput,
        responses={
            201: FiledCaseOutput,
            400: OpenApiResponse(description="Invalid input; per-field errors."),
            403: OpenApiResponse(description="Not a clerk of this court."),
            409: OpenApiResponse(description="The title was already filed in this court."),
            413: OpenApiResponse(description="Body too large."),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = CaseFileInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            filed = services.file_case(actor=acting_user(request.user), application=incoming.to_application())
        except services.DuplicateTitle as duplicate:
            return Response(_duplicate_body(duplicate), status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_nest_service_errors(error)) from None
        case = get_case_for_user(request.user, filed.case.pk)
        case.query_code = filed.query_code  # type: ignore[attr-defined]
        return Response(FiledCaseOutput(case).data, status=status.HTTP_201_CREATED)


def _duplicate_body(duplicate: services.DuplicateTitle) -> dict[str, Any]:
    numbers = "、".join(c.number for c in duplicate.cases)
    message = _(
        "This title was already filed in this court as %(numbers)s. Send allow_duplicate_title: true to "
        "file it again."
    ) % {"numbers": numbers}
    links = [f"{c.number} {reverse('case-detail', args=[c.pk])}" for c in duplicate.cases]
    return error_body(message, "duplicate_title", {"title": {"case_number": links}})


class CaseDetailApi(generics.GenericAPIView):
    """One case with its parties, title, claim and materials."""

    serializer_class = CaseDetailOutput

    def get(self, request: Request, pk: int) -> Response:
        return Response(CaseDetailOutput(get_case_for_user(request.user, pk)).data)


# --- The first interview and the notices handed over ----------------------------------------------------
# The same services as the pages (intake.views): they decide who may act (403) and what is valid (400);
# the case is read through the reader's permissions (404 for outsiders).

INTAKE_ERRORS = {
    400: OpenApiResponse(description="Invalid input, or the record is locked; per-field errors."),
    403: OpenApiResponse(
        description="Not signed in, or not a clerk, judge or assistant of the case's court."
    ),
    404: OpenApiResponse(description="No such case, or not one you may see."),
}


def _interview_of(case: Case) -> FirstInterview | None:
    return (
        FirstInterview.objects.filter(case=case)
        .select_related("interviewer", "locked_by")
        .prefetch_related("leads", "risks")
        .first()
    )


class FirstInterviewApi(generics.GenericAPIView):
    """The first-interview record of a case (初次接待笔录): read it, or save it until it is locked."""

    serializer_class = FirstInterviewOutput

    @extend_schema(
        responses={
            200: FirstInterviewOutput,
            403: INTAKE_ERRORS[403],
            404: OpenApiResponse(description="No such case you may see, or no record yet."),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        interview = _interview_of(get_case_for_user(request.user, pk))
        if interview is None:
            raise NotFound(_("There is no first-interview record yet."))
        return Response(FirstInterviewOutput(interview).data)

    @extend_schema(
        request=FirstInterviewInput,
        responses={201: FirstInterviewOutput, 200: FirstInterviewOutput, **INTAKE_ERRORS},
        description="Create the record (201) or replace it (200), with its leads and risks, as the page "
        "saves it. A locked record is refused.",
    )
    def put(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = FirstInterviewInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        existed = FirstInterview.objects.filter(case=case).exists()
        services.save_first_interview(
            actor=acting_user(request.user),
            case=case,
            values=incoming.values(),
            leads=incoming.leads_input(),
            risks=incoming.risks(),
        )
        body = FirstInterviewOutput(_interview_of(case)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class LockFirstInterviewApi(generics.GenericAPIView):
    """Lock the first-interview record: from then on it is evidence and can no longer be changed."""

    serializer_class = FirstInterviewOutput

    @extend_schema(
        request=None,
        responses={
            200: FirstInterviewOutput,
            **INTAKE_ERRORS,
            400: OpenApiResponse(description="There is no record yet, or it is already locked."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        services.lock_first_interview(actor=acting_user(request.user), case=case)
        return Response(FirstInterviewOutput(_interview_of(case)).data)


class NoticeDeliveriesApi(generics.GenericAPIView):
    """The notices handed to the parties (acceptance notice, notice of rights and obligations)."""

    serializer_class = NoticeDeliveryOutput
    pagination_class = None  # a case has a handful of deliveries: the whole list, unpaged
    filter_backends: list[Any] = []

    @extend_schema(
        responses={200: NoticeDeliveryOutput(many=True), 403: INTAKE_ERRORS[403], 404: INTAKE_ERRORS[404]}
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        deliveries = NoticeDelivery.objects.filter(case=case).select_related("recipient", "delivered_by")
        return Response(NoticeDeliveryOutput(deliveries, many=True).data)

    @extend_schema(
        request=NoticeDeliveryInput,
        responses={201: NoticeDeliveryOutput, **INTAKE_ERRORS},
        description="Record that a notice was handed to a party, and whether he signed for it; it goes on "
        "the case's timeline.",
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = NoticeDeliveryInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        # Only the case's own parties are looked up: an id of another case's party says nothing about it.
        recipient = Party.objects.filter(case=case, pk=data["recipient"]).first()
        if recipient is None:
            raise DjangoValidationError({"recipient": _("The recipient must be a party of this case.")})
        delivery = services.record_notice_delivery(
            actor=acting_user(request.user),
            case=case,
            kind=data["kind"],
            recipient=recipient,
            method=data["method"],
            acknowledged=data["acknowledged"],
            note=data["note"],
        )
        return Response(NoticeDeliveryOutput(delivery).data, status=status.HTTP_201_CREATED)


class ResumeApi(generics.GenericAPIView):
    """File a case closed as 终本 again as 执恢 (恢复执行): a new number in its own sequence, the parties and
    title carried over, a new query code (shown only in this answer), the pool's re-searches cancelled."""

    serializer_class = FiledCaseOutput

    @extend_schema(
        request=ResumeInput,
        responses={
            201: FiledCaseOutput,
            400: OpenApiResponse(description="Invalid input, or the case is not in the 终本 pool."),
            403: OpenApiResponse(
                description="Not a window clerk of the court, a judge of the case or its keeper."
            ),
            404: INTAKE_ERRORS[404],
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        incoming = ResumeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        given = resumption.ResumptionInput(**incoming.validated_data)
        filed = resumption.resume_case(actor=acting_user(request.user), case=case, resumption=given)
        resumed = get_case_for_user(request.user, filed.case.pk)
        resumed.query_code = filed.query_code  # type: ignore[attr-defined]
        return Response(FiledCaseOutput(resumed).data, status=status.HTTP_201_CREATED)
