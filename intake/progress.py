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

The read model
    ``progress_for(access)`` is what the page and the API show: the stage in plain words, the public
    timeline, the next public deadline, the team, its phone and the judge, the money, and the parties
    by name only (natural persons masked as courts publish them, 张三 → 张某, except the party asking).
    Nothing else about any party leaves here: no identity number, phone, address or agent, not even
    the party's own, since the page may be read on a shared phone.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent, Deadline, Party
from enforcement.templatetags.people import display_name
from payments.ledger import PAYOUT_NODE
from payments.selectors import PartyMoneyLine, party_money_lines_from_rows, party_money_rows

from .casenumbers import normalize_case_number
from .models import QueryAttempt, QueryBlock
from .portal import PARTY_FIELDS, PortalAccess, find_party

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
class QueryOutcome:
    """A proved party (``access``), a failure (neither set), or a refusal while throttled."""

    access: PortalAccess | None = None
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


def case_number_key(number: str) -> str:
    return normalize_case_number(number)[:_KEY_LENGTH]


def blocked_until(*, client_ip: str, number_key: str, now: datetime.datetime) -> datetime.datetime | None:
    """When the last running block on this address or this case number ends; None if none runs."""
    return (
        QueryBlock.objects.filter(
            Q(scope=QueryBlock.Scope.CLIENT, key=client_ip) | Q(scope=QueryBlock.Scope.CASE, key=number_key),
            until__gt=now,
        )
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )


def query(*, client_ip: str, number: str, id_number: str, query_code: str) -> QueryOutcome:
    """One progress query, throttled: the block is checked before the credentials are evaluated."""
    now = timezone.now()
    key = case_number_key(number)
    until = blocked_until(client_ip=client_ip, number_key=key, now=now)
    if until is not None:
        return QueryOutcome(blocked_until=until)
    access = find_party(number=number, id_number=id_number, query_code=query_code)
    if access is None:  # only failures are recorded: a success never counts (module notes)
        QueryAttempt.objects.create(client_ip=client_ip, case_number_key=key, succeeded=False, at=now)
        _throttle_if_needed(client_ip=client_ip, number_key=key, now=now)
    return QueryOutcome(access=access)


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

# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 rather than 欧某.
_COMPOUND_SURNAMES_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 "
    "端木 独孤 南宫 西门 申屠 澹台 公冶 太史 万俟 闻人 赫连 呼延 钟离 宗政 濮阳 淳于 "
    "单于 拓跋 百里 东郭 第五 左丘 梁丘 谷梁 乐正 仲孙 叔孙 羊舌 微生 公羊 公良 漆雕 "
    "巫马 亓官 段干 司寇 子车 颛孙 壤驷 鲜于 闾丘"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())
_CASE_RELATIONS = ("court", "team", "responsible_judge")
PAYOUT_NODES = frozenset({PAYOUT_NODE, "payout_approve", "payout_pay"})


def masked_name(name: str, kind: str) -> str:
    """A name as courts publish it: organisations in full, a natural person as surname + 某."""
    name = name.strip()
    if kind == Party.Kind.ORGANISATION or not name:
        return name
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return f"{surname}某"


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


class _CompiledRead:
    """A ``values_list`` read of one case's rows, compiled to SQL once per process and database.

    Compiling a queryset (``as_sql``) costs more Python than running it, and this read model runs for
    every party's visit and mini-program refresh. The queryset is built once with a sentinel case id,
    its SQL, parameters and the ORM's value converters are kept, and each call only substitutes the
    case id and converts the rows, exactly as ``QuerySet.values_list`` would.
    """

    _SENTINEL = -7_777_777_777

    def __init__(self, build: Callable[[int], QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, list[Any], list[int], Any, Any]] = {}

    def rows(self, case_id: int) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            queryset = self._build(self._SENTINEL)
            compiler = queryset.query.get_compiler(using=connection.alias)
            sql, params = compiler.as_sql()
            slots = [n for n, param in enumerate(params) if param == self._SENTINEL]
            if not slots:
                raise ValueError("the read must take the case id")
            fields = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(fields)
            compiled = (sql, list(params), slots, compiler, converters)
            self._compiled[connection.alias] = compiled
        sql, params, slots, compiler, converters = compiled
        params = list(params)
        for slot in slots:
            params[slot] = case_id
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return [tuple(row) for row in rows]


_DEADLINES = _CompiledRead(
    lambda case_id: (
        Deadline.objects.filter(case_id=case_id, status__in=Deadline.ACTIVE)
        .order_by("due_at", "id")
        .values_list("node_type__code", "node_type__name", "node_type__public", "due_date", "paused")
    )
)
_PUBLIC_EVENTS = _CompiledRead(
    lambda case_id: (
        CaseEvent.objects.filter(case_id=case_id, public=True)
        .order_by("-occurred_at", "-id")  # as the timeline: newest first
        .values_list("kind", "occurred_at", "detail")
    )
)


_MONEY = _CompiledRead(party_money_rows)


