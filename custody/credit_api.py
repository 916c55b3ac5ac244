"""The credit sanctions' API: consumption restrictions (propose, approve, refuse, lift, the lifting notice
as a PDF) and the dishonest-debtor list (list, refuse to list, record the service, extend, record a removal
ground, remove).

Cases are read through the reader's permissions (``get_case_for_user``: 404 for outsiders), and so are
restrictions and listings addressed by their own id. A party id in the input must be a respondent of the
same case, or the request is refused (400). The services decide who may act (403) and what is valid (400),
in the API's one error shape.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement.api.certificates import CertificateOutput
from enforcement.api.serializers import validated
from enforcement.models import Case, Party
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user

from . import selectors, services
from .api import ERRORS, READ_ERRORS
from .credit_serializers import (
    CreditRepairInput,
    ListingExtensionInput,
    ListingInput,
    ListingOutput,
    ListingRefusalInput,
    ListingRefusalOutput,
    ListingRemovalInput,
    ListingServiceInput,
    RemovalGroundInput,
    RestrictionApproveInput,
    RestrictionInput,
    RestrictionLiftInput,
    RestrictionOutput,
    RestrictionRefuseInput,
)
from .credit_views import lift_notice_response
from .models import ConsumptionRestriction, DishonestListing, ListingRefusal, RestrictedPerson


def _respondent(case: Case, pk: int) -> Party:
    party = Party.objects.filter(case=case, pk=pk, role=Party.Role.RESPONDENT).first()
    if party is None:
        raise DjangoValidationError({"party": _("Not a respondent of this case.")})
    return party


def _restriction_answer(restriction: ConsumptionRestriction, code: int = status.HTTP_200_OK) -> Response:
    fresh = (
        ConsumptionRestriction.objects.select_related("party", "proposed_by", "decided_by", "lifted_by")
        .prefetch_related(Prefetch("persons", queryset=RestrictedPerson.objects.order_by("pk")))
        .get(pk=restriction.pk)
    )
    return Response(RestrictionOutput(fresh).data, status=code)


def _listing_answer(listing: DishonestListing, code: int = status.HTTP_200_OK) -> Response:
    fresh = DishonestListing.objects.select_related("party", "listed_by", "removed_by", "term_deadline").get(
        pk=listing.pk
    )
    return Response(ListingOutput(fresh).data, status=code)


# --- Consumption restriction --------------------------------------------------------------------------------


class CaseRestrictionsApi(generics.GenericAPIView):
    """The case's consumption restrictions, newest first; the case's judge proposes one on a respondent
    (for an organisation, with the persons it binds), the court's president decides."""

    serializer_class = RestrictionOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: RestrictionOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(RestrictionOutput(selectors.case_credit(case).restrictions, many=True).data)

    @extend_schema(request=RestrictionInput, responses={201: RestrictionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(RestrictionInput, request)
        restriction = services.propose_restriction(
            actor=acting_user(request.user),
            case=case,
            party=_respondent(case, data["party"]),
            ruling_number=data["ruling_number"],
            reason=data["reason"],
            persons=[services.BoundPerson(**p) for p in data["persons"]],
        )
        return _restriction_answer(restriction, status.HTTP_201_CREATED)


class ApproveRestrictionApi(generics.GenericAPIView):
    """The court's president (never the proposer) approves: the order is in force from now."""

    serializer_class = RestrictionOutput

    @extend_schema(request=RestrictionApproveInput, responses={200: RestrictionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        restriction = selectors.of_visible_case(request.user, ConsumptionRestriction, pk)
        data = validated(RestrictionApproveInput, request)
        services.decide_restriction(
            actor=acting_user(request.user),
            restriction=restriction,
            approve=True,
            note=data["note"],
        )
        return _restriction_answer(restriction)


class RefuseRestrictionApi(generics.GenericAPIView):
    """The court's president (never the proposer) refuses, saying why."""

    serializer_class = RestrictionOutput

    @extend_schema(request=RestrictionRefuseInput, responses={200: RestrictionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        restriction = selectors.of_visible_case(request.user, ConsumptionRestriction, pk)
        data = validated(RestrictionRefuseInput, request)
        services.decide_restriction(
            actor=acting_user(request.user),
            restriction=restriction,
            approve=False,
            note=data["note"],
        )
        return _restriction_answer(restriction)


class LiftRestrictionApi(generics.GenericAPIView):
    """The case's judge lifts an order in force (performance, security, the applicant's consent), by a
    decision of its own; also after the case closed."""

    serializer_class = RestrictionOutput

    @extend_schema(request=RestrictionLiftInput, responses={200: RestrictionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        restriction = selectors.of_visible_case(request.user, ConsumptionRestriction, pk)
        data = validated(RestrictionLiftInput, request)
        services.lift_restriction(
            actor=acting_user(request.user),
            restriction=restriction,
            reason=data["reason"],
            decision_number=data["decision_number"],
            lifted_on=data["lifted_on"],
            note=data["note"],
        )
        return _restriction_answer(restriction)


class LiftNoticeApi(generics.GenericAPIView):
    """The lifting notice of a lifted order, as a PDF (404 until the order is lifted; 503 where the PDF
    renderer is not installed)."""

    serializer_class = RestrictionOutput

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The notice."
            ),
            **READ_ERRORS,
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        restriction = selectors.of_visible_case(request.user, ConsumptionRestriction, pk)
        case = get_case_for_user(request.user, restriction.case_id)
        return lift_notice_response(request._request, restriction, case)


# --- The dishonest-debtor list ------------------------------------------------------------------------------


class CaseListingsApi(generics.GenericAPIView):
    """The case's dishonest-debtor listings, newest first; the case's judge lists a respondent."""

    serializer_class = ListingOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: ListingOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(ListingOutput(selectors.case_credit(case).listings, many=True).data)

    @extend_schema(request=ListingInput, responses={201: ListingOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(ListingInput, request)
        listing = services.list_debtor(
            actor=acting_user(request.user),
            case=case,
            party=_respondent(case, data["party"]),
            grounds=data["grounds"],
            serious_violence=data["serious_violence"],
            conduct=data["conduct"],
            decision_number=data["decision_number"],
            listed_on=data["listed_on"],
            served_on=data["served_on"],
            service_method=data["service_method"],
        )
        return _listing_answer(listing, status.HTTP_201_CREATED)


class CaseListingRefusalsApi(generics.GenericAPIView):
    """The case's refusals to list, newest first; the case's judge records one with its lawful reason."""

    serializer_class = ListingRefusalOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: ListingRefusalOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(ListingRefusalOutput(selectors.case_credit(case).refusals, many=True).data)

    @extend_schema(request=ListingRefusalInput, responses={201: ListingRefusalOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(ListingRefusalInput, request)
        refusal = services.refuse_listing(
            actor=acting_user(request.user),
            case=case,
            party=_respondent(case, data["party"]),
            reason=data["reason"],
            refused_on=data["refused_on"],
            detail=data["detail"],
        )
        fresh = ListingRefusal.objects.select_related("party", "recorded_by").get(pk=refusal.pk)
        return Response(ListingRefusalOutput(fresh).data, status=status.HTTP_201_CREATED)


class ListingServiceApi(generics.GenericAPIView):
    """The listing decision was served on the debtor (when, how): from then it is published."""

    serializer_class = ListingOutput

    @extend_schema(request=ListingServiceInput, responses={200: ListingOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.of_visible_case(request.user, DishonestListing, pk)
        data = validated(ListingServiceInput, request)
        services.record_listing_service(
            actor=acting_user(request.user),
            listing=listing,
            served_on=data["served_on"],
            method=data["method"],
        )
        return _listing_answer(listing)


class ExtendListingApi(generics.GenericAPIView):
    """The term is extended by 1 to 3 years, once, for serious violence or several grounds."""

    serializer_class = ListingOutput

    @extend_schema(request=ListingExtensionInput, responses={200: ListingOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.of_visible_case(request.user, DishonestListing, pk)
        data = validated(ListingExtensionInput, request)
        services.extend_listing(
            actor=acting_user(request.user), listing=listing, years=data["years"], reason=data["reason"]
        )
        return _listing_answer(listing)


class ListingRemovalGroundApi(generics.GenericAPIView):
    """A ground for removal arose: the 3-working-day removal clock starts."""

    serializer_class = ListingOutput

    @extend_schema(request=RemovalGroundInput, responses={200: ListingOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.of_visible_case(request.user, DishonestListing, pk)
        data = validated(RemovalGroundInput, request)
        services.record_removal_ground(
            actor=acting_user(request.user),
            listing=listing,
            ground=data["ground"],
            arose_on=data["arose_on"],
            note=data["note"],
        )
        return _listing_answer(listing)


class RemoveListingApi(generics.GenericAPIView):
    """Remove a listing at once (for the ground recorded, or one given now); it leaves the published list."""

    serializer_class = ListingOutput

    @extend_schema(request=ListingRemovalInput, responses={200: ListingOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.of_visible_case(request.user, DishonestListing, pk)
        data = validated(ListingRemovalInput, request)
        services.remove_listing(
            actor=acting_user(request.user),
            listing=listing,
            ground=data["ground"],
            note=data["note"],
            removed_on=data["removed_on"],
        )
        return _listing_answer(listing)


class CreditRepairApi(generics.GenericAPIView):
    """Credit repair: the listing removed early (it leaves the published list at once) and the credit-repair
    decision issued, in one transaction. The answer is the certificate; its verification code is printed
    only on its PDF (``GET /api/v1/certificates/{id}/pdf/``)."""

    serializer_class = CertificateOutput

    @extend_schema(request=CreditRepairInput, responses={201: CertificateOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.of_visible_case(request.user, DishonestListing, pk)
        data = validated(CreditRepairInput, request)
        issued = services.repair_credit(
            actor=acting_user(request.user), listing=listing, reason=data["reason"]
        )
        return Response(CertificateOutput(issued.certificate).data, status=status.HTTP_201_CREATED)
