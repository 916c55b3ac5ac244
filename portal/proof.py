"""Who a visitor of the parties' pages is: a party of one case, proved by the case number, his identity
number and the query code, and remembered for a short while (a session for the pages, a signed token for
the mini-program's API).

Both remember the version of the query code the party proved himself with
(``intake.querycode.code_version``) and check it on every request: a code reissued at the window ends
every session and token opened with the old one, and the party proves himself again with the new code.

The query itself, its throttle and what a proved party sees are ``portal.progress``.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from enforcement import querycode
from enforcement.models import Case, Party
from enforcement.panels import CasePanel, PanelRegistry

SESSION_KEY = "portal"
# A party's pages stay open this long after the last successful query, then he queries again.
SESSION_AGE = datetime.timedelta(minutes=30)
# The namespace is that of the module's first home: renaming it would end every session of a party.
_TOKEN_SALT = "intake.portal.token"  # noqa: S105 - a signing namespace, not a secret
TOKEN_HEADER = "X-Party-Token"  # noqa: S105 - a header name, not a secret


@dataclass(frozen=True)
class PortalAccess:
    case: Case
    party: Party

    @property
    def case_id(self) -> int:
        return self.case.pk

    @property
    def party_id(self) -> int:
        return self.party.pk

    @property
    def code_version(self) -> str:
        return querycode.code_version(self.case.query_code_hash)


class PartyRef(Protocol):
    """What a session or token remembers of a proved party: ``PortalAccess`` or a query's ``ProvedParty``."""

    @property
    def case_id(self) -> int: ...

    @property
    def party_id(self) -> int: ...

    @property
    def code_version(self) -> str: ...


# --- The pages: a session -------------------------------------------------------------------------------


def start_session(request: HttpRequest, proved: PartyRef) -> None:
    request.session.cycle_key()  # a new session id once proved, against fixation
    request.session[SESSION_KEY] = {
        "case": proved.case_id,
        "party": proved.party_id,
        "code": proved.code_version,
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
        case_id, party_id, version = int(data["case"]), int(data["party"]), str(data["code"])
    except (KeyError, TypeError, ValueError):
        return None
    access = _access(case_id, party_id, version) if until > timezone.now() else None
    if access is None:  # expired, or the code was reissued: the party proves himself again
        end_session(request)
    return access


def _access(case_id: int, party_id: int, code_version: str) -> PortalAccess | None:
    """The party and his case, if the case still has the query code he proved himself with."""
    party = Party.objects.filter(pk=party_id, case_id=case_id).select_related("case__court").first()
    if party is None or not querycode.code_version_matches(party.case.query_code_hash, code_version):
        return None
    return PortalAccess(party.case, party)


# --- The API: a signed token -------------------------------------------------------------------------------


def issue_token(proved: PartyRef) -> str:
    data = {"c": proved.case_id, "p": proved.party_id, "v": proved.code_version}
    return signing.dumps(data, salt=_TOKEN_SALT, compress=True)


def ids_from_token(token: str) -> tuple[int, int, str] | None:
    """(case id, party id, code version) from a valid, unexpired token; the rows are not read, so the
    caller checks the code version (``portal.progress.proved_again`` or ``_access``)."""
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=SESSION_AGE)
        return int(data["c"]), int(data["p"]), str(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def ids_from_header(request: HttpRequest) -> tuple[int, int, str] | None:
    """(case id, party id, code version) of an API request: the token of ``POST /api/v1/progress/`` in
    ``TOKEN_HEADER``."""
    token = request.headers.get(TOKEN_HEADER, "")
    return ids_from_token(token) if token else None


def access_from_header(request: HttpRequest) -> PortalAccess | None:
    """The party of an API request, with his case and party rows."""
    ids = ids_from_header(request)
    return _access(*ids) if ids is not None else None


# --- Sections of the party's progress page, from the modules that own them ----------------------------------


# A section is a panel (template, order, context) of the party's progress page; the registry is the core's.
PortalSection = CasePanel
party_sections: PanelRegistry[[HttpRequest, PortalAccess]] = PanelRegistry()
register_section = party_sections.register
sections_for = party_sections.panels
