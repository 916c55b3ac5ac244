"""JSON that cannot hurt the server: bounded nesting, and no NUL characters in its strings.

Python's decoder recurses once per nesting level, so ``[`` a thousand times deep raises RecursionError
inside the decoder (a 500), before any hook could look at the result; the depth is therefore counted on
the raw text, without recursion, before decoding. PostgreSQL refuses NUL in text columns, so a string
carrying ``\\u0000`` would fail at the database (another 500); such a body is refused as a whole.

``check_json_text`` is the one check, with one limit (``API_MAX_JSON_DEPTH``): ``loads_limited`` and
``JSONParser`` (DRF's default parser here, and the bank notification's, which reads the raw body for its
signature before parsing) run it before decoding, and ``enforcement.middleware.HostileInputMiddleware``
runs it on every JSON body under /api/, which covers views that name DRF's own parser (the token sign-in).
"""

import json
import re
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

DEFAULT_MAX_JSON_DEPTH = 32

# A JSON string (the unrolled form: no backtracking on long strings) or one bracket outside strings.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
# The escape \u0000: an odd run of backslashes before "u0000" (an even run is escaped backslashes).
# A raw NUL byte in a string is not valid JSON, so the decoder refuses it without help.
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_OPENERS = frozenset("[{")
_CLOSERS = frozenset("]}")


class JSONRefused(ParseError):
    """A body that is JSON, or may be, but is refused before decoding; a 400 in the API's shape."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)
        self.message = message
        self.code = code


def max_json_depth() -> int:
    """How deep a request's JSON may nest: ``API_MAX_JSON_DEPTH``, 32 unless a deployment says otherwise."""
    return int(getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH))


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``; stops at the first level too many."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif token in _CLOSERS:
            depth -= 1
    return False


def check_json_text(text: str) -> None:
    """Refuse (``JSONRefused``) text nested deeper than the limit, or with a NUL in one of its strings."""
    limit = max_json_depth()
    if json_depth_exceeds(text, limit):
        message = _("The JSON body is nested too deeply (at most %(limit)s levels).") % {"limit": limit}
        raise JSONRefused(message, code="too_deep")
    if _NUL_ESCAPE.search(text):
        message = _("The JSON body contains a NUL character, which is not allowed.")
        raise JSONRefused(message, code="nul_character")


def loads_limited(raw: bytes | str, encoding: str = "utf-8") -> Any:
    """Decode a request body as JSON after ``check_json_text``; any fault is a ``ParseError`` (400)."""
    try:
        text = raw.decode(encoding) if isinstance(raw, bytes) else raw
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(_("The JSON body is not valid %(encoding)s text.") % {"encoding": encoding}) from exc
    check_json_text(text)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise ParseError(f"JSON parse error - {exc}") from exc  # DRF's own words, which clients know


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON; DRF's own parser refuses them too (strict mode).
    raise ValueError(f"{name} is not a JSON value")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, decoding through ``loads_limited``: the default parser of every API view."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        return loads_limited(stream.read() if stream is not None else b"", encoding)
