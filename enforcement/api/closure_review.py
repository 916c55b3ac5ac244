"""The API of a closure's review: the 终本 checklist, evidence, the applicant's interview, the proposal and
its review, and the service of the closure ruling. The same services as the closing page, with its
permissions; a case the caller may not see is a 404, a refusal a 400 in the API's one error shape naming
each unmet condition, nothing changed."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from .. import closure, closure_record, pdf
from ..models import (
    Case,
    ClosureEvidence,
    ClosureInterview,
    ClosureProposal,
    ClosureRequirement,
    ClosureService,
)
from ..roles import acting_user
from ..selectors import closures as closure_selectors
from ..selectors import get_case_for_user
from ..services import closure_review
from ..services.cases import REVIEWED_CLOSURES
from .closure import ClosedCaseOutput
from .serializers import StrictSerializer, validated

TEXT = 4000
REVIEWED_CLOSURE_CHOICES = [(mode.value, mode.label) for mode in Case.Closure if mode in REVIEWED_CLOSURES]
NOT_FOUND = OpenApiResponse(description="No such case or record, or not one you may see.")
FORBIDDEN = OpenApiResponse(description="Not signed in, or your role may not do this for this case.")
REFUSED = OpenApiResponse(description="Invalid input, or refused: the errors name each reason.")


class EvidenceOutput(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = ClosureEvidence
        fields = ["id", "kind", "note", "document_url", "recorded_by", "recorded_at"]

    def get_document_url(self, evidence: ClosureEvidence) -> str:
        return evidence.document.url if evidence.document else ""


class ChecklistLineOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClosureRequirement.Kind.choices)
    kind_display = serializers.CharField()
    condition = serializers.IntegerField(
        help_text="The law's condition number (终本: 1 to 5); 0 beside them."
    )
    met = serializers.BooleanField()
    text = serializers.CharField(
        help_text="The evidence found, or what is missing, in the request's language."
    )
    url = serializers.CharField(help_text="Where it is seen or dealt with; empty if none.")
    accepts_evidence = serializers.BooleanField(help_text="A recorded note or document meets it.")
    evidence = EvidenceOutput(many=True)


class ChecklistOutput(serializers.Serializer):
    case = serializers.IntegerField()
    closure = serializers.ChoiceField(choices=Case.Closure.choices)
    possible = serializers.BooleanField(help_text="Every condition holds.")
    earliest = serializers.DateField(
        allow_null=True, help_text="终本: the first day allowed, net of deductions."
    )
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="How the earliest day was counted."
    )
    lines = ChecklistLineOutput(many=True)


def _line(line: closure.Line) -> dict[str, Any]:
    requirement = line.requirement
    return {
        "kind": requirement.kind,
        "kind_display": requirement.get_kind_display(),
        "condition": requirement.condition,
        "met": line.met,
        "text": line.finding.text,
        "url": line.finding.url,
        "accepts_evidence": requirement.accepts_evidence,
        "evidence": EvidenceOutput(line.evidence, many=True).data,
    }


class ChecklistApi(generics.GenericAPIView):
    queryset = Case.objects.none()
    serializer_class = ChecklistOutput

    @extend_schema(
        summary="The conditions of a closure mode, checked, with their evidence",
        parameters=[
            OpenApiParameter(
                "closure",
                OpenApiTypes.STR,
                enum=Case.Closure.values,
                description="Default: terminated_this_round.",
            )
        ],
        responses={200: ChecklistOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        mode = request.query_params.get("closure", Case.Closure.TERMINATED_THIS_ROUND)
        if mode not in Case.Closure.values:
            mode = Case.Closure.TERMINATED_THIS_ROUND
        lines = closure.checklist(case, mode)
        wait = (
            closure_selectors.terminate_round_wait(case)
            if mode == Case.Closure.TERMINATED_THIS_ROUND
            else None
        )
        data = {
            "case": case.pk,
            "closure": mode,
            "possible": all(line.met for line in lines),
            "earliest": wait.earliest if wait else None,
            "explanation": wait.explanation if wait else [],
            "lines": [_line(line) for line in lines],
        }
        return Response(ChecklistOutput(data).data)


class EvidenceInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=ClosureRequirement.Kind.choices)
    note = serializers.CharField(max_length=TEXT)
    document = serializers.FileField(required=False, allow_null=True)


class EvidenceApi(generics.GenericAPIView):
    queryset = ClosureEvidence.objects.none()
    serializer_class = EvidenceOutput
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Record the evidence of a condition the system cannot see",
        request={"multipart/form-data": EvidenceInput},
        responses={201: EvidenceOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(EvidenceInput, request)
        evidence = closure_review.record_evidence(actor=acting_user(request.user), case=case, **data)
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)


class InterviewOutput(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ClosureInterview
        fields = [
            "id",
            "closure",
            "applicant_name",
            "interviewed_on",
            "measures_told",
            "property_told",
            "consequences_told",
            "applicant_view",
            "recorded_at",
            "pdf_url",
        ]

    def get_pdf_url(self, interview: ClosureInterview) -> str:
        return reverse("api-closure-interview-pdf", args=[interview.pk])


class InterviewInput(StrictSerializer):
    applicant_name = serializers.CharField(max_length=200)
    interviewed_on = serializers.DateField()
    measures_told = serializers.CharField(max_length=TEXT)
    property_told = serializers.CharField(max_length=TEXT)
    consequences_told = serializers.CharField(max_length=TEXT)
    applicant_view = serializers.CharField(max_length=TEXT)


class InterviewsApi(generics.GenericAPIView):
    queryset = ClosureInterview.objects.none()
    serializer_class = InterviewOutput

    @extend_schema(
        summary="The applicant's interviews about the closure", responses={200: InterviewOutput(many=True)}
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(InterviewOutput(closure_selectors.interviews_of(case), many=True).data)

    @extend_schema(
        summary="Record the applicant's interview about the closure",
        request=InterviewInput,
        responses={201: InterviewOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(InterviewInput, request)
        interview = closure_review.record_interview(actor=acting_user(request.user), case=case, **data)
        return Response(InterviewOutput(interview).data, status=status.HTTP_201_CREATED)


class InterviewPdfApi(generics.GenericAPIView):
    queryset = ClosureInterview.objects.none()
    serializer_class = InterviewOutput

    @extend_schema(
        summary="The interview's record as a PDF, ready for signature",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        interview = get_object_or_404(ClosureInterview.objects.select_related("case__court"), pk=pk)
        get_case_for_user(request.user, interview.case_id)
        try:
            return closure_record.record_pdf_response(request, interview)
        except pdf.PdfUnavailable:
            return Response({"message": "PDF rendering is not available on this server."}, status=503)


class ProposalOutput(serializers.ModelSerializer):
    closure_display = serializers.CharField(source="get_closure_display")
    proposed_by = serializers.CharField(source="proposed_by.username")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = ClosureProposal
        fields = [
            "id",
            "case",
            "closure",
            "closure_display",
            "ground",
            "ruling_number",
            "note",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ProposeInput(StrictSerializer):
    closure = serializers.ChoiceField(choices=REVIEWED_CLOSURE_CHOICES)
    ground = serializers.ChoiceField(choices=Case.TerminationGround.choices, required=False, default="")
    ruling_number = serializers.CharField(max_length=60)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProposalsApi(generics.GenericAPIView):
    queryset = ClosureProposal.objects.none()
    serializer_class = ProposalOutput

    @extend_schema(
        summary="The closure proposals of a case, newest first", responses={200: ProposalOutput(many=True)}
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        proposals = ClosureProposal.objects.filter(case=case).select_related("proposed_by", "decided_by")
        return Response(ProposalOutput(proposals, many=True).data)

    @extend_schema(
        summary="Propose 终本 or 终结执行 for a second person's approval",
        description="Refused (400), naming each condition still unmet, until the case may close that way.",
        request=ProposeInput,
        responses={201: ProposalOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(ProposeInput, request)
        proposal = closure_review.propose_closure(
            actor=acting_user(request.user),
            case=case,
            closure_mode=data["closure"],
            ground=data["ground"],
            ruling_number=data["ruling_number"],
            note=data["note"],
        )
        return Response(ProposalOutput(proposal).data, status=status.HTTP_201_CREATED)


def _proposal(request: Request, pk: int) -> ClosureProposal:
    proposal = get_object_or_404(ClosureProposal.objects.select_related("case"), pk=pk)
    get_case_for_user(request.user, proposal.case_id)
    return proposal


class ApproveInput(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    confirm_steps = serializers.BooleanField(required=False, default=False)


class RejectInput(StrictSerializer):
    note = serializers.CharField(max_length=2000)


class ApproveProposalApi(generics.GenericAPIView):
    queryset = ClosureProposal.objects.none()
    serializer_class = ClosedCaseOutput

    @extend_schema(
        summary="Approve a proposed closure (the 终本 quality review): the case closes",
        description="By a supervisor or president of the court, never the proposer. Everything the closure "
        "checks is checked again; a refusal changes nothing.",
        request=ApproveInput,
        responses={200: ClosedCaseOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(request, pk)
        data = validated(ApproveInput, request)
        closed = closure_review.approve_closure(actor=acting_user(request.user), proposal=proposal, **data)
        return Response(ClosedCaseOutput(closed).data)


class RejectProposalApi(generics.GenericAPIView):
    queryset = ClosureProposal.objects.none()
    serializer_class = ProposalOutput

    @extend_schema(
        summary="Reject a proposed closure, saying why",
        request=RejectInput,
        responses={200: ProposalOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(request, pk)
        data = validated(RejectInput, request)
        rejected = closure_review.reject_closure(actor=acting_user(request.user), proposal=proposal, **data)
        return Response(ProposalOutput(rejected).data)


class WithdrawProposalApi(generics.GenericAPIView):
    queryset = ClosureProposal.objects.none()
    serializer_class = ProposalOutput

    @extend_schema(
        summary="Withdraw a proposed closure",
        request=None,
        responses={200: ProposalOutput, 400: REFUSED, 403: FORBIDDEN},
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(request, pk)
        withdrawn = closure_review.withdraw_closure(actor=acting_user(request.user), proposal=proposal)
        return Response(ProposalOutput(withdrawn).data)


class ReviewQueueApi(generics.GenericAPIView):
    queryset = ClosureProposal.objects.none()
    serializer_class = ProposalOutput

    @extend_schema(
        summary="Closures waiting for the caller's review, oldest first",
        responses={200: ProposalOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        waiting = closure_selectors.proposals_to_review(acting_user(request.user))
        return Response(ProposalOutput(waiting, many=True).data)


class ServiceOutput(serializers.ModelSerializer):
    class Meta:
        model = ClosureService
        fields = ["id", "served_to", "served_on", "method", "document_number", "recorded_at"]


class ServiceInput(StrictSerializer):
    served_to = serializers.CharField(max_length=200)
    served_on = serializers.DateField()
    method = serializers.ChoiceField(choices=ClosureService.Method.choices)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ServicesApi(generics.GenericAPIView):
    queryset = ClosureService.objects.none()
    serializer_class = ServiceOutput

    @extend_schema(summary="Services of the closure ruling", responses={200: ServiceOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(ServiceOutput(closure_selectors.services_of(case), many=True).data)

    @extend_schema(
        summary="Record the service of the closure ruling",
        request=ServiceInput,
        responses={201: ServiceOutput, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(ServiceInput, request)
        service = closure_review.record_service(actor=acting_user(request.user), case=case, **data)
        return Response(ServiceOutput(service).data, status=status.HTTP_201_CREATED)
