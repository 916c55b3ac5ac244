"""Timeline texts as codes with parameters, put into words in the reader's language when shown.

Why
    A timeline text stored as words is in the language of whoever wrote it: a Chinese-speaking party read
    "12000.00 yuan paid to the applicant" because finance had English active. As with the deadline
    explanations (``enforcement.duedates.describe``), an event therefore stores ``text_code`` and
    ``text_params`` (language-neutral: codes, amounts as "12000.00", dates as ISO text), and
    ``render`` words them with gettext when a page, the API or the parties' snapshot shows them. The
    event's ``detail`` is kept for what staff typed themselves (a note, what was found): it is shown as
    typed, never translated, and scrubbed of numbers before parties see it (``enforcement.scrub``).

One registry, codes registered by the app that owns their words
    The core imports no app, yet most texts name things only an app knows the words for (a measure's kind,
    a notice's kind). So each app registers the renderers of its own codes from its ``AppConfig.ready``
    (``custody.event_texts``, ``payments.event_texts``, ...), prefixed with the app's name so codes cannot
    collide; the core registers its own below. ``record_event`` refuses a code nobody registered, so a
    typo fails in the writing test rather than showing nothing to a party.

Rules for a renderer
    - It is a pure function of the parameters and the active language: no database (the parties' snapshot
      renders many events per request from stored parameters).
    - Parameters of a public event carry nothing personal (no names of natural persons, identity numbers,
      phones, accounts): the rendered words are shown to every party as they are.
    - A stored event may outlive its renderer's expectations (a parameter renamed, an app removed): a
      failure renders "" and is logged, and the reader sees the event's label and ``detail`` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Renderer = Callable[[Mapping[str, Any]], str]
_renderers: dict[str, Renderer] = {}


class HasText(Protocol):
    text_code: str
    text_params: Any


def register(code: str) -> Callable[[Renderer], Renderer]:
    """Decorator: ``render(code, params)`` calls the decorated function. One function per code."""

    def decorate(renderer: Renderer) -> Renderer:
        known = _renderers.get(code)
        same = known is not None and known.__qualname__ == renderer.__qualname__
        if known is not None and not same:  # the same function re-imported (autoreload) is fine
            raise ValueError(f"Timeline text code {code!r} is already registered by {known.__module__}")
        _renderers[code] = renderer
        return renderer

    return decorate


def is_registered(code: str) -> bool:
    return code in _renderers


def render(code: str, params: Mapping[str, Any] | None) -> str:
    """The text in the active language; "" for no code, an unknown one, or parameters it cannot use."""
    if not code:
        return ""
    renderer = _renderers.get(code)
    if renderer is None:
        logger.warning("No renderer for the timeline text code %r", code)
        return ""
    try:
        return str(renderer(params or {}))
    except (KeyError, ValueError, TypeError):
        logger.warning("Timeline text %r cannot be rendered from %r", code, params, exc_info=True)
        return ""


def text_of(event: HasText) -> str:
    """An event's coded text in the active language ("" for an event without a code)."""
    return render(event.text_code, event.text_params)


# --- The core's own codes -----------------------------------------------------------------------------------

CASE_CLOSED = "enforcement.case_closed"  # its text is registered beside Case (models/cases.py)
# The review of a closure and the service of its ruling (registered in models/closure.py).
CLOSURE_PROPOSED = "enforcement.closure_proposed"
CLOSURE_REVIEWED = "enforcement.closure_reviewed"
CLOSURE_SERVED = "enforcement.closure_served"
# Registered beside Certificate (models/certificates.py): the certificate's kind, in words.
CERTIFICATE_ISSUED = "enforcement.certificate_issued"
CERTIFICATE_REVOKED = "enforcement.certificate_revoked"
