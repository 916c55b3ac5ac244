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

    The client address is ``REMOTE_ADDR`` unless the setting ``TRUSTED_PROXY_COUNT`` (environment, default
    0) says how many reverse proxies of our own stand in front of the application. With N > 0, the
    address is the N-th entry of ``X-Forwarded-For`` counted from the right: each trusted proxy appends
    the address it received the request from, so that entry was written by our outermost proxy, and
    everything left of it is whatever the client sent (anyone can forge it, so it is never used). A
    header with fewer than N entries did not pass through all our proxies: ``REMOTE_ADDR`` is used.
    With 0, ``X-Forwarded-For`` is ignored; behind a reverse proxy every party then shares the proxy's
    address and its limit. Set N exactly: too high lets clients choose their address (and escape the
    per-address limit), too low puts everyone behind the proxy under one limit. An IPv6 client is
    counted by its /64 network, which a single subscriber usually holds whole.

    With 20 failures per case number a day and codes of 8 characters from 31 (31**8 ≈ 8.5·10^11),
    guessing one case's code takes about 8.5e11 / 2 / 20 ≈ 2·10^10 days on average.

What a party sees
    ``progress_of(case_id, party_id)`` is what the page and the API show: the stage in plain words, the
    public timeline, the next public deadline, the team, its phone and the judge, the money, and the
    parties by name only (natural persons masked as courts publish them, 张三 → 张某, except the party
    asking). Nothing else about any party leaves here: no identity number, phone, address or agent, not
    even the party's own, since the page may be read on a shared phone. It is the case's snapshot
    (``intake.progress_snapshot``) with labels in the asking party's language (``render``).
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent, Party

from . import querycode
from .casenumbers import normalize_case_number
from .models import PublicProgress, QueryAttempt, QueryBlock
from .progress_snapshot import current, masked_name, party_key, rebuild, snapshot_for

__all__ = ["masked_name", "progress_of", "query", "render"]

# --- Throttling ---------------------------------------------------------------------------------------------

CLIENT_FAILURES_PER_HOUR = 10
CASE_FAILURES_PER_HOUR = 5
CASE_FAILURES_PER_DAY = 20
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Attempts are needed for the longest window only; older ones may go (``purge_attempts``).
KEEP_ATTEMPTS = datetime.timedelta(days=2)
_KEY_LENGTH = 60  # QueryAttempt.case_number_key and QueryBlock.key


@dataclass(frozen=True)
class Limit:
    scope: str
    window: datetime.timedelta
    failures: int


LIMITS = (
    Limit(QueryBlock.Scope.CLIENT, HOUR, CLIENT_FAILURES_PER_HOUR),
    Limit(QueryBlock.Scope.CASE, HOUR, CASE_FAILURES_PER_HOUR),
    Limit(QueryBlock.Scope.CASE, DAY, CASE_FAILURES_PER_DAY),
)


@dataclass(frozen=True)
class ProvedParty:
    """A party proved by a query: his case, himself, and the case's snapshot as it was read."""

    case_id: int
    party_id: int
    snapshot: dict[str, Any]


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


def client_address(request: HttpRequest) -> str:
    """The address failures are counted by (see the module's notes): REMOTE_ADDR, or with
    ``TRUSTED_PROXY_COUNT`` = N > 0 the N-th X-Forwarded-For entry from the right; IPv6 by its /64."""
    raw = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= trusted:
            raw = hops[-trusted]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "0.0.0.0"  # noqa: S104 - not a bind address: the key of clients without a usable address
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def query(*, client_ip: str, number: str, id_number: str, query_code: str) -> QueryOutcome:
    """One progress query, throttled: the block is checked before the credentials are evaluated.

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
    proved = _prove(case_id, stored, id_number) if case_id is not None and code_ok else None
    if proved is None:  # only failures are recorded: a success never counts (module notes)
        QueryAttempt.objects.create(client_ip=client_ip, case_number_key=key, succeeded=False, at=now)
        _throttle_if_needed(client_ip=client_ip, number_key=key, now=now)
    return QueryOutcome(proved=proved)


def _prove(case_id: int, stored: Any, id_number: str) -> ProvedParty | None:
    snapshot = stored if current(stored) else rebuild(case_id)
    wanted = party_key(id_number)
    if snapshot is None or not wanted:
        return None
    party = next((p for p in snapshot["parties"] if p["key"] == wanted), None)
    return ProvedParty(case_id, party["id"], snapshot) if party is not None else None


_QUERY_SQL = """
    SELECT (SELECT MAX(b.until) FROM {block} b
             WHERE b.until > %s AND ((b.scope = %s AND b.key = %s) OR (b.scope = %s AND b.key = %s))),
           c.id, c.query_code_hash, p.data
      FROM (SELECT 1 AS one) o
      LEFT JOIN {case} c ON c.number = %s
      LEFT JOIN {snapshot} p ON p.case_id = c.id
