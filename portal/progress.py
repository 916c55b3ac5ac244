"""The parties' progress query: throttling of guesses, and what a proved party may see of his case.

Throttling
    Every failed query is a ``QueryAttempt`` row (client address, case number as typed), so the count is
    shared by every process that serves the site. A successful query writes nothing: it never counts
    toward a limit, and not writing it keeps the mini-program's hot path free of an INSERT and its commit
    (``bench/progress_bench.py``). Failures are counted in sliding windows:

    - per client address: at most ``CLIENT_FAILURES_PER_HOUR`` (10) failures in any hour;
    - per case number: at most ``CASE_FAILURES_PER_HOUR`` (5) in any hour and ``CASE_FAILURES_PER_DAY``
      (20) in any 24 hours, whatever addresses they come from.

    The failure that reaches a limit creates one ``QueryBlock`` (supervisors see them), lasting until
    enough of the window's failures have left it for the count to fall below the limit. While a block
    runs, queries from that address or for that case number are refused before the credentials are
    looked at (a throttled client learns nothing, not even with the right code) and are not recorded,
    so they do not prolong the block. Successful queries never count as failures.

    Under parallel requests the limits hold as they do one at a time. A failure is answered only once
    it is recorded: under a lock of the address and one of the case number (``_record_failure``), the
    running blocks are checked again, the attempt is inserted and the limits are counted, so the
    failure that reaches a limit makes its block before the next failure of that key looks. A failure
    that finds a block made meanwhile is refused (429) and not recorded. A success, which writes
    nothing, checks for such a block once more before it is answered: otherwise "refused" would tell
    a guesser that his guess was wrong, and guesses past the limit would be answered after all. So of
    any number of queries at once, at most a limit's worth of failures is evaluated and answered; the
    success path costs one more small statement, a failure a short transaction.

    The client address is ``enforcement.clientaddress.client_address`` (``REMOTE_ADDR``, or with
    ``TRUSTED_PROXY_COUNT`` = N > 0 the N-th ``X-Forwarded-For`` entry from the right; IPv6 by its /64),
    the same address staff sign-in is throttled by.

    With 20 failures per case number a day and codes of 8 characters from 31 (31**8 ≈ 8.5·10^11),
    guessing one case's code takes about 8.5e11 / 2 / 20 ≈ 2·10^10 days on average.

What a party sees
    ``progress_of(case_id, party_id)`` is what the page and the API show: the stage in plain words, the
    public timeline, the next public deadline, the team, its phone and the judge, the money, and the
    parties by name only (natural persons masked as courts publish them, 张三 → 张某, except the party
    asking). Nothing else about any party leaves here: no identity number, phone, address or agent, not
    even the party's own, since the page may be read on a shared phone. It is the case's snapshot
    (``portal.snapshot``) with labels and the events' texts in the asking party's language
    (``render``).
"""

from __future__ import annotations

import datetime
import functools
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from enforcement import eventtexts, querycode
from enforcement.casenumbers import normalize_case_number
from enforcement.clientaddress import client_address
from enforcement.models import Case, CaseEvent, Party
from payments.selectors import party_money_totals

from . import throttle
from .models import PublicProgress, QueryAttempt, QueryBlock
from .snapshot import current, masked_name, party_key, rebuild, snapshot_for

__all__ = ["client_address", "masked_name", "progress_of", "proved_again", "query", "render"]

# --- Throttling ---------------------------------------------------------------------------------------------

