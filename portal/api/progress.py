"""The parties' progress API, for the court's mini-program (no account).

``POST /api/v1/progress/`` with ``number``, ``id_number`` and ``query_code`` (a POST, so identity numbers
never land in URLs or access logs): the progress and a token; 404 with one body whatever was wrong; 429
with Retry-After while throttled. ``GET /api/v1/progress/case/`` with the token in ``X-Party-Token``:
the progress again, until the token expires or the case's query code is reissued.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.errors import error_body

from .. import progress, proof
from ..serializers import (
    ProgressOutput,
    ProgressQueryInput,
    ProgressWithTokenOutput,
)
from ..views.progress import no_match_message, throttled_message
from .common import NO_TOKEN, PARTY_TOKEN, unauthorized

# --- Input and output -------------------------------------------------------------------------------------


# --- Views ----------------------------------------------------------------------------------------------


def progress_json(shown: progress.Progress) -> dict[str, Any]:
    """The progress as ``ProgressOutput`` describes it, built by hand: this answer is the hot path of the
    mini-program, and the serializer took a tenth of its time. A test holds the two equal."""

    def party(p: progress.PublicParty) -> dict[str, Any]:
        return {"role": p.role, "role_label": p.role_label, "name": p.name, "is_you": p.is_you}

    step = shown.next_step
    return {
        "number": shown.number,
        "court": shown.court,
        "stage_code": shown.stage_code,
        "stage": shown.stage,
        "closure_explained": shown.closure_explained,
        "filed_on": shown.filed_on.isoformat(),
        "you": party(shown.you),
        "parties": [party(p) for p in shown.parties],
        "events": [
            {"kind": e.kind, "kind_label": e.label, "date": e.on.isoformat(), "detail": e.detail}
            for e in shown.events
        ],
        "next_step": (
            {"name": step.name, "due_date": step.due_date.isoformat(), "paused": step.paused}
            if step is not None
            else None
        ),
        "pool_search": (
            {"due_date": pool.due_date.isoformat(), "round": pool.round, "rounds": pool.rounds}
            if (pool := shown.pool_search) is not None
            else None
        ),
        "team": shown.team,
        "service_phone": shown.service_phone,
        "judge": shown.judge,
        "money": {
            "totals": {kind: f"{amount:.2f}" for kind, amount in shown.money_totals.items()},
            "lines": [
                {"kind": m.kind, "kind_label": m.label, "date": m.on.isoformat(), "amount": f"{m.amount:.2f}"}
                for m in shown.money_lines
            ],
        },
    }


def _refused(message: str, code: str, status_code: int) -> Response:
    response = Response(error_body(message, code), status=status_code)
    response["Cache-Control"] = "no-store"
    return response


class ProgressQueryApi(APIView):
    """Prove a party by case number, identity number and query code; the progress and a token."""

    authentication_classes: list[Any] = []  # no session: no CSRF, and a staff login changes nothing
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="progress_query",
        request=ProgressQueryInput,
        responses={
            200: ProgressWithTokenOutput,
            400: OpenApiResponse(description="A field is missing or too long."),
            404: OpenApiResponse(
                description="No case matches (the same answer whatever was wrong); the failure counts "
                "toward the throttle."
            ),
            429: OpenApiResponse(
                description="Too many failed queries from this address or for this case number; "
                "Retry-After says when to try again."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        incoming = ProgressQueryInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        outcome = progress.query(client_ip=progress.client_address(request), **incoming.validated_data)
        if outcome.blocked_until is not None:
            response = _refused(
                throttled_message(outcome.blocked_until), "throttled", status.HTTP_429_TOO_MANY_REQUESTS
            )
            response["Retry-After"] = str(outcome.retry_after())
            return response
        proved = outcome.proved
        shown = progress.render(proved.snapshot, proved.party_id) if proved is not None else None
        if proved is None or shown is None:
            return _refused(no_match_message(), "not_found", status.HTTP_404_NOT_FOUND)
        body = progress_json(shown)
        body["token"] = proof.issue_token(proved)
        body["token_expires_in"] = int(proof.SESSION_AGE.total_seconds())
        return Response(body, headers={"Cache-Control": "no-store"})


class ProgressCaseApi(APIView):
    """The progress again, for the party the token from ``POST /api/v1/progress/`` proved."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="progress_case",
        parameters=[PARTY_TOKEN],
        responses={200: ProgressOutput, 401: NO_TOKEN},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        ids = proof.ids_from_header(request)
        proved = progress.proved_again(*ids) if ids is not None else None  # None: the code was reissued
        shown = progress.render(proved.snapshot, proved.party_id) if proved is not None else None
        if shown is None:
            return unauthorized()
        return Response(progress_json(shown), headers={"Cache-Control": "no-store"})