"""


@functools.cache
def _query_sql() -> str:
    tables = {"block": QueryBlock, "case": Case, "snapshot": PublicProgress}
    return _QUERY_SQL.format(**{name: model._meta.db_table for name, model in tables.items()})


def _read_for_query(
    *, client_ip: str, number: str, key: str, now: datetime.datetime
) -> tuple[datetime.datetime | None, int | None, str | None, Any]:
    """(the end of a running block, the case id, its query-code hash, its snapshot), in one statement:
    this runs for every query, and one round trip is most of what a successful query costs."""
    when = connection.ops.adapt_datetimefield_value(now)
    params = [when, QueryBlock.Scope.CLIENT, client_ip, QueryBlock.Scope.CASE, key, number]
    with connection.cursor() as cursor:
        cursor.execute(_query_sql(), params)
        until, case_id, code_hash, data = cursor.fetchone()
    if isinstance(data, (str, bytes)):
        data = json.loads(data)
    return _aware(until), case_id, code_hash, data


def _aware(value: Any) -> datetime.datetime | None:
    """A datetime read by raw SQL: PostgreSQL gives it aware; SQLite gives the stored UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)


def _throttle_if_needed(*, client_ip: str, number_key: str, now: datetime.datetime) -> None:
    for scope, key in ((QueryBlock.Scope.CLIENT, client_ip), (QueryBlock.Scope.CASE, number_key)):
        reached = [
            found
            for limit in LIMITS
            if limit.scope == scope and (found := _limit_reached(limit, key, now)) is not None
        ]
        if reached:
            failures, until = max(reached, key=lambda found: found[1])
            _block_once(scope=scope, key=key, failures=failures, until=until, now=now)


def _failures(scope: str, key: str) -> QuerySet[QueryAttempt]:
    field = "client_ip" if scope == QueryBlock.Scope.CLIENT else "case_number_key"
    return QueryAttempt.objects.filter(**{field: key}, succeeded=False)


def _limit_reached(limit: Limit, key: str, now: datetime.datetime) -> tuple[int, datetime.datetime] | None:
    """(failures in the window, when the count falls below the limit) if the limit is reached."""
    in_window = _failures(limit.scope, key).filter(at__gt=now - limit.window)
    count = in_window.aggregate(n=Count("id"))["n"]
    if count < limit.failures:
        return None
    # The count falls below the limit when the (count - limit + 1) oldest failures have left the window.
    times = list(in_window.order_by("at", "id").values_list("at", flat=True)[: count - limit.failures + 1])
    return count, times[-1] + limit.window


def _block_once(
    *, scope: str, key: str, failures: int, until: datetime.datetime, now: datetime.datetime
) -> None:
    """One block per episode: a running block of this address or number is lengthened, not repeated."""
    with transaction.atomic():
        _lock_key(scope, key)
        running = QueryBlock.objects.filter(scope=scope, key=key, until__gt=now).order_by("-until").first()
        if running is None:
            QueryBlock.objects.create(scope=scope, key=key, failures=failures, blocked_at=now, until=until)
        elif running.until < until:
            running.until, running.failures = until, max(running.failures, failures)
            running.save(update_fields=["until", "failures"])


def _lock_key(scope: str, key: str) -> None:
    """Serialise block creation for one key, so two processes failing at once make one block.

    PostgreSQL: a transaction-level advisory lock on the key's hash. SQLite's transactions are
    IMMEDIATE here (settings), so they are serialised already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intake.query_block:{scope}:{key}"]
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
    detail: str


@dataclass(frozen=True)
class NextStep:
    name: str
    due_date: datetime.date
    paused: bool  # a deducted period runs: the clock stands still


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
    filed_on: datetime.date
    you: PublicParty
    parties: list[PublicParty]
    events: list[PublicEvent]
    next_step: NextStep | None
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
    """The snapshot (``intake.progress_snapshot``) as the party ``viewer_id`` sees it, labels in the
    active language: his own name in full, other natural persons masked (张三 → 张某)."""
    details = snapshot["details"].get(str(viewer_id))
    if details is None:
        return None
    parties = [_public_party(p, viewer_id=viewer_id) for p in snapshot["parties"]]
    lines = [_money_line(kind, on, amount) for kind, on, amount in snapshot["money"]]
    totals = {"received": Decimal("0.00"), "paid": Decimal("0.00"), "pending": Decimal("0.00")}
    for line in lines:
        totals[line.kind] += line.amount
    event_labels = dict(CaseEvent.Kind.choices)
    step = snapshot["next_step"]
    stage_code, stage = _stage(snapshot)
    return Progress(
        number=snapshot["number"],
        court=snapshot["court"],
        stage_code=stage_code,
        stage=stage,
        filed_on=datetime.date.fromisoformat(snapshot["filed_on"]),
        you=next(p for p in parties if p.is_you),
        parties=parties,
        events=[
            PublicEvent(kind, str(event_labels.get(kind, kind)), datetime.date.fromisoformat(on), detail)
            for (kind, on), detail in zip(snapshot["events"], details, strict=True)
        ],
        next_step=(
            NextStep(step[0], datetime.date.fromisoformat(step[1]), step[2]) if step is not None else None
        ),
        team=snapshot["team"],
        service_phone=snapshot["service_phone"],
        judge=_judge(snapshot["judge"]),
        money_claim=snapshot["money_claim"],
        money_totals=totals,
        money_lines=lines,
    )


def _judge(name: str | None) -> str:
    """The judge as parties see him: his name, never his login; "The responsible judge" if he has none."""
    if name is None:
        return ""
    return name or _("The responsible judge")


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
