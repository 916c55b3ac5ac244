"""Money ageing: the money held in case accounts, by how many days it has waited since it arrived.

Held money is the credits not yet paid out, matched first in, first out: each debit (payout, refund,
court fee, transfer out) takes from the oldest credit still holding money. A reversal cancels the entry
it reverses, so neither counts: a reversed credit never arrived, a reversed payout never left (its money
is back in the credits it was taken from, with their arrival days). Ages are whole days between local
dates in Asia/Shanghai: today minus the day the money arrived, so money booked today is 0 days old.

The buckets are ≤ 5, 6–10, 11–15, 16–30 and > 30 days. Everything is read in one query over the ledger
entries of the accounts that hold money, then walked per account in Python, with Decimal amounts.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ZERO, LedgerEntry

# (key, label, the oldest age in the bucket or None for no upper bound)
BUCKETS: tuple[tuple[str, object, int | None], ...] = (
    ("d5", _("≤ 5 days"), 5),
    ("d10", _("6–10 days"), 10),
    ("d15", _("11–15 days"), 15),
    ("d30", _("16–30 days"), 30),
    ("over30", _("> 30 days"), None),
)
BUCKET_KEYS = tuple(key for key, _label, _top in BUCKETS)


def bucket_of(age: int) -> str:
    for key, _label, top in BUCKETS:
        if top is None or age <= top:
            return key
    raise AssertionError("the last bucket has no upper bound")


@dataclass(frozen=True)
class HeldPiece:
    """Part of one credit still held: its amount, the local day it arrived and its age on the day."""

    case_id: int
    amount: Decimal
    arrived_on: datetime.date
    age: int
    bucket: str


@dataclass(frozen=True)
class EntryRow:
    """What the walk needs of a ledger entry."""

    id: int
    kind: str
    amount: Decimal
    booked_at: datetime.datetime
    reverses_id: int | None


def held_pieces(case_id: int, entries: Iterable[EntryRow], today: datetime.date) -> list[HeldPiece]:
    """The money of one account still held, oldest first, from its entries (any order)."""
    rows = sorted(entries, key=lambda e: (e.booked_at, e.id))
    cancelled = {e.reverses_id for e in rows if e.reverses_id is not None}
    open_credits: list[_Open] = []  # oldest first
    owed = ZERO  # a debit booked before the credit it used (value dates): taken from the next credits
    for entry in rows:
        if entry.kind == LedgerEntry.Kind.REVERSAL or entry.id in cancelled:
            continue
        if entry.amount > 0:
            open_credits.append(_Open(timezone.localdate(entry.booked_at), entry.amount))
            take = owed
        else:
            take = owed - entry.amount
        owed = _take_oldest(open_credits, take)
    pieces = []
    for piece in open_credits:
        if piece.left > 0:
            age = (today - piece.arrived_on).days
            pieces.append(HeldPiece(case_id, piece.left, piece.arrived_on, age, bucket_of(max(age, 0))))
    return pieces


@dataclass
class _Open:
    arrived_on: datetime.date
    left: Decimal


def _take_oldest(open_credits: list[_Open], amount: Decimal) -> Decimal:
    """Take ``amount`` from the oldest credits; what could not be taken yet is returned."""
    for piece in open_credits:
        if amount <= 0:
            break
        used = min(piece.left, amount)
        piece.left -= used
        amount -= used
    return amount


@dataclass
class Figures:
    """Held amounts and the number of cases behind them, per bucket and in all."""

    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, ZERO))
    cases: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in BUCKET_KEYS})
    total: Decimal = ZERO
    all_cases: set[int] = field(default_factory=set)

    def add(self, piece: HeldPiece) -> None:
        self.amounts[piece.bucket] += piece.amount
        self.cases[piece.bucket].add(piece.case_id)
        self.total += piece.amount
        self.all_cases.add(piece.case_id)

    def cells(self) -> list[tuple[str, Decimal, int]]:
        return [(key, self.amounts[key], len(self.cases[key])) for key in BUCKET_KEYS]


@dataclass
class CaseHeld:
    """One case's held money: in all, per bucket, and the age of its oldest piece."""

    case_id: int
    team_id: int | None
    judge_id: int | None
    pieces: list[HeldPiece]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.pieces), ZERO)

    @property
    def oldest_age(self) -> int:
        return max(p.age for p in self.pieces)

    def in_bucket(self, bucket: str | None) -> Decimal:
        return sum((p.amount for p in self.pieces if bucket is None or p.bucket == bucket), ZERO)


@dataclass
class Ageing:
    today: datetime.date
    cases: list[CaseHeld]
    court: Figures
    teams: dict[int | None, Figures]
    judges: dict[int | None, Figures]


def money_ageing(court_ids: Iterable[int], today: datetime.date | None = None) -> Ageing:
    """The held money of the courts' case accounts, per case, team and judge (one query)."""
    today = today or timezone.localdate()
    rows = (
        LedgerEntry.objects.filter(account__case__court_id__in=list(court_ids), account__balance__gt=0)
        .order_by("account_id", "booked_at", "id")
        .values_list(
            "account__case_id",
            "account__case__team_id",
            "account__case__responsible_judge_id",
            "id",
            "kind",
            "amount",
            "booked_at",
            "reverses_id",
        )
    )
    per_case: dict[int, tuple[int | None, int | None, list[EntryRow]]] = {}
    for case_id, team_id, judge_id, pk, kind, amount, booked_at, reverses_id in rows:
        entry = EntryRow(pk, kind, amount, booked_at, reverses_id)
        per_case.setdefault(case_id, (team_id, judge_id, []))[2].append(entry)
    result = Ageing(today, [], Figures(), defaultdict(Figures), defaultdict(Figures))
    for case_id, (team, judge, entries) in per_case.items():
        pieces = held_pieces(case_id, entries, today)
        if not pieces:
            continue
        result.cases.append(CaseHeld(case_id, team, judge, pieces))
        for piece in pieces:
            result.court.add(piece)
            result.teams[team].add(piece)
            result.judges[judge].add(piece)
    result.cases.sort(key=lambda c: (-c.oldest_age, c.case_id))
    return result


def cases_behind(
    ageing: Ageing, *, team: int | None = None, judge: int | None = None, bucket: str | None = None
) -> list[CaseHeld]:
    """The cases behind one figure: of a team or a judge (0 for none), in a bucket or in all, oldest
    first."""
    found = []
    for held in ageing.cases:
        if team is not None and (held.team_id or 0) != team:
            continue
        if judge is not None and (held.judge_id or 0) != judge:
            continue
        if bucket is not None and not held.in_bucket(bucket):
            continue
        found.append(held)
    return found