def progress_for(access: PortalAccess) -> Progress:
    """What the proved party may see of his case; texts in the active language.

    This runs for every party's visit and every mini-program refresh, so it reads little: the case with
    its court, team and judge and its parties as ``find_party`` left them (read again only when they are
    not at hand, as on the pages' session), then three queries of the columns shown (``values_list``):
    the running deadlines, the public events and the money (one UNION query).
    """
    case = access.case
    if not all(name in case._state.fields_cache for name in _CASE_RELATIONS):
        case = Case.objects.select_related(*_CASE_RELATIONS).get(pk=case.pk)
    if "parties" in getattr(case, "_prefetched_objects_cache", {}):
        parties = list(case.parties.all())
    else:
        parties = list(case.parties.only(*PARTY_FIELDS).order_by("role", "position", "id"))
    deadlines = _DEADLINES.rows(case.pk)
    lines = [_money_line(line) for line in party_money_lines_from_rows(_MONEY.rows(case.pk))]
    totals = {"received": Decimal("0.00"), "paid": Decimal("0.00"), "pending": Decimal("0.00")}
    for line in lines:
        totals[line.kind] += line.amount
    paying_out = totals["pending"] > 0 or any(code in PAYOUT_NODES for code, *_rest in deadlines)
    stage_code, stage = _stage(case, paying_out=paying_out)
    shown = [_public_party(p, viewer_id=access.party.pk) for p in parties]
    event_labels = dict(CaseEvent.Kind.choices)
    return Progress(
        number=case.number,
        court=case.court.name,
        stage_code=stage_code,
        stage=stage,
        filed_on=timezone.localtime(case.filed_at).date(),
        you=next(p for p in shown if p.is_you),
        parties=shown,
        events=[
            PublicEvent(
                kind=kind,
                label=str(event_labels.get(kind, kind)),
                on=timezone.localtime(occurred_at).date(),
                detail=scrub(detail, parties, viewer_id=access.party.pk),
            )
            for kind, occurred_at, detail in _PUBLIC_EVENTS.rows(case.pk)
        ],
        next_step=next(
            (
                NextStep(name, due_date, paused)
                for _code, name, public, due_date, paused in deadlines
                if public
            ),
            None,
        ),
        team=case.team.name if case.team is not None else "",
        service_phone=(case.team.service_phone if case.team is not None else "") or case.court.service_phone,
        judge=judge_name(case.responsible_judge),
        money_claim=case.claim_kind == Case.ClaimKind.MONEY,
        money_totals=totals,
        money_lines=lines,
    )


def judge_name(judge: AbstractUser | None) -> str:
    """The judge as parties see him: his name, never his login; "The responsible judge" if he has none."""
    if judge is None:
        return ""
    if not (judge.first_name.strip() or judge.last_name.strip()):
        return _("The responsible judge")
    return display_name(judge)


def _next_step(deadlines: list[tuple[str, str, bool, datetime.date, bool]]) -> NextStep | None:
    for _code, name, public, due_date, paused in deadlines:  # ordered by due time
        if public:
            return NextStep(name, due_date, paused)
    return None


def _stage(case: Case, *, paying_out: bool) -> tuple[str, str]:
    if case.status == Case.Status.CLOSED:
        return "closed", _("The case is closed (%(closure)s)") % {"closure": case.get_closure_display()}
    if case.responsible_judge_id is None:
        return "filed", _("The case is filed; the court is choosing the judge responsible for it")
    if paying_out:
        return "paying_out", _("Money has been received and is being paid out to the applicant")
    return "enforcing", _("A judge is responsible for the case and enforcement is under way")


def _public_party(party: Party, *, viewer_id: int) -> PublicParty:
    is_you = party.id == viewer_id
    return PublicParty(
        role=party.role,
        role_label=str(Party.Role(party.role).label) if party.role in Party.Role.values else party.role,
        name=party.name if is_you else masked_name(party.name, party.kind),
        is_you=is_you,
    )


def scrub(text: str, parties: list[Party], *, viewer_id: int) -> str:
    """A public event's text with nothing personal left: every party's identity number, phone, address,
    agent and legal representative blanked, and the full names of other natural persons masked."""
    if not text:
        return text
    replacements: dict[str, str] = {}
    for party in parties:
        for secret in (
            party.id_number,
            party.phone,
            party.address,
            party.agent_name,
            party.agent_phone,
            party.legal_representative,
        ):
            if secret.strip():
                replacements[secret.strip()] = "***"
        if party.id != viewer_id and party.kind == Party.Kind.PERSON and party.name.strip():
            replacements.setdefault(party.name.strip(), masked_name(party.name, party.kind))
    for old in sorted(replacements, key=len, reverse=True):  # longest first: a name inside an address
        text = text.replace(old, replacements[old])
    return text


def _money_line(line: PartyMoneyLine) -> MoneyLine:
    labels = {
        "received": _("Received in the case account"),
        "paid": _("Paid out to the applicant"),
        "pending": _("Being paid out"),
    }
    return MoneyLine(kind=line.kind, label=labels[line.kind], on=line.on, amount=line.amount)
