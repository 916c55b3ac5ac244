"""Appointments and messages in the API for the court's mini-program, under ``/api/v1/progress/``.

The party is the one named by the ``X-Party-Token`` header (from ``POST /api/v1/progress/``); staff
sign-ins mean nothing here, and without a valid token the answer is 401. Errors have the API's one shape;
a slot someone else booked first is 409, the daily limit of messages 429.

The staff's side: ``/api/v1/slots/`` for the signed-in judge's own slots (list, publish, withdraw).
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.errors import error_body
from enforcement.api.serializers import validated
from enforcement.models import Court
from enforcement.roles import acting_user

from .. import appointments, party_messages
from ..models import Appointment, AppointmentSlot
from ..proof import PortalAccess, access_from_header
from ..serializers import (
    AppointmentOutput,
    BookInput,
    FreeSlotsOutput,
    MessageInput,
    MessageOutput,
    SlotInput,
    SlotOutput,
    WithdrawInput,
)
from .common import NO_TOKEN, PARTY_TOKEN, unauthorized

BAD_REQUEST = OpenApiResponse(description="Invalid input, or the state does not allow it; per-field errors.")
NOT_FOUND = OpenApiResponse(description="No such appointment of yours.")


# --- Input and output ---------------------------------------------------------------------------------------


def _appointment_body(booking: Appointment, case: Any, now: datetime.datetime) -> dict[str, Any]:
    state = appointments.status_of(booking, now=now)
    return {
        "id": booking.pk,
        "starts_at": booking.slot.starts_at,
        "ends_at": booking.slot.ends_at,
        "place": booking.slot.place,
        "judge": appointments.staff_name_for_party(booking.slot.judge, case),
        "topic": booking.topic,
        "booked_at": booking.booked_at,
        "cancelled_at": booking.cancelled_at,
        "status": state,
        "can_cancel": state == "booked",
    }


def _answer(data: Any, code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=code, headers={"Cache-Control": "no-store"})


def _refused(message: str, code: str, status_code: int) -> Response:
    return Response(error_body(message, code), status=status_code, headers={"Cache-Control": "no-store"})


class PartyApi(APIView):
    """The party token is the only credential: no session (so no CSRF), and a staff login changes nothing."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def party(self, request: Request) -> PortalAccess | None:
        return access_from_header(request._request)


# --- The party's side ---------------------------------------------------------------------------------------


