"""The custody API: online searches and their replies, property measures (terms, renewals, releases,
deductions' money), and judicial detention and fines.

Cases are read through the reader's permissions (``get_case_for_user``: 404 for outsiders), and so are
inquiries, measures, detentions and fines addressed by their own id (by their case). Ids given in the
input (parties, found assets, ledger entries, detentions) must belong to the same case, or the request is
refused (400) without saying what they belong to. The services decide who may act (403) and what is
valid (400), in the API's one error shape.
"""

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement import roles
from enforcement.api.pagination import PagePagination
from enforcement.api.serializers import validated
from enforcement.models import Case, Party
from enforcement.roles import acting_user
from enforcement.selectors import get_case_for_user
from payments.models import LedgerEntry

from . import selectors, services
from .models import (
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    Measure,
    MeasureTerm,
    PropertySearch,
    SearchInquiry,
)
from .serializers import (
    ApproveDetentionInput,
    ApproveFineInput,
    DetentionInput,
    DetentionOutput,
    EarlyReleaseInput,
    ExpiringQuery,
    FamilyNoticeInput,
    FineInput,
    FineOutput,
    InquiryOutput,
    MeasureOutput,
    MeasureRowOutput,
    PageQuery,
    ReceiptInput,
    RefuseInput,
    ReleaseMeasureInput,
    RenewInput,
    ReplyInput,
    SearchInput,
    SearchOutput,
    TakeMeasureInput,
)

BAD_REQUEST = OpenApiResponse(description="Invalid input, or the state does not allow it; per-field errors.")
FORBIDDEN = OpenApiResponse(description="Not signed in, or your role may not do this.")
NOT_FOUND = OpenApiResponse(description="No such object, or not one you may see.")
ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}
READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
# Who watches the terms of measures across cases: the judges' side of the court, not clerks or finance.
WATCH_ROLES = (roles.JUDGE, roles.ASSISTANT, roles.TEAM_LEAD, roles.SUPERVISOR, roles.PRESIDENT)

M = TypeVar("M", bound=Model)


# --- Reads through the reader's permissions ----------------------------------------------------------------


def _require_watcher(user: roles.AnyUser) -> None:
    if not (user.is_superuser or roles.has_role(user, *WATCH_ROLES)):
        raise PermissionDenied(
            _("Only the court's judges, assistants, team leads, supervisors and president follow measures.")
        )


# --- Ids in the input, within the case ---------------------------------------------------------------------


def _parties_of(case: Case, ids: list[int], field: str) -> dict[int, Party]:
    found = Party.objects.filter(case=case, pk__in=ids).in_bulk()
    if len(found) != len(set(ids)):
        raise DjangoValidationError({field: _("Not a party of this case.")})
    return found


def _party(case: Case, pk: int | None, field: str) -> Party | None:
    return None if pk is None else _parties_of(case, [pk], field)[pk]


def _found_asset(case: Case, pk: int | None) -> FoundAsset | None:
    if pk is None:
        return None
    asset = FoundAsset.objects.filter(inquiry__search__case=case, pk=pk).first()
    if asset is None:
        raise DjangoValidationError({"source": _("Not an asset found by a search of this case.")})
    return asset


def _entry_of(case: Case, pk: int) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(account__case=case, pk=pk).first()
    if entry is None:
        raise DjangoValidationError({"entry": _("Not an entry of this case's account.")})
    return entry


def _detention_of(case: Case, pk: int | None) -> Detention | None:
    if pk is None:
        return None
    detention = Detention.objects.filter(case=case, pk=pk).first()
    if detention is None:
        raise DjangoValidationError({"detention": _("Not a detention of this case.")})
    return detention


def _person(case: Case, data: dict[str, Any]) -> services.PersonInput:
    return services.PersonInput(
        name=data["person_name"],
        reason=data["reason"],
        decision_number=data["decision_number"],
        id_number=data["person_id_number"],
        party=_party(case, data["party"], "party"),
    )