CLIENT_FAILURES_PER_HOUR = 10
CASE_FAILURES_PER_HOUR = 5
CASE_FAILURES_PER_DAY = 20
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Attempts are needed for the longest window only (the progress query's and the certificate check's are
# a day at most); older ones may go (``purge_attempts``).
KEEP_ATTEMPTS = datetime.timedelta(days=2)
_KEY_LENGTH = 60  # QueryAttempt.case_number_key and QueryBlock.key
Limit = throttle.Limit

LIMITS = (
    Limit(QueryBlock.Scope.CLIENT, HOUR, CLIENT_FAILURES_PER_HOUR),
    Limit(QueryBlock.Scope.CASE, HOUR, CASE_FAILURES_PER_HOUR),
    Limit(QueryBlock.Scope.CASE, DAY, CASE_FAILURES_PER_DAY),
)


@dataclass(frozen=True)
class ProvedParty:
    """A party proved by a query: his case, himself, the case's snapshot as it was read, and the version
    of the query code he proved himself with (``querycode.code_version``), which his token and session
    carry so that a reissued code ends them."""

    case_id: int
    party_id: int
    snapshot: dict[str, Any]
    code_version: str


@dataclass(frozen=True)
class QueryOutcome:
    """A proved party (``proved``), a failure (neither set), or a refusal while throttled."""

    proved: ProvedParty | None = None
    blocked_until: datetime.datetime | None = None

    def retry_after(self, now: datetime.datetime | None = None) -> int:
        """Seconds until the block ends, for the Retry-After header."""
        if self.blocked_until is None:
            return 0
        return max(1, math.ceil((self.blocked_until - (now or timezone.now())).total_seconds()))


def query(*, client_ip: str, number: str, id_number: str, query_code: str) -> QueryOutcome:
    """One progress query, throttled: the block is checked before the credentials are evaluated, and
    the answer is given only once the failure is recorded under the keys' locks, or for a success once
    no block has appeared meanwhile (module notes: "Under parallel requests").

    One statement reads the running block, the case's query-code hash and its snapshot
    (``_read_for_query``). The code is hashed even when there is no case, so a wrong number costs the
    same time as a wrong code; only the right code goes on to the snapshot and the identity number.
    """
    now = timezone.now()
    number = normalize_case_number(number)
    key = number[:_KEY_LENGTH]
    until, case_id, code_hash, stored = _read_for_query(client_ip=client_ip, number=number, key=key, now=now)
    if until is not None:
        return QueryOutcome(blocked_until=until)
    code_ok = querycode.query_code_matches(case_number=number, stored_hash=code_hash or "-", code=query_code)
    proved = _prove(case_id, stored, id_number, code_hash or "") if case_id is not None and code_ok else None
    if proved is None:  # only failures are recorded: a success never counts (module notes)
        return QueryOutcome(blocked_until=_record_failure(client_ip=client_ip, number_key=key))
    # A block made by failures that ran alongside this query refuses it too: otherwise a refusal would
    # tell a guesser that his guess was wrong, and guesses past the limit would be answered after all.
    until = _running_block(client_ip=client_ip, number_key=key, now=timezone.now())
    return QueryOutcome(blocked_until=until) if until is not None else QueryOutcome(proved=proved)


def _prove(case_id: int, stored: Any, id_number: str, code_hash: str) -> ProvedParty | None:
    snapshot = stored if current(stored) else rebuild(case_id)
    wanted = party_key(id_number)
    if snapshot is None or not wanted:
        return None
    party = next((p for p in snapshot["parties"] if p["key"] == wanted), None)
    if party is None:
        return None
    return ProvedParty(case_id, party["id"], snapshot, querycode.code_version(code_hash))


def proved_again(case_id: int, party_id: int, code_version: str) -> ProvedParty | None:
    """The party a token remembers, if his case still has the query code he proved himself with.

    One statement reads the case's code hash and its snapshot, so checking the code costs nothing more
    than reading the progress: a code reissued since the token was given ends the token."""
    code_hash, stored = _read_for_token(case_id)
    if code_hash is None or not querycode.code_version_matches(code_hash, code_version):
        return None
    snapshot = stored if current(stored) else rebuild(case_id)
    if snapshot is None or not any(p["id"] == party_id for p in snapshot["parties"]):
        return None
    return ProvedParty(case_id, party_id, snapshot, code_version)


_QUERY_SQL = """
    SELECT (SELECT MAX(b.until) FROM {block} b
             WHERE b.until > %s AND ((b.scope = %s AND b.key = %s) OR (b.scope = %s AND b.key = %s))),
           c.id, c.query_code_hash, p.data
      FROM (SELECT 1 AS one) o
      LEFT JOIN {case} c ON c.number = %s
      LEFT JOIN {snapshot} p ON p.case_id = c.id
"""

_CASE_CODE_SQL = """
    SELECT c.query_code_hash, p.data
      FROM {case} c
      LEFT JOIN {snapshot} p ON p.case_id = c.id
     WHERE c.id = %s
"""


@functools.cache
def _sql(template: str) -> str:
    tables = {"block": QueryBlock, "case": Case, "snapshot": PublicProgress}
    return template.format(**{name: model._meta.db_table for name, model in tables.items()})


def _read_for_query(
    *, client_ip: str, number: str, key: str, now: datetime.datetime
) -> tuple[datetime.datetime | None, int | None, str | None, Any]:
    """(the end of a running block, the case id, its query-code hash, its snapshot), in one statement:
    this runs for every query, and one round trip is most of what a successful query costs."""
    when = connection.ops.adapt_datetimefield_value(now)
    params = [when, QueryBlock.Scope.CLIENT, client_ip, QueryBlock.Scope.CASE, key, number]
    with connection.cursor() as cursor:
        cursor.execute(_sql(_QUERY_SQL), params)
        until, case_id, code_hash, data = cursor.fetchone()
    return _aware(until), case_id, code_hash, _json(data)


def _read_for_token(case_id: int) -> tuple[str | None, Any]:
    """(the case's query-code hash, its snapshot), in one statement; (None, None) without the case."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(_CASE_CODE_SQL), [case_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    return row[0], _json(row[1])


def _json(data: Any) -> Any:
    """A JSON column read by raw SQL: PostgreSQL decodes it; SQLite gives the text."""
    return json.loads(data) if isinstance(data, (str, bytes)) else data


def _aware(value: Any) -> datetime.datetime | None:
    """A datetime read by raw SQL: PostgreSQL gives it aware; SQLite gives the stored UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)


