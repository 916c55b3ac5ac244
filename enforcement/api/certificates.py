"""The certificates API: a case's certificates, issuing one, revoking one, and its PDF; the same services as
the case page's certificates panel (``enforcement.services.certificates``).

Cases and certificates are read through the reader's permissions (404 for outsiders). The services decide
who may act (403: the case's judges issue; they, the court's supervisors and presidents revoke) and what is
valid (400, per field). The verification code is in the PDF only: no answer of this API carries it.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ..certificate_document import pdf_response
from ..models import Certificate
from ..people import display_name
from ..roles import acting_user
from ..selectors import get_case_for_user
from ..selectors.certificates import certificate_for_user, certificates_of
from ..services import certificates as services
from .deadline_serializers import ErrorOutput
from .fields import id_field
from .serializers import StrictSerializer, validated

BAD_REQUEST = OpenApiResponse(
    ErrorOutput, description="Invalid input, or the case does not allow it; per field."
)
FORBIDDEN = OpenApiResponse(ErrorOutput, description="Not signed in, or your role may not do this here.")
NOT_FOUND = OpenApiResponse(ErrorOutput, description="No such case or certificate, or not one you may see.")
ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}
TAGS = ["certificates"]


class CertificateOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    party = serializers.IntegerField(source="party_id")
    issued_by = serializers.SerializerMethodField()
    revoked_by = serializers.SerializerMethodField()
    revoked = serializers.BooleanField(source="is_revoked")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "case",
            "kind",
            "kind_display",
            "party",
            "party_name",
            "party_id_masked",
            "certifies",
            "listing_reference",
            "listing_removed_on",
            "issued_on",
            "issued_at",
            "issued_by",
            "valid_until",
            "revoked",
            "revoked_at",
            "revoked_by",
            "revocation_reason",
        ]

    def get_issued_by(self, certificate: Certificate) -> str:
        return display_name(certificate.issued_by)

    def get_revoked_by(self, certificate: Certificate) -> str:
        return display_name(certificate.revoked_by) if certificate.revoked_by else ""


class IssueCertificateInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=Certificate.Kind.choices)
    party = id_field("The respondent certified: a party id of this case.")
    certifies = serializers.CharField(max_length=services.CERTIFIES_LENGTH)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    listing_reference = serializers.CharField(
        max_length=services.LISTING_REFERENCE_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Credit repair only: the dishonest-debtor listing removed (its decision number).",
    )
    listing_removed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Credit repair only: the day it was removed."
    )


class RevokeCertificateInput(StrictSerializer):
    reason = serializers.CharField(max_length=services.REASON_LENGTH)


class CaseCertificatesApi(generics.GenericAPIView):
    """A case's certificates of voluntary performance and credit-repair decisions, newest first; and issuing
    one. A certificate of voluntary performance needs the case closed as fully performed; its PDF, with the
    verification code, is made at once (``GET /api/v1/certificates/{id}/pdf/``)."""

    serializer_class = CertificateOutput
    queryset = Certificate.objects.none()  # for the schema only: reads go through the selectors

    @extend_schema(tags=TAGS, responses={200: CertificateOutput(many=True), 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(CertificateOutput(certificates_of(case), many=True).data)

    @extend_schema(tags=TAGS, request=IssueCertificateInput, responses={201: CertificateOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(IssueCertificateInput, request)
        party = case.parties.filter(pk=data.pop("party")).first()
        if party is None:
            raise serializers.ValidationError({"party": [_("No such party of this case.")]})
        issued = services.issue_certificate(actor=acting_user(request.user), case=case, party=party, **data)
        return Response(CertificateOutput(issued.certificate).data, status=status.HTTP_201_CREATED)


class RevokeCertificateApi(generics.GenericAPIView):
    """Revoke a certificate, with the reason: from then on its code does not verify on the public page."""

    serializer_class = CertificateOutput

    @extend_schema(tags=TAGS, request=RevokeCertificateInput, responses={200: CertificateOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        certificate = certificate_for_user(request.user, pk)
        data = validated(RevokeCertificateInput, request)
        revoked = services.revoke_certificate(
            actor=acting_user(request.user), certificate=certificate, reason=data["reason"]
        )
        return Response(CertificateOutput(revoked).data)


class CertificatePdfApi(generics.GenericAPIView):
    """The certificate's PDF as issued, with its verification code and QR code."""

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> object:
        return pdf_response(certificate_for_user(request.user, pk))