class FreeSlotsApi(PartyApi):
    @extend_schema(
        operation_id="progress_slots_list",
        parameters=[PARTY_TOKEN],
        responses={200: FreeSlotsOutput, 401: NO_TOKEN},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        """The free times of the case's responsible judge (none before a judge is assigned)."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        case = access.case
        judge = case.responsible_judge if case.responsible_judge_id else None
        body = {
            "judge": appointments.staff_name_for_party(judge, case) if judge is not None else "",
            "slots": list(appointments.free_slots(case)[: appointments.SHOWN_SLOTS]),
        }
        return _answer(FreeSlotsOutput(body).data)


class AppointmentsApi(PartyApi):
    @extend_schema(
        operation_id="progress_appointments_list",
        parameters=[PARTY_TOKEN],
        responses={200: AppointmentOutput(many=True), 401: NO_TOKEN},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        """Your appointments in this case, latest first."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        now = timezone.now()
        rows = [_appointment_body(b, access.case, now) for b in appointments.party_bookings(access)[:20]]
        return _answer(AppointmentOutput(rows, many=True).data)

    @extend_schema(
        operation_id="progress_appointments_book",
        parameters=[PARTY_TOKEN],
        request=BookInput,
        responses={
            201: AppointmentOutput,
            400: BAD_REQUEST,
            401: NO_TOKEN,
            409: OpenApiResponse(description="Someone else booked this time first; choose another."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Book a free time (one coming appointment per party and case)."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        data = validated(BookInput, request)
        try:
            booking = appointments.book_slot(access=access, slot_id=data["slot"], topic=data["topic"])
        except appointments.SlotTaken as taken:
            return _refused(" ".join(taken.messages), "slot_taken", status.HTTP_409_CONFLICT)
        body = _appointment_body(booking, access.case, timezone.now())
        return _answer(AppointmentOutput(body).data, status.HTTP_201_CREATED)


class CancelAppointmentApi(PartyApi):
    @extend_schema(
        operation_id="progress_appointments_cancel",
        parameters=[PARTY_TOKEN],
        request=None,
        responses={200: AppointmentOutput, 400: BAD_REQUEST, 401: NO_TOKEN, 404: NOT_FOUND},
        auth=[],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Cancel your appointment before it begins; the judge is told."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        booking = appointments.cancel_booking(access=access, appointment_id=pk)  # 404: not yours
        return _answer(AppointmentOutput(_appointment_body(booking, access.case, timezone.now())).data)


class MessagesApi(PartyApi):
    @extend_schema(
        operation_id="progress_messages_list",
        parameters=[PARTY_TOKEN],
        responses={200: MessageOutput(many=True), 401: NO_TOKEN},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        """Your messages with the judge, oldest first. Reading changes nothing: once the app has shown the
        court's answers, it says so with ``POST /api/v1/progress/messages/read/``."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        thread = [
            party_messages.party_view_of(m, access.case)
            for m in party_messages.thread(access.case, access.party)
        ]
        return _answer(MessageOutput(thread, many=True).data)

    @extend_schema(
        operation_id="progress_messages_write",
        parameters=[PARTY_TOKEN],
        request=MessageInput,
        responses={
            201: MessageOutput,
            400: BAD_REQUEST,
            401: NO_TOKEN,
            429: OpenApiResponse(
                description="You wrote 10 messages in the last 24 hours; the message says when."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Write to the responsible judge (once one is assigned); he is told in his inbox."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        data = validated(MessageInput, request)
        try:
            message = party_messages.write_to_judge(access=access, body=data["body"])
        except party_messages.MessageLimitReached as limit:
            return _refused(" ".join(limit.messages), "throttled", status.HTTP_429_TOO_MANY_REQUESTS)
        return _answer(
            MessageOutput(party_messages.party_view_of(message, access.case)).data, status.HTTP_201_CREATED
        )


# --- The judge's side: his own slots ------------------------------------------------------------------------


def _slot_rows(slots: list[AppointmentSlot]) -> list[dict[str, Any]]:
    bookings = appointments.bookings_by_slot(slots)
    rows = []
    for s in slots:
        b = bookings.get(s.pk)
        rows.append(
            {
                "slot": s,
                "booked": b is not None,
                "case": b.case.number if b else None,
                "party": b.party.name if b else None,
                "topic": b.topic if b else None,
            }
        )
    return rows


def _court_for(request: Request, wanted: int | None) -> Court:
    courts = appointments.publishing_courts(request.user)
    if not courts:
        raise ApiPermissionDenied(_("Only the court's judges and team leads publish slots."))
    if wanted is None and len(courts) == 1:
        return courts[0]
    found = next((c for c in courts if c.pk == wanted), None)
    if found is None:
        raise serializers.ValidationError({"court": [_("Choose one of your courts.")]})
    return found


class SlotsApi(APIView):
    @extend_schema(operation_id="slots_list", responses={200: SlotOutput(many=True), 403: OpenApiResponse()})
    def get(self, request: Request) -> Response:
        """Your coming slots, with their bookings."""
        actor = acting_user(request.user)
        return Response(SlotOutput(_slot_rows(list(appointments.judge_slots(actor))), many=True).data)

    @extend_schema(
        operation_id="slots_publish",
        request=SlotInput,
        responses={201: SlotOutput(many=True), 400: BAD_REQUEST, 403: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        """Publish one slot, or a span split into slots; all or none."""
        actor = acting_user(request.user)
        data = validated(SlotInput, request)
        court = _court_for(request, data.get("court"))
        times = appointments.split(
            starts_at=data["starts_at"], ends_at=data["ends_at"], minutes=data.get("minutes")
        )
        created = appointments.publish_slots(actor=actor, court=court, times=times, place=data["place"])
        return Response(SlotOutput(_slot_rows(created), many=True).data, status=status.HTTP_201_CREATED)


class WithdrawSlotApi(APIView):
    @extend_schema(
        operation_id="slots_withdraw",
        request=WithdrawInput,
        responses={
            200: SlotOutput,
            400: BAD_REQUEST,
            404: OpenApiResponse(description="Not one of your slots."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Withdraw your slot; a booked one needs a note, and its booking is cancelled."""
        actor = acting_user(request.user)
        slot = AppointmentSlot.objects.filter(pk=pk, judge=actor).first()
        if slot is None:
            return _refused(_("Not found."), "not_found", status.HTTP_404_NOT_FOUND)
        data = validated(WithdrawInput, request)
        withdrawn = appointments.withdraw_slot(actor=actor, slot=slot, note=data["note"])
        return Response(SlotOutput(_slot_rows([withdrawn])[0]).data)


MessagesReadOutput = inline_serializer("PartyMessagesRead", {"marked_read": serializers.IntegerField()})


class MessagesReadApi(PartyApi):
    @extend_schema(
        operation_id="progress_messages_read",
        parameters=[PARTY_TOKEN],
        request=None,
        responses={200: MessagesReadOutput, 401: NO_TOKEN},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Mark the court's answers to you read (the app has shown them); says how many were unread."""
        access = self.party(request)
        if access is None:
            return unauthorized()
        return _answer({"marked_read": party_messages.mark_read_by_party(access)})