def _keys(client_ip: str, number_key: str) -> tuple[throttle.Key, throttle.Key]:
    # The address first, then the number: the order every failure takes their locks in.
    return ((QueryBlock.Scope.CLIENT, client_ip), (QueryBlock.Scope.CASE, number_key))


def _running_block(*, client_ip: str, number_key: str, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the block running for this address or case number, if one runs."""
    return throttle.running_block(_keys(client_ip, number_key), now=now)


def _record_failure(*, client_ip: str, number_key: str) -> datetime.datetime | None:
    """Record one failed query (``throttle.record_failure``, under the address's and the number's locks);
    the end of a block found already running instead, when this one is refused and not recorded."""
    return throttle.record_failure(
        keys=_keys(client_ip, number_key),
        limits=LIMITS,
        purpose=QueryAttempt.Purpose.PROGRESS,
        client_ip=client_ip,
        number_key=number_key,
    )


def purge_attempts(*, now: datetime.datetime | None = None) -> int:
    """Forget attempts older than the longest window needs; idempotent. Blocks stay for the supervisors."""
    cutoff = (now or timezone.now()) - KEEP_ATTEMPTS
    deleted, _by_model = QueryAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- What a party sees ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicParty:
    role: str
    role_label: str
    name: str
    is_you: bool


@dataclass(frozen=True)
class PublicEvent:
    kind: str
    label: str
    on: datetime.date
    text: str  # the system's words, in the reader's language
    note: str  # staff's words, scrubbed for this reader

    @property
    def detail(self) -> str:
        """What the party reads under the label: the system's words, then staff's, one per line."""
        return "\n".join(part for part in (self.text, self.note) if part)


@dataclass(frozen=True)
class NextStep:
    name: str
    due_date: datetime.date
    paused: bool  # a deducted period runs: the clock stands still


@dataclass(frozen=True)
class PoolSearch:
    """After a 终本 closure: the next re-search of the respondent's property (round of rounds)."""

    due_date: datetime.date
    round: int
    rounds: int


@dataclass(frozen=True)
class MoneyLine:
    kind: str  # "received", "paid" or "pending"
    label: str
    on: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Progress:
    number: str
    court: str
    stage_code: str  # "filed", "enforcing", "paying_out" or "closed"
    stage: str
    # A closed case: what its closure means for the parties, in plain words ("" while it is open).
    closure_explained: str
    filed_on: datetime.date
    you: PublicParty
    parties: list[PublicParty]
    events: list[PublicEvent]
    next_step: NextStep | None
    pool_search: PoolSearch | None
    team: str
    service_phone: str
    judge: str
    money_claim: bool
    money_totals: dict[str, Decimal]
    money_lines: list[MoneyLine]


def progress_of(case_id: int, party_id: int) -> Progress | None:
    """What this party may see of his case, in the active language; None if he is not a party of it."""
    snapshot = snapshot_for(case_id)
    return render(snapshot, party_id) if snapshot is not None else None


def render(snapshot: dict[str, Any], viewer_id: int) -> Progress | None:
    """The snapshot (``portal.snapshot``) as the party ``viewer_id`` sees it, labels in the
    active language: his own name in full, other natural persons masked (张三 → 张某)."""
    details = snapshot["details"].get(str(viewer_id))
    if details is None:
        return None
    parties = [_public_party(p, viewer_id=viewer_id) for p in snapshot["parties"]]
    lines = [_money_line(kind, on, amount) for kind, on, amount in snapshot["money"]]
    totals = party_money_totals(lines)
    event_labels = dict(CaseEvent.Kind.choices)
    step = snapshot["next_step"]
    stage_code, stage = _stage(snapshot)
    return Progress(
        number=snapshot["number"],
        court=snapshot["court"],
        stage_code=stage_code,
        stage=stage,
        closure_explained=closure_explained(snapshot),
        filed_on=datetime.date.fromisoformat(snapshot["filed_on"]),
        you=next(p for p in parties if p.is_you),
        parties=parties,
        events=[
            PublicEvent(
                kind,
                str(event_labels.get(kind, kind)),
                datetime.date.fromisoformat(on),
                text=eventtexts.render(code, params),
                note=note,
            )
            for (kind, on, code, params), note in zip(snapshot["events"], details, strict=True)
        ],
        next_step=(
            NextStep(step[0], datetime.date.fromisoformat(step[1]), step[2]) if step is not None else None
        ),
        pool_search=_pool_search(snapshot["pool_search"]),
        team=snapshot["team"],
        service_phone=snapshot["service_phone"],
        judge=_judge(snapshot["judge"]),
        money_claim=snapshot["money_claim"],
        money_totals=totals,
        money_lines=lines,
    )


def _pool_search(stored: list[Any] | None) -> PoolSearch | None:
    if stored is None:
        return None
    return PoolSearch(datetime.date.fromisoformat(stored[0]), int(stored[1]), int(stored[2]))


def _judge(name: str | None) -> str:
    """The judge as parties see him: his name, never his login; "The responsible judge" if he has none."""
    if name is None:
        return ""
    return name or _("The responsible judge")


def closure_explained(snapshot: dict[str, Any]) -> str:
    """What the closure means for the parties, in plain words: 终本 above all, which parties take for "the
    court closed my case and forgot it"."""
    if snapshot["status"] != Case.Status.CLOSED:
        return ""
    texts = {
        Case.Closure.PERFORMED: _("The obligation has been performed in full, so enforcement has ended."),
        Case.Closure.TERMINATED_THIS_ROUND: _(
            "The court searched for the respondent's property and found none it can enforce, so this round "
            "of enforcement has ended. The case is not forgotten: for five years the court searches the "
            "respondent's property again every six months and tells the applicant each result, and the "
            "respondent's consumption stays restricted. If you learn of property, report it: enforcement "
            "can then be resumed."
        ),
        Case.Closure.TERMINATED: _(
            "Enforcement has ended for good, for a reason the law provides; the ruling served on you "
            "gives it."
        ),
        Case.Closure.WITHDRAWN_BY_COURT: _(
            "The court cancelled the case; ask the service phone if in doubt."
        ),
        Case.Closure.NOT_ENFORCED: _(
            "The court decided not to enforce the title; the ruling served on you gives the reasons and what "
            "you may do."
        ),
        Case.Closure.DISMISSED: _(
            "The court dismissed the application for enforcement; the ruling served on you gives the reasons."
        ),
    }
    return str(texts.get(snapshot["closure"], ""))


def _stage(snapshot: dict[str, Any]) -> tuple[str, str]:
    if snapshot["status"] == Case.Status.CLOSED:
        closure = snapshot["closure"]
        label = Case.Closure(closure).label if closure in Case.Closure.values else closure
        return "closed", _("The case is closed (%(closure)s)") % {"closure": label}
    if not snapshot["has_judge"]:
        return "filed", _("The case is filed; the court is choosing the judge responsible for it")
    if snapshot["paying_out"]:
        return "paying_out", _("Money has been received and is being paid out to the applicant")
    return "enforcing", _("A judge is responsible for the case and enforcement is under way")


def _public_party(party: dict[str, Any], *, viewer_id: int) -> PublicParty:
    is_you = party["id"] == viewer_id
    role = party["role"]
    return PublicParty(
        role=role,
        role_label=str(Party.Role(role).label) if role in Party.Role.values else role,
        name=party["name"] if is_you else party["masked"],
        is_you=is_you,
    )


def _money_line(kind: str, on: str, amount: str) -> MoneyLine:
    labels = {
        "received": _("Received in the case account"),
        "paid": _("Paid out to the applicant"),
        "pending": _("Being paid out"),
    }
    on_day = datetime.date.fromisoformat(on)
    return MoneyLine(kind=kind, label=labels[kind], on=on_day, amount=Decimal(amount))
