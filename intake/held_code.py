"""The query code on the filing clerk's screen: held for the notices, never readable from the server alone.

After filing, and after a code is reissued, the code is shown on the filed page and printed on the
acceptance notice (page and PDF) until the clerk records that the notice was handed over, and at most
``HOLD_SECONDS``. Only an HMAC of it is stored with the case (``intake.querycode``), so the clerk's pages
need the code itself from somewhere for those two hours.

It is held split in two, so that neither half alone reveals anything:

- the session (a row in the session table, which lives for weeks) keeps the code *masked*: each
  character shifted along the code's 31-character alphabet by an offset derived from a key and a
  random nonce (a one-time pad; every code is equally likely without the key);
- the key is in a cookie of the clerk's browser only (``KEY_COOKIE``: HttpOnly, SameSite=Strict, under
  the intake pages, expiring with the hold).

A copy of the session table, or of a session, does not reveal the code; nor does the cookie. Entries
past the hold are dropped from the session whenever it is read or written here, and the acceptance
notice's delivery drops the case's entry at once (``forget``).
"""

import base64
import hashlib
import hmac
import secrets
from typing import Any, TypeGuard

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from enforcement import querycode

HOLD_SECONDS = 2 * 60 * 60
KEY_COOKIE = "intake_qck"
_ENTRY_PREFIX = "query_code:"
_KEY_BYTES = 32


def remember(request: HttpRequest, response: HttpResponse, case_id: int, code: str) -> None:
    """Hold ``code`` for the clerk's screens of this case: masked in the session, its key in a cookie
    set on ``response`` (the browser's existing key is kept, its life renewed)."""
    key = _key_from(request) or secrets.token_bytes(_KEY_BYTES)
    nonce = secrets.token_hex(16)
    _drop_expired(request)
    masked = _shift(code, _pad(key, case_id, nonce), +1)
    request.session[_ENTRY_PREFIX + str(case_id)] = [masked, _now(), nonce]
    response.set_cookie(
        KEY_COOKIE,
        base64.urlsafe_b64encode(key).decode(),
        max_age=HOLD_SECONDS,
        path=_cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def recall(request: HttpRequest, case_id: int) -> str | None:
    """The held code of this case, or None: none held, held too long, or no key in this browser."""
    _drop_expired(request)
    entry = request.session.get(_ENTRY_PREFIX + str(case_id))
    key = _key_from(request)
    if not _is_entry(entry) or key is None:
        return None
    masked, _issued, nonce = entry
    try:
        return _shift(masked, _pad(key, case_id, nonce), -1)
    except ValueError:  # not written by ``remember``
        return None


def forget(request: HttpRequest, case_id: int) -> None:
    request.session.pop(_ENTRY_PREFIX + str(case_id), None)


def _now() -> float:
    return timezone.now().timestamp()


def _is_entry(entry: Any) -> TypeGuard[list[Any]]:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], (int, float))
        and isinstance(entry[2], str)
    )


def _drop_expired(request: HttpRequest) -> None:
    """Entries past the hold leave the session (so it does not keep them for its whole life)."""
    now = _now()
    names = list(request.session.keys())
    for name in [name for name in names if name.startswith(_ENTRY_PREFIX)]:
        entry = request.session[name]
        if not _is_entry(entry) or now - entry[1] > HOLD_SECONDS:
            del request.session[name]


def _key_from(request: HttpRequest) -> bytes | None:
    raw = request.COOKIES.get(KEY_COOKIE, "")
    try:
        key = base64.urlsafe_b64decode(raw.encode())
    except (ValueError, TypeError):
        return None
    return key if len(key) == _KEY_BYTES else None


def _pad(key: bytes, case_id: int, nonce: str) -> list[int]:
    """One offset per character, from HMAC-SHA512 of the case and nonce under the key (512 bits read as
    base-31 digits: the bias is far below anything measurable)."""
    number = int.from_bytes(hmac.new(key, f"{case_id}:{nonce}".encode(), hashlib.sha512).digest(), "big")
    offsets = []
    for _position in range(querycode.LENGTH):
        number, offset = divmod(number, len(querycode.ALPHABET))
        offsets.append(offset)
    return offsets


def _shift(code: str, pad: list[int], direction: int) -> str:
    alphabet = querycode.ALPHABET
    if len(code) != len(pad) or any(char not in alphabet for char in code):
        raise ValueError("not a query code")  # codes come from querycode.new_query_code only
    return "".join(
        alphabet[(alphabet.index(char) + direction * offset) % len(alphabet)]
        for char, offset in zip(code, pad, strict=True)
    )


def _cookie_path() -> str:
    """The intake pages (filed page, notices, deliveries, reissue): the key goes nowhere else."""
    return reverse("intake:new").removesuffix("new/")
