"""Who a visitor of the parties' pages is: a party of one case, proved by the case number, his identity
number and the query code, and remembered for a short while (a session for the pages, a signed token for
the mini-program's API).

``find_party`` answers None for every kind of mismatch, and does the same work whether or not the case
exists, so neither the answer nor its timing says which part was wrong. Throttling of failures is the
caller's business (``intake.progress``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from enforcement.models import Case, Party

from . import querycode
from .casenumbers import normalize_case_number

SESSION_KEY = "portal"
# A party's pages stay open this long after the last successful query, then he queries again.
SESSION_AGE = datetime.timedelta(minutes=30)
_TOKEN_SALT = "intake.portal.token"  # noqa: S105 - a signing namespace, not a secret


@dataclass(frozen=True)
class PortalAccess:
    case: Case
    party: Party


def normalize_id_number(raw: str) -> str:
    return "".join(raw.split()).upper()


# What a progress query reads of the parties and of the case's relations: ``intake.progress`` shows
# and scrubs with these, and reuses the parties ``find_party`` read (see ``_remember_parties``).
PARTY_FIELDS = (
    "id",
    "case_id",
    "role",
    "kind",
    "position",
    "name",
    "id_number",
    "phone",
    "address",
    "agent_name",
    "agent_phone",
    "legal_representative",
)
_RELATED_FIELDS = (
    "case__number",
    "case__status",
    "case__closure",
    "case__filed_at",
    "case__claim_kind",
    "case__query_code_hash",
    "case__court",
    "case__team",
    "case__responsible_judge",
    "case__court__name",
    "case__court__service_phone",
    "case__team__name",
    "case__team__service_phone",
    "case__responsible_judge__first_name",
    "case__responsible_judge__last_name",
)


def find_party(*, number: str, id_number: str, query_code: str) -> PortalAccess | None:
    """The party proved by these credentials, or None whatever was wrong.

    One query: the case's parties, each with the case, its court, team and judge (a case without parties
    cannot prove anyone, so it is read like a case that does not exist). The case keeps its parties as if
    prefetched, so ``intake.progress.progress_for`` does not read them again.
    """
    number = normalize_case_number(number)
    parties = list(
        Party.objects.filter(case__number=number)
        .select_related("case__court", "case__team", "case__responsible_judge")
        .only(*PARTY_FIELDS, *_RELATED_FIELDS)
        .order_by("role", "position", "id")
    )
    case = parties[0].case if parties else None
    # Hash even when there is no case, so a wrong number costs the same time as a wrong code.
    stored = case.query_code_hash if case is not None else ""
    code_ok = querycode.query_code_matches(case_number=number, stored_hash=stored or "-", code=query_code)
    if case is None or not code_ok:
        return None
    wanted = normalize_id_number(id_number)
    if not wanted:
        return None
    party = next((p for p in parties if normalize_id_number(p.id_number) == wanted), None)
    if party is None:
        return None
    party.case = case  # every row brought its own copy of the case: keep one
    _remember_parties(case, parties)
    return PortalAccess(case, party)


def _remember_parties(case: Case, parties: list[Party]) -> None:
    """Keep the parties read with the case as ``case.parties.all()``, as ``prefetch_related`` would."""
    cached = case.parties.all()
    cached._result_cache = parties
    cached._prefetch_done = True  # type: ignore[attr-defined]
    case._prefetched_objects_cache = {"parties": cached}  # type: ignore[attr-defined]


# --- The pages: a session -------------------------------------------------------------------------------


def start_session(request: HttpRequest, access: PortalAccess) -> None:
    request.session.cycle_key()  # a new session id once proved, against fixation
    request.session[SESSION_KEY] = {
        "case": access.case.pk,
        "party": access.party.pk,
        "until": (timezone.now() + SESSION_AGE).isoformat(),
    }


def end_session(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def session_access(request: HttpRequest) -> PortalAccess | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        until = datetime.datetime.fromisoformat(data["until"])
        case_id, party_id = int(data["case"]), int(data["party"])
    except (KeyError, TypeError, ValueError):
        return None
    if until <= timezone.now():
        end_session(request)
        return None
    return _access(case_id, party_id)


def _access(case_id: int, party_id: int) -> PortalAccess | None:
    party = Party.objects.filter(pk=party_id, case_id=case_id).select_related("case__court").first()
    return PortalAccess(party.case, party) if party is not None else None


# --- The API: a signed token -------------------------------------------------------------------------------


def issue_token(access: PortalAccess) -> str:
    return signing.dumps({"c": access.case.pk, "p": access.party.pk}, salt=_TOKEN_SALT, compress=True)


def access_from_token(token: str) -> PortalAccess | None:
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=SESSION_AGE)
        return _access(int(data["c"]), int(data["p"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def access_from_header(request: HttpRequest) -> PortalAccess | None:
    """The party of an API request: the token from ``POST /api/v1/progress/`` in ``X-Party-Token``."""
    token = request.headers.get("X-Party-Token", "")
    return access_from_token(token) if token else None


# --- Sections of the party's progress page, from the modules that own them ----------------------------------


@dataclass(frozen=True)
class PortalSection:
    template: str
    order: int
    context: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[[HttpRequest, PortalAccess], PortalSection | None]
_sections: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> SectionProvider:
    if provider not in _sections:
        _sections.append(provider)
    return provider


def sections_for(request: HttpRequest, access: PortalAccess) -> list[PortalSection]:
    found = (provider(request, access) for provider in _sections)
    return sorted((s for s in found if s is not None), key=lambda s: s.order)
