"""The money API: the bank's signed notifications, and the staff's payouts, claims, holds and adjustments.

Cases are read through the reader's permissions (``get_case_for_user``: 404 for outsiders), and so are
payouts, holds, ledger entries and bank transactions (by their case, or their court). The services decide
who may act (403) and what is valid (400), in the API's one error shape. The POSTs that move or commit
money (propose, approve, pay, claim, return, take out, transfer, reverse) need an ``Idempotency-Key``
(``payments.idempotency``); the others (reject, cancel, holds, payees, payer review) refuse a repeat by
state, so a retry is harmless without one.
"""

import hashlib
import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement import roles
from enforcement.api.errors import error_body
from enforcement.api.pagination import PagePagination
from enforcement.api.parsers import JSONParser
from enforcement.api.serializers import validated
from enforcement.casenumbers import normalize_case_number
from enforcement.models import Case, Party
from enforcement.roles import acting_user
from enforcement.selectors import cases_visible_to, get_case_for_user

from . import bank_notifications, selectors, services
from .idempotency import KEY_PARAMETER, KEY_RESPONSES, idempotent
from .models import BankTransaction, LedgerEntry, Payout, PayoutHold
from .serializers import (
    ApprovalNoteInput,
    BankNotificationInput,
    BankNotificationOutput,
    BankTransactionOutput,
    CaseMoneyOutput,
    ClaimTransactionInput,
    EmptyInput,
    HoldInput,
    HoldOutput,
    LedgerEntryOutput,
    MoneyNoteInput,
    PayeeInput,
    PayeeOutput,
    PayInput,
    PayoutListQuery,
    PayoutOutput,
    ProposePayoutInput,
    TakeOutInput,
    TransferInput,
    TransferOutput,
)

logger = logging.getLogger(__name__)

BAD_REQUEST = OpenApiResponse(description="Invalid input, or the state does not allow it; per-field errors.")
FORBIDDEN = OpenApiResponse(description="Not signed in, or your role may not do this.")
NOT_FOUND = OpenApiResponse(description="No such object, or not one you may see.")
ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}
MONEY_ERRORS = {
    400: OpenApiResponse(description="Invalid input, no Idempotency-Key, or the state does not allow it."),
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: OpenApiResponse(description="A request with this Idempotency-Key is still being processed."),
    **KEY_RESPONSES,
}


# --- The bank's notifications ------------------------------------------------------------------------------

SIGNATURE_HEADER = "X-Signature"


def signaturevalidated(body: bytes, given: str) -> bool:
    """``given`` is the hex HMAC-SHA256 of the raw body with the shared secret; no secret, no entry."""
    secret = settings.BANK_WEBHOOK_SECRET
    if not secret or not given:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