def _query(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data: dict[str, Any] = query.validated_data
    return data


# --- Answers, read back with what they show ----------------------------------------------------------------


def _inquiries() -> QuerySet[SearchInquiry]:
    return SearchInquiry.objects.prefetch_related("assets__measure", "assets__owner")


def _search_answer(search: PropertySearch) -> Response:
    fresh = (
        PropertySearch.objects.select_related("requested_by")
        .prefetch_related(Prefetch("inquiries", queryset=_inquiries()))
        .get(pk=search.pk)
    )
    return Response(SearchOutput(fresh).data, status=status.HTTP_201_CREATED)


def _measures_loaded(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return measures.select_related("owner", "recorded_by").prefetch_related(
        Prefetch("terms", queryset=MeasureTerm.objects.select_related("deadline")),
        Prefetch("receipts", queryset=DeductionReceipt.objects.select_related("entry")),
    )


def _measure_answer(measure: Measure, code: int = status.HTTP_200_OK) -> Response:
    fresh = _measures_loaded(Measure.objects.all()).get(pk=measure.pk)
    return Response(MeasureOutput(fresh).data, status=code)


def _detention_answer(detention: Detention, code: int = status.HTTP_200_OK) -> Response:
    fresh = Detention.objects.select_related("proposed_by", "decided_by").get(pk=detention.pk)
    return Response(DetentionOutput(fresh).data, status=code)


def _fine_answer(fine: Fine, code: int = status.HTTP_200_OK) -> Response:
    fresh = Fine.objects.select_related("proposed_by", "decided_by").get(pk=fine.pk)
    return Response(FineOutput(fresh).data, status=code)


# --- Online searches ---------------------------------------------------------------------------------------


class CaseSearchesApi(generics.GenericAPIView):
    """The case's online property searches, newest first, each with the institutions asked, their replies
    and the assets found; the case's judge and team send a new one."""

    serializer_class = SearchOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: SearchOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(SearchOutput(selectors.case_custody(case).searches, many=True).data)

    @extend_schema(request=SearchInput, responses={201: SearchOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(SearchInput, request)
        search = services.request_search(
            actor=acting_user(request.user),
            case=case,
            requested_on=data["requested_on"],
            institutions=[services.Institution(i["kind"], i["name"]) for i in data["institutions"]],
            note=data["note"],
        )
        return _search_answer(search)


class InquiryReplyApi(generics.GenericAPIView):
    """An institution's reply, once: nothing found, or the assets it found (each may become a measure)."""

    serializer_class = InquiryOutput

    @extend_schema(request=ReplyInput, responses={200: InquiryOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        inquiry = selectors.inquiry_of_visible_case(request.user, pk)
        data = validated(ReplyInput, request)
        case = inquiry.search.case
        owners = _parties_of(case, [a["owner"] for a in data["assets"] if a["owner"] is not None], "assets")
        services.record_reply(
            actor=acting_user(request.user),
            inquiry=inquiry,
            replied_on=data["replied_on"],
            note=data["note"],
            assets=[
                services.AssetFound(
                    kind=a["kind"],
                    description=a["description"],
                    reference=a["reference"],
                    amount=a["amount"],
                    owner=owners.get(a["owner"]) if a["owner"] is not None else None,
                )
                for a in data["assets"]
            ],
        )
        return Response(InquiryOutput(_inquiries().get(pk=inquiry.pk)).data)


# --- Measures ----------------------------------------------------------------------------------------------


class CaseMeasuresApi(generics.GenericAPIView):
    """The case's property measures, latest effective first, with their terms (each with its expiry clock
    and how its last day was computed) and the money deductions brought in; the case's judge records a
    measure the court has taken (one with a term starts its expiry clock)."""

    serializer_class = MeasureOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: MeasureOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(MeasureOutput(selectors.case_custody(case).measures, many=True).data)

    @extend_schema(request=TakeMeasureInput, responses={201: MeasureOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(TakeMeasureInput, request)
        measure = services.take_measure(
            actor=acting_user(request.user),
            case=case,
            data=services.MeasureInput.from_cleaned(
                data,
                owner=_party(case, data["owner"], "owner"),
                source=_found_asset(case, data["source"]),
            ),
        )
        return _measure_answer(measure, status.HTTP_201_CREATED)


class RenewMeasureApi(generics.GenericAPIView):
    """Renew a measure in force before it expires: a new term from the last day of the current one."""

    serializer_class = MeasureOutput

    @extend_schema(request=RenewInput, responses={200: MeasureOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.of_visible_case(request.user, Measure, pk)
        data = validated(RenewInput, request)
        services.renew_measure(
            actor=acting_user(request.user),
            measure=measure,
            ruling_number=data["ruling_number"],
            months=data["months"],
        )
        return _measure_answer(measure)


class ReleaseMeasureApi(generics.GenericAPIView):
    """Release a measure, with the reason; its expiry clock stops."""

    serializer_class = MeasureOutput

    @extend_schema(request=ReleaseMeasureInput, responses={200: MeasureOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.of_visible_case(request.user, Measure, pk)
        data = validated(ReleaseMeasureInput, request)
        services.release_measure(
            actor=acting_user(request.user),
            measure=measure,
            released_on=data["released_on"],
            reason=data["reason"],
        )
        return _measure_answer(measure)


class MeasureReceiptsApi(generics.GenericAPIView):
    """Link money a deduction brought into the case account (a received ledger entry) to the deduction,
    which is then done. Answers the measure with its money."""

    serializer_class = MeasureOutput

    @extend_schema(request=ReceiptInput, responses={201: MeasureOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.of_visible_case(request.user, Measure, pk)
        data = validated(ReceiptInput, request)
        services.link_deduction(
            actor=acting_user(request.user), measure=measure, entry=_entry_of(measure.case, data["entry"])
        )
        return _measure_answer(measure, status.HTTP_201_CREATED)


class ExpiringMeasuresApi(generics.GenericAPIView):
    """Measures in force whose term ends within the window (today included), soonest first, in the cases
    you may see."""

    serializer_class = MeasureRowOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(
        parameters=[ExpiringQuery],
        responses={200: MeasureRowOutput(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        _require_watcher(request.user)
        days = _query(ExpiringQuery, request)["days"]
        page = self.paginate_queryset(_measures_loaded(selectors.expiring_measures(request.user, days=days)))
        return self.get_paginated_response(MeasureRowOutput(page, many=True).data)


class LapsedMeasuresApi(generics.GenericAPIView):
    """Measures whose term ended without a renewal and that were not released since, most recent first,
    in the cases you may see."""

    serializer_class = MeasureRowOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(
        parameters=[PageQuery], responses={200: MeasureRowOutput(many=True), 400: BAD_REQUEST, 403: FORBIDDEN}
    )
    def get(self, request: Request) -> Response:
        _require_watcher(request.user)
        _query(PageQuery, request)
        page = self.paginate_queryset(_measures_loaded(selectors.lapsed_measures(request.user)))
        return self.get_paginated_response(MeasureRowOutput(page, many=True).data)


# --- Detention ---------------------------------------------------------------------------------------------


class CaseDetentionsApi(generics.GenericAPIView):
    """The case's judicial detentions, newest first; the case's judge proposes one (at most 15 days), the
    court's president decides."""

    serializer_class = DetentionOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: DetentionOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(DetentionOutput(selectors.case_custody(case).detentions, many=True).data)

    @extend_schema(request=DetentionInput, responses={201: DetentionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(DetentionInput, request)
        detention = services.propose_detention(
            actor=acting_user(request.user), case=case, person=_person(case, data), days=data["days"]
        )
        return _detention_answer(detention, status.HTTP_201_CREATED)


class ApproveDetentionApi(generics.GenericAPIView):
    """The court's president (never the proposer) approves: custody begins (now by default), the release
    date follows, and the 24-hour clock for telling the family starts."""

    serializer_class = DetentionOutput

    @extend_schema(request=ApproveDetentionInput, responses={200: DetentionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        detention = selectors.of_visible_case(request.user, Detention, pk)
        data = validated(ApproveDetentionInput, request)
        services.decide_detention(
            actor=acting_user(request.user),
            detention=detention,
            approve=True,
            note=data["note"],
            started_at=data["started_at"],
        )
        return _detention_answer(detention)


class RefuseDetentionApi(generics.GenericAPIView):
    """The court's president (never the proposer) refuses, saying why."""

    serializer_class = DetentionOutput

    @extend_schema(request=RefuseInput, responses={200: DetentionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        detention = selectors.of_visible_case(request.user, Detention, pk)
        note = validated(RefuseInput, request)["note"]
        services.decide_detention(
            actor=acting_user(request.user), detention=detention, approve=False, note=note
        )
        return _detention_answer(detention)


class FamilyNoticeApi(generics.GenericAPIView):
    """The family of the detained person was told (who, how, when): meets the 24-hour clock."""

    serializer_class = DetentionOutput

    @extend_schema(request=FamilyNoticeInput, responses={200: DetentionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        detention = selectors.of_visible_case(request.user, Detention, pk)
        data = validated(FamilyNoticeInput, request)
        services.record_family_notice(
            actor=acting_user(request.user),
            detention=detention,
            notified_at=data["notified_at"],
            notice=data["notice"],
        )
        return _detention_answer(detention)


class ReleaseDetentionApi(generics.GenericAPIView):
    """Early release from a detention under way, with the reason."""

    serializer_class = DetentionOutput

    @extend_schema(request=EarlyReleaseInput, responses={200: DetentionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        detention = selectors.of_visible_case(request.user, Detention, pk)
        data = validated(EarlyReleaseInput, request)
        services.release_early(
            actor=acting_user(request.user),
            detention=detention,
            released_at=data["released_at"],
            reason=data["reason"],
        )
        return _detention_answer(detention)


# --- Fines -------------------------------------------------------------------------------------------------


class CaseFinesApi(generics.GenericAPIView):
    """The case's fines, newest first; the case's judge proposes one, the court's president decides."""

    serializer_class = FineOutput
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: FineOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(FineOutput(selectors.case_custody(case).fines, many=True).data)

    @extend_schema(request=FineInput, responses={201: FineOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(FineInput, request)
        fine = services.propose_fine(
            actor=acting_user(request.user),
            case=case,
            person=_person(case, data),
            amount=data["amount"],
            detention=_detention_of(case, data["detention"]),
        )
        return _fine_answer(fine, status.HTTP_201_CREATED)


class ApproveFineApi(generics.GenericAPIView):
    """The court's president (never the proposer) approves the fine."""

    serializer_class = FineOutput

    @extend_schema(request=ApproveFineInput, responses={200: FineOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        fine = selectors.of_visible_case(request.user, Fine, pk)
        note = validated(ApproveFineInput, request)["note"]
        services.decide_fine(actor=acting_user(request.user), fine=fine, approve=True, note=note)
        return _fine_answer(fine)


class RefuseFineApi(generics.GenericAPIView):
    """The court's president (never the proposer) refuses the fine, saying why."""

    serializer_class = FineOutput

    @extend_schema(request=RefuseInput, responses={200: FineOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        fine = selectors.of_visible_case(request.user, Fine, pk)
        note = validated(RefuseInput, request)["note"]
        services.decide_fine(actor=acting_user(request.user), fine=fine, approve=False, note=note)
        return _fine_answer(fine)
