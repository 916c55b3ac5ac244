"""Idempotency keys for the API's money-moving POSTs: a retried request is answered once.

A client sends ``Idempotency-Key: <up to 100 characters>`` with every POST that moves or commits money
(``@idempotent`` on the view's ``post``). The key is the client's, per user:

* the first request with a key runs, and its answer is stored with the key;
* the same key with the same request (method, path and body) gets the stored answer again, status and
  body, with ``Idempotent-Replayed: true``; the service is not called a second time;
* the same key with another request is refused (422): a client bug, not a retry;
* no key is refused (400) before anything runs.

Only successful (2xx) answers are stored. A refusal (400, 403, 404, 409, ...) rolls back with the rest of
the request, key included, so the client may fix the request, or wait for the state to change, and send
it again with the same key.

Concurrency: the key's row is inserted in the same transaction as the service's writes, before them. A
second request with the same key waits on the unique index (user, key) until the first commits, then
fails to insert and replays the first's answer; if the first rolled back, the second runs instead. No
answer is ever stored without the writes it describes, nor the writes without the answer.

The body is compared as parsed JSON with sorted keys, so whitespace and key order do not make a retry
look like another request.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from enforcement.api.errors import error_body
from enforcement.roles import acting_user

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100

# For the schema of every view that uses @idempotent.
KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    location=OpenApiParameter.HEADER,
    required=True,
    type=str,
    description=(
        "A unique value per operation (a UUID, say). Sending the same request again with the same key "
        "returns the first answer without doing it twice."
    ),
)
KEY_RESPONSES = {
    422: OpenApiResponse(description="This Idempotency-Key was already used for another request."),
}

View = TypeVar("View", bound=Callable[..., Response])


def idempotent(method: View) -> View:
    """Run an API view's ``post`` once per ``Idempotency-Key``; see the module's description."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            message = _("Send an Idempotency-Key header (1 to %(max)s characters) with this request.") % {
                "max": MAX_KEY_LENGTH
            }
            return Response(error_body(message, "idempotency_key_required"), status=400)
        user = acting_user(request.user)
        fingerprint = request_hash(request)
        with transaction.atomic():
            stored = _claim(user.pk, key, request.path, fingerprint)
            if stored is not None:
                return _replay(stored, fingerprint)
            response = method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                IdempotencyKey.objects.filter(user_id=user.pk, key=key).update(
                    status_code=response.status_code, response=_as_json(response.data)
                )
            else:
                transaction.set_rollback(True)
            return response

    return wrapper  # type: ignore[return-value]


def request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _claim(user_id: int, key: str, path: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key's row, or return the row a request before this one stored."""
    stored = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user_id=user_id, key=key, endpoint=path[:200], request_hash=fingerprint
            )
    except IntegrityError:
        # A concurrent request with this key committed first (we waited on the unique index for it).
        stored = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if stored is None:
            raise
        return stored
    return None


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        message = _(
            "This Idempotency-Key was already used for another request; use a new key for a new request."
        )
        return Response(error_body(message, "idempotency_key_reused"), status=422)
    if stored.status_code is None:  # only a row written outside this module: never visible half-done here
        message = _("A request with this Idempotency-Key is still being processed; try again shortly.")
        return Response(error_body(message, "idempotency_key_in_progress"), status=409)
    return Response(stored.response, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


def _as_json(data: Any) -> Any:
    """The answer exactly as the client received it (decimals and dates as the renderer writes them)."""
    return json.loads(JSONRenderer().render(data))