class BankNotificationApi(generics.GenericAPIView):
    """The bank tells us money arrived (signed with the shared secret, no user). A transaction already
    known, sent again with the same content, answers 200 and changes nothing, so the bank may deliver it
    as often as it likes; with other content (amount, sub-account, payer) it is a conflict (409). An
    amount too large for the ledger or an impossible booking time is refused (400); finance is told."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    serializer_class = BankNotificationOutput

    @extend_schema(
        request=BankNotificationInput,
        parameters=[
            OpenApiParameter(
                name=SIGNATURE_HEADER,
                location=OpenApiParameter.HEADER,
                required=True,
                type=str,
                description="Hex HMAC-SHA256 of the raw request body with the shared secret.",
            )
        ],
        responses={
            201: BankNotificationOutput,
            200: OpenApiResponse(BankNotificationOutput, description="Already known; nothing changed."),
            400: OpenApiResponse(
                description=(
                    "Invalid notification; nothing saved. Amounts too large for the ledger and booking "
                    "times in the future or before the court's account was opened are reported to finance."
                )
            ),
            401: OpenApiResponse(description="The signature is missing or wrong; nothing saved."),
            409: OpenApiResponse(
                description=(
                    "This transaction id is already recorded with another amount, sub-account or payer; "
                    "nothing changed, finance is told. ``errors`` gives the recorded values."
                )
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = request.body  # the raw bytes the bank signed, read before DRF parses them
        if not signaturevalidated(body, request.headers.get(SIGNATURE_HEADER, "")):
            logger.warning("bank notification refused: missing or wrong signature")
            message = _("The signature is missing or does not match the body.")
            return Response(
                error_body(message, "bad_signature"),
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": f'{SIGNATURE_HEADER} realm="bank", algorithm="HMAC-SHA256"'},
            )
        incoming = BankNotificationInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            tx, created = bank_notifications.receive_notification(
                services.IncomingMoney(
                    transaction_id=data["transaction_id"],
                    account_number=data["account"],
                    amount=data["amount"],
                    booked_at=data["booked_at"],
                    payer_name=data["payer_name"],
                    payer_account=data["payer_account"],
                )
            )
        except bank_notifications.TransactionConflict as conflict:
            logger.warning("bank transaction %s sent again with other content", conflict.tx.transaction_id)
            return Response(_conflict_body(conflict), status=status.HTTP_409_CONFLICT)
        answer = {
            "transaction_id": tx.transaction_id,
            "status": tx.status,
            "case": tx.case.number if tx.case is not None else None,
            "created": created,
        }
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# The request's names of the fields a conflict is about.
CONFLICT_FIELDS = {
    "amount": "amount",
    "account_number": "account",
    "payer_name": "payer_name",
    "payer_account": "payer_account",
}


def _conflict_body(conflict: bank_notifications.TransactionConflict) -> dict[str, Any]:
    message = _("The transaction %(id)s is already recorded with other details; nothing was changed.") % {
        "id": conflict.tx.transaction_id
    }
    errors = {
        CONFLICT_FIELDS[field]: [_("Recorded as %(value)s.") % {"value": value or "—"}]
        for field, value in conflict.recorded.items()
    }
    return error_body(message, "conflict", errors)


# --- Parties and cases named in a request -------------------------------------------------------------------


def _parties_of(case: Case, ids: list[int], field: str) -> dict[int, Party]:
    found = Party.objects.filter(case=case, pk__in=ids).select_related("case").in_bulk()
    if len(found) != len(set(ids)):
        raise DjangoValidationError({field: _("Not a party of this case.")})
    return found


def _visible_case(user: roles.AnyUser, reference: str, field: str) -> Case:
    """A case the user sees, by id or by number."""
    reference = reference.strip()
    cases = cases_visible_to(user).select_related("court")
    if reference.isdecimal() and len(reference) <= 18:
        found = cases.filter(pk=int(reference)).first()
    else:
        found = cases.filter(number=normalize_case_number(reference)).first()
    if found is None:
        raise DjangoValidationError({field: _("There is no such case in your courts.")})
    return found


def _payout_answer(payout: Payout, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.payouts_loaded().get(pk=payout.pk)
    return Response(PayoutOutput(fresh).data, status=code)


def _transaction_answer(tx: BankTransaction) -> Response:
    fresh = BankTransaction.objects.select_related("court", "case").get(pk=tx.pk)
    return Response(BankTransactionOutput(fresh).data)


def _entry_answer(entry: LedgerEntry) -> Response:
    fresh = LedgerEntry.objects.select_related("recorded_by").get(pk=entry.pk)
    return Response(LedgerEntryOutput(fresh).data, status=status.HTTP_201_CREATED)


# --- A case's money ----------------------------------------------------------------------------------------


class CaseMoneyApi(generics.GenericAPIView):
    """The case's sub-account: balance, reserved and available money, the ledger, payouts, holds, payees."""

    serializer_class = CaseMoneyOutput

    @extend_schema(responses={200: CaseMoneyOutput, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        return Response(CaseMoneyOutput(selectors.case_money(case)).data)


class PayeeApi(generics.GenericAPIView):
    """The judge confirms an applicant's payout account (replacing the one recorded before)."""

    serializer_class = PayeeOutput

    @extend_schema(request=PayeeInput, responses={201: PayeeOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(PayeeInput, request)
        party = _parties_of(case, [data.pop("party")], "party")
        account = services.record_payee_account(
            actor=acting_user(request.user), party=next(iter(party.values())), **data
        )
        return Response(PayeeOutput(account).data, status=status.HTTP_201_CREATED)


# --- Payouts -----------------------------------------------------------------------------------------------


class ProposePayoutApi(generics.GenericAPIView):
    """Propose a payout of the case's money to its applicants: lines with amounts, or a total by shares."""

    serializer_class = PayoutOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=ProposePayoutInput,
        parameters=[KEY_PARAMETER],
        responses={201: PayoutOutput, **MONEY_ERRORS},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(ProposePayoutInput, request)
        if "lines" in data:
            wanted = [(line["payee"], line["amount"]) for line in data["lines"]]
        else:
            amounts = services.split_by_shares(data["amount"], [s["share"] for s in data["shares"]])
            wanted = [(share["payee"], amount) for share, amount in zip(data["shares"], amounts, strict=True)]
        field = "lines" if "lines" in data else "shares"
        parties = _parties_of(case, [payee for payee, _amount in wanted], field)
        payout = services.propose_payout(
            actor=acting_user(request.user),
            case=case,
            lines=[(parties[payee], amount) for payee, amount in wanted],
            reason=data["reason"],
        )
        return _payout_answer(payout, status.HTTP_201_CREATED)


class PayoutListApi(generics.GenericAPIView):
    """Payouts you may see (your cases; approvers and finance: your courts'), newest first."""

    serializer_class = PayoutOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(parameters=[PayoutListQuery], responses={200: PayoutOutput(many=True), 400: BAD_REQUEST})
    def get(self, request: Request) -> Response:
        query = PayoutListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        payouts = selectors.payouts_reachable(request.user)
        if wanted := query.validated_data.get("status"):
            payouts = payouts.filter(status=wanted)
        page = self.paginate_queryset(payouts.order_by("-proposed_at", "-id"))
        return self.get_paginated_response(PayoutOutput(page, many=True).data)


class ApprovePayoutApi(generics.GenericAPIView):
    """A second person (never the proposer; above the court's threshold a president) approves."""

    serializer_class = PayoutOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=ApprovalNoteInput, parameters=[KEY_PARAMETER], responses={200: PayoutOutput, **MONEY_ERRORS}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        payout = selectors.reachable(request.user, Payout, pk)
        note = validated(ApprovalNoteInput, request)["note"]
        services.decide_payout(actor=acting_user(request.user), payout=payout, approve=True, note=note)
        return _payout_answer(payout)


class RejectPayoutApi(generics.GenericAPIView):
    """An approver rejects the payout, saying why; its money is free again."""

    serializer_class = PayoutOutput

    @extend_schema(request=MoneyNoteInput, responses={200: PayoutOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        payout = selectors.reachable(request.user, Payout, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.decide_payout(actor=acting_user(request.user), payout=payout, approve=False, note=note)
        return _payout_answer(payout)


class CancelPayoutApi(generics.GenericAPIView):
    """The proposer or an approver withdraws a payout not yet sent to the bank, saying why."""

    serializer_class = PayoutOutput

    @extend_schema(request=MoneyNoteInput, responses={200: PayoutOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        payout = selectors.reachable(request.user, Payout, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.cancel_payout(actor=acting_user(request.user), payout=payout, note=note)
        return _payout_answer(payout)


class PayPayoutApi(generics.GenericAPIView):
    """Finance records that the bank paid an approved payout: the money leaves the case's ledger."""

    serializer_class = PayoutOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=PayInput, parameters=[KEY_PARAMETER], responses={200: PayoutOutput, **MONEY_ERRORS}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        payout = selectors.reachable(request.user, Payout, pk)
        data = validated(PayInput, request)
        services.mark_payout_paid(
            actor=acting_user(request.user),
            payout=payout,
            bank_reference=data["bank_reference"],
            paid_at=data["paid_at"],
        )
        return _payout_answer(payout)


# --- Money waiting to be claimed ---------------------------------------------------------------------------


class UnmatchedMoneyApi(generics.GenericAPIView):
    """Finance: money that matched no case, in your courts or in no known court; earliest claim date first."""

    serializer_class = BankTransactionOutput
    filter_backends: list[Any] = []
    pagination_class = PagePagination

    @extend_schema(responses={200: BankTransactionOutput(many=True), 403: FORBIDDEN})
    def get(self, request: Request) -> Response:
        if not roles.has_role(request.user, roles.FINANCE):
            raise PermissionDenied(_("Only the court's finance officers handle money."))
        page = self.paginate_queryset(selectors.unmatched_money(request.user).select_related("court", "case"))
        return self.get_paginated_response(BankTransactionOutput(page, many=True).data)


class ClaimTransactionApi(generics.GenericAPIView):
    """Finance puts unmatched money on the case it belongs to (by id or number); it is credited at once."""

    serializer_class = BankTransactionOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=ClaimTransactionInput,
        parameters=[KEY_PARAMETER],
        responses={200: BankTransactionOutput, **MONEY_ERRORS},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        tx = selectors.transaction_reachable(request.user, pk)
        data = validated(ClaimTransactionInput, request)
        case = _visible_case(request.user, data["case"], "case")
        services.claim_transaction(actor=acting_user(request.user), tx=tx, case=case, note=data["note"])
        return _transaction_answer(tx)


class ReturnTransactionApi(generics.GenericAPIView):
    """Finance sends money that belongs to no case back to the payer, saying why."""

    serializer_class = BankTransactionOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=MoneyNoteInput,
        parameters=[KEY_PARAMETER],
        responses={200: BankTransactionOutput, **MONEY_ERRORS},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        tx = selectors.transaction_reachable(request.user, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.return_transaction(actor=acting_user(request.user), tx=tx, note=note)
        return _transaction_answer(tx)


class ReviewPayerApi(generics.GenericAPIView):
    """Someone other than a respondent paid: finance or the case's judge says why it is in order."""

    serializer_class = BankTransactionOutput

    @extend_schema(request=MoneyNoteInput, responses={200: BankTransactionOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        tx = selectors.transaction_reachable(request.user, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.review_payer(actor=acting_user(request.user), tx=tx, note=note)
        return _transaction_answer(tx)


# --- Holds -------------------------------------------------------------------------------------------------


def _hold_answer(hold: PayoutHold, code: int = status.HTTP_200_OK) -> Response:
    fresh = PayoutHold.objects.select_related("requested_by", "decided_by", "released_by").get(pk=hold.pk)
    return Response(HoldOutput(fresh).data, status=code)


class RequestHoldApi(generics.GenericAPIView):
    """The case's judge asks to stop payouts for a statutory reason; a supervisor or president approves."""

    serializer_class = HoldOutput

    @extend_schema(request=HoldInput, responses={201: HoldOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(HoldInput, request)
        hold = services.request_hold(actor=acting_user(request.user), case=case, **data)
        return _hold_answer(hold, status.HTTP_201_CREATED)


class ApproveHoldApi(generics.GenericAPIView):
    """A supervisor or president (not the requester) puts the hold in force: the payout clocks stop."""

    serializer_class = HoldOutput

    @extend_schema(request=None, responses={200: HoldOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        hold = selectors.reachable(request.user, PayoutHold, pk)
        validated(EmptyInput, request)
        services.decide_hold(actor=acting_user(request.user), hold=hold, approve=True)
        return _hold_answer(hold)


class RefuseHoldApi(generics.GenericAPIView):
    """A supervisor or president (not the requester) refuses the hold."""

    serializer_class = HoldOutput

    @extend_schema(request=MoneyNoteInput, responses={200: HoldOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        hold = selectors.reachable(request.user, PayoutHold, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.decide_hold(actor=acting_user(request.user), hold=hold, approve=False, note=note)
        return _hold_answer(hold)


class ReleaseHoldApi(generics.GenericAPIView):
    """A supervisor or president ends a hold in force, saying why: the payout clocks run again."""

    serializer_class = HoldOutput

    @extend_schema(request=MoneyNoteInput, responses={200: HoldOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        hold = selectors.reachable(request.user, PayoutHold, pk)
        note = validated(MoneyNoteInput, request)["note"]
        services.release_hold(actor=acting_user(request.user), hold=hold, note=note)
        return _hold_answer(hold)


# --- Adjustments -------------------------------------------------------------------------------------------


class TakeOutApi(generics.GenericAPIView):
    """Finance deducts court fees from the case's money, or refunds it to the payer, with the reason."""

    serializer_class = LedgerEntryOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=TakeOutInput, parameters=[KEY_PARAMETER], responses={201: LedgerEntryOutput, **MONEY_ERRORS}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk)
        data = validated(TakeOutInput, request)
        entry = services.take_out(actor=acting_user(request.user), case=case, **data)
        return _entry_answer(entry)


class TransferApi(generics.GenericAPIView):
    """Finance moves money from this case to another case of the court, with the reason."""

    serializer_class = TransferOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=TransferInput, parameters=[KEY_PARAMETER], responses={201: TransferOutput, **MONEY_ERRORS}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        source = get_case_for_user(request.user, pk)
        data = validated(TransferInput, request)
        target = _visible_case(request.user, str(data["target"]), "target")
        out = services.transfer(
            actor=acting_user(request.user),
            source=source,
            target=target,
            amount=data["amount"],
            note=data["note"],
        )
        entries = LedgerEntry.objects.select_related("recorded_by")
        body = {
            "source_entry": LedgerEntryOutput(entries.get(pk=out.pk)).data,
            "target_entry": LedgerEntryOutput(entries.get(counterpart=out)).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ReverseEntryApi(generics.GenericAPIView):
    """Finance undoes a wrong ledger entry with its opposite, saying what was wrong."""

    serializer_class = LedgerEntryOutput
    parser_classes = [JSONParser]

    @extend_schema(
        request=MoneyNoteInput,
        parameters=[KEY_PARAMETER],
        responses={201: LedgerEntryOutput, **MONEY_ERRORS},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_reachable(request.user, pk)
        note = validated(MoneyNoteInput, request)["note"]
        reversal = services.reverse_entry(actor=acting_user(request.user), entry=entry, note=note)
        return _entry_answer(reversal)
