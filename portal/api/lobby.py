"""The self-service terminals' feed (public, no account, throttled per address: ``portal.lobby_throttle``).

``GET /api/v1/lobby/{code}/``: what the lobby screen shows (the court's cases in progress with masked
names and their stage, today's appointments, the service phone). ``GET /api/v1/lobby/{code}/guide/``: the
guidance and the forms to download, which change rarely. Both answer 404 for a court without an enabled
lobby screen (``portal.lobby.screen_for``), and 429 with Retry-After past the cap.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from enforcement.clientaddress import client_address
from enforcement.models import Court

from .. import lobby, lobby_throttle
from ..models import LobbyScreen
from ..serializers import LobbyBoardOutput, LobbyGuideListOutput

NOT_SHOWN = OpenApiResponse(description="No court with this code shows a lobby screen.")
THROTTLED = OpenApiResponse(description="Too many requests from this address; Retry-After says when.")


class LobbyThrottle(BaseThrottle):
    """The lobby's cap per client address, shared with the screen's page."""

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = lobby_throttle.wait_seconds(client_address(request))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


def _court(board: LobbyScreen) -> dict[str, str]:
    court: Court = board.court
    return {
        "code": court.code,
        "name": court.name,
        "service_phone": court.service_phone,
        "opening_hours": board.opening_hours,
    }


class LobbyApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LobbyThrottle]


class LobbyBoardApi(LobbyApi):
    """The court's cases in progress (at most 200, the most recently active first) and today's
    appointments, with parties' names masked; never an identity number, phone, address or amount."""

    @extend_schema(
        operation_id="lobby_board",
        responses={200: LobbyBoardOutput, 404: NOT_SHOWN, 429: THROTTLED},
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        board = lobby.screen_for(code)
        court = board.court
        cases = lobby.named(lobby.cases_in_progress(court))
        body = {
            "court": _court(board),
            "generated_at": timezone.now(),
            "case_limit": lobby.CASE_LIMIT,
            "cases": [vars(case) for case in cases],
            "appointments": [vars(a) for a in lobby.appointments_on(court, timezone.localdate())],
        }
        return Response(LobbyBoardOutput(body).data, headers={"Cache-Control": "no-store"})


class LobbyGuideApi(LobbyApi):
    """The guidance shown at the court's terminals (in the language asked for) and the forms a party may
    download as PDF."""

    @extend_schema(
        operation_id="lobby_guide",
        responses={200: LobbyGuideListOutput, 404: NOT_SHOWN, 429: THROTTLED},
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        board = lobby.screen_for(code)
        court = board.court
        forms = [
            {
                "id": form.pk,
                "title": form.title,
                "description": form.description,
                "download_url": request.build_absolute_uri(reverse("lobby:form", args=[court.code, form.pk])),
            }
            for form in lobby.document_templates(court)
        ]
        body = {
            "court": _court(board),
            "guides": [{"title": g.title, "body": g.body} for g in lobby.guides(court)],
            "forms": forms,
        }
        return Response(LobbyGuideListOutput(body).data)
