"""The progress query's read model: one ``PublicProgress`` row per case with what its parties may see.

Why
    The progress query is the court's busiest public endpoint (every party's visit, every mini-program
    refresh). Read from the case's tables it took five statements and most of its time in the ORM
    (``bench/progress_bench.py``). From this row, the throttle check, the query-code hash and the
    snapshot come back in one statement (``portal.progress.query``).

What it holds
    Language-neutral facts (codes, dates, amounts as strings, names): labels are put on in the asking
    party's language when shown (``portal.progress.render``). Parties are listed by name and masked name,
    and recognised by a keyed digest of their identity number (``party_key``): no identity number, phone
    or address is stored. A public event keeps the system's words as its text code and parameters
    (``enforcement.eventtexts``), put into words in the reader's language when shown. What staff typed on
    it (``detail``) is kept once per party who may read it, already scrubbed for that reader (other
    people's names masked, every stored secret blanked, and every phone, identity or account number
    blanked by its shape: ``enforcement.scrub``), since a party sees his own name in full.

Life of a snapshot
    - Built on the first read that finds none (``snapshot_for``), from committed rows, under a per-case
      lock (``_lock_case``).
    - Dropped whenever a row it is built from changes, by the signals below: the case, its parties, public
      events, deadlines, ledger entries and payouts drop that case's snapshot; a court's or team's name
      or phone, a judge's name or a node type drop the snapshots of every case that shows them.
    - A case's snapshot is dropped twice: in the writing transaction, so that transaction reads its own
      change, and again after its commit under the case's lock. A build that read the rows just before
      the commit holds that lock until its snapshot is written, so the second drop always comes after it
      and a stale snapshot cannot survive. (Wide drops, after rare edits of reference data, are not
      locked: a build racing with one may keep the old court or team name until the case next changes.)
    - Writes that bypass signals must say so with ``case_changed``. The only ones in the application are
      the deadline scan, which moves deadlines between open, nearing and overdue (the snapshot does not
      show the difference), and ``end_case_deadlines``, whose caller saves the closed case in the same
      transaction.
    - ``VERSION`` is part of the data: a snapshot built by older code is rebuilt on its first read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assignment.selectors import next_pool_search
from enforcement.models import Case, CaseEvent, Court, Deadline, NodeType, Party, Team
from enforcement.people import display_name
from enforcement.scrub import mask_numbers
from payments.selectors import PAYOUT_NODES, party_money_lines

from .models import PublicProgress

# 2: events carry their text code and parameters; staff's words are scrubbed of numbers by shape.
# 3: the 终本 pool's next re-search.
VERSION = 3
# Named after the module's first home: a new name would change every stored digest of a party.
_PARTY_KEY_SALT = "intake.progress.party"

# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 rather than 欧某.
_COMPOUND_SURNAMES_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 "
    "端木 独孤 南宫 西门 申屠 澹台 公冶 太史 万俟 闻人 赫连 呼延 钟离 宗政 濮阳 淳于 "
    "单于 拓跋 百里 东郭 第五 左丘 梁丘 谷梁 乐正 仲孙 叔孙 羊舌 微生 公羊 公良 漆雕 "
    "巫马 亓官 段干 司寇 子车 颛孙 壤驷 鲜于 闾丘"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())


def normalize_id_number(raw: str) -> str:
    return "".join(raw.split()).upper()


def party_key(id_number: str) -> str:
    """A keyed digest of an identity number, by which the snapshot recognises a party; "" for none."""
    normalized = normalize_id_number(id_number)
    if not normalized:
        return ""
    return salted_hmac(_PARTY_KEY_SALT, normalized, algorithm="sha256").hexdigest()


def masked_name(name: str, kind: str) -> str:
    """A name as courts publish it: organisations in full, a natural person as surname + 某."""
    name = name.strip()
    if kind == Party.Kind.ORGANISATION or not name:
        return name
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return f"{surname}某"


def scrub(text: str, parties: list[Party], *, viewer_id: int, keep: tuple[str, ...] = ()) -> str:
    """Staff's words on a public event with nothing personal left: every party's identity number, phone,
    address, agent and legal representative blanked, the full names of other natural persons masked, and
    any number shaped like a phone, identity or account number blanked, whoever it belongs to (``keep``:
    numbers parties are meant to see, such as the court's service phone)."""
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
    return mask_numbers(text, keep=keep)


def public_numbers(case: Case) -> tuple[str, ...]:
    """The numbers parties are meant to read in staff's words: the court's and the team's service phones."""
    numbers = (case.court.service_phone, case.team.service_phone if case.team is not None else "")
    return tuple(number for number in numbers if number.strip())


# --- Building -----------------------------------------------------------------------------------------------


def build(case_id: int) -> dict[str, Any] | None:
    """The snapshot of one case from its rows; None if the case does not exist."""
    case = Case.objects.select_related("court", "team", "responsible_judge").filter(pk=case_id).first()
    if case is None:
        return None
    parties = list(case.parties.order_by("role", "position", "id"))
    deadlines = list(
        Deadline.objects.filter(case_id=case_id, status__in=Deadline.ACTIVE)
        .order_by("due_at", "id")
        .values_list("node_type__code", "node_type__name", "node_type__public", "due_date", "paused")
    )
    events = list(
        CaseEvent.objects.filter(case_id=case_id, public=True)
        .order_by("-occurred_at", "-id")  # as the timeline: newest first
        .values_list("kind", "occurred_at", "text_code", "text_params", "detail")
    )
    money = party_money_lines(case)
    keep = public_numbers(case)
    pending = any(line.kind == "pending" and line.amount > 0 for line in money)
    next_step = next(((name, due, paused) for _code, name, public, due, paused in deadlines if public), None)
    team = case.team
    pool = next_pool_search(case_id)
    return {
        "v": VERSION,
        "number": case.number,
        "court": case.court.name,
        "status": case.status,
        "closure": case.closure,
        "has_judge": case.responsible_judge_id is not None,
        "paying_out": pending or any(code in PAYOUT_NODES for code, *_rest in deadlines),
        "filed_on": timezone.localtime(case.filed_at).date().isoformat(),
        "team": team.name if team is not None else "",
        "service_phone": (team.service_phone if team is not None else "") or case.court.service_phone,
        # None: no judge yet; "": a judge without a name (shown as "the responsible judge", never his login).
        "judge": _judge_name(case),
        "money_claim": case.claim_kind == Case.ClaimKind.MONEY,
        "next_step": (
            [next_step[0], next_step[1].isoformat(), next_step[2]] if next_step is not None else None
        ),
        "money": [[line.kind, line.on.isoformat(), f"{line.amount:.2f}"] for line in money],
        # The rounds are deadlines: a round met or cancelled drops the snapshot like any deadline.
        "pool_search": [pool.due_date.isoformat(), pool.round, pool.rounds] if pool is not None else None,
        "parties": [
            {
                "id": p.id,
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "masked": masked_name(p.name, p.kind),
                "key": party_key(p.id_number),
            }
            for p in parties
        ],
        "events": [
            [kind, timezone.localtime(at).date().isoformat(), code, params or {}]
            for kind, at, code, params, _detail in events
        ],
        # Each reader's copy of staff's words (see the module's notes); keys are party ids as text (JSON).
        "details": {
            str(p.id): [scrub(detail, parties, viewer_id=p.id, keep=keep) for *_event, detail in events]
            for p in parties
        },
    }


def _judge_name(case: Case) -> str | None:
    judge = case.responsible_judge
    if judge is None:
        return None
    if not (judge.first_name.strip() or judge.last_name.strip()):
        return ""
    return display_name(judge)


def current(data: Any) -> bool:
    """Whether a stored snapshot was built by this code (an older one is rebuilt)."""
    return isinstance(data, dict) and data.get("v") == VERSION


def snapshot_for(case_id: int) -> dict[str, Any] | None:
    """The case's snapshot, built now if there is none; None if the case does not exist."""
    stored = PublicProgress.objects.filter(case_id=case_id).values_list("data", flat=True).first()
    if current(stored):
        return stored
    return rebuild(case_id)


def rebuild(case_id: int) -> dict[str, Any] | None:
    """Build and store the case's snapshot under its lock (see the module's notes)."""
    with transaction.atomic():
        _lock_case(case_id)
        data = build(case_id)
        if data is None:
            return None
        PublicProgress.objects.update_or_create(
            case_id=case_id, defaults={"data": data, "built_at": timezone.now()}
        )
    return data


def rebuild_all(*, batch: int = 500) -> int:
    """Build every case's snapshot (after a deploy, or to warm the query); idempotent."""
    ids = Case.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=batch)
    return sum(rebuild(case_id) is not None for case_id in ids)


def _lock_case(case_id: int) -> None:
    """Serialise building and dropping one case's snapshot. PostgreSQL: a transaction-level advisory
    lock. SQLite's transactions are IMMEDIATE here (settings), so they are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intake.progress:{case_id}"])


# --- Dropping -----------------------------------------------------------------------------------------------


class _DropAfterCommit:
    """The cases whose snapshots the current transaction has changed, dropped again after it commits."""

    def __init__(self) -> None:
        self.case_ids: set[int] = set()

    def __call__(self) -> None:
        for case_id in sorted(self.case_ids):
            with transaction.atomic():
                _lock_case(case_id)
                PublicProgress.objects.filter(case_id=case_id).delete()


def case_changed(case_id: int | None) -> None:
    """Something parties see of this case changed: drop its snapshot now and after the commit."""
    if case_id is None:
        return
    if not connection.in_atomic_block:
        drop = _DropAfterCommit()
        drop.case_ids.add(case_id)
        drop()
        return
    # Every time, not once per transaction: the transaction may have read (and so rebuilt) it since.
    PublicProgress.objects.filter(case_id=case_id).delete()
    _pending_drop().case_ids.add(case_id)


def _pending_drop() -> _DropAfterCommit:
    """This transaction's drop-after-commit, registered once. A rolled-back savepoint takes its callbacks
    with it, so the search finds only one that will still run."""
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, _DropAfterCommit):
            return callback
    pending = _DropAfterCommit()
    transaction.on_commit(pending)
    return pending


def cases_changed(**case_filter: Any) -> None:
    """Reference data many cases show changed (a court's name, a judge's name): drop their snapshots."""

    def drop() -> None:
        PublicProgress.objects.filter(case__in=Case.objects.filter(**case_filter).values("pk")).delete()

    drop()
    transaction.on_commit(drop)


# --- Signals ------------------------------------------------------------------------------------------------


def _touches(update_fields: frozenset[str] | None, shown: set[str]) -> bool:
    return update_fields is None or not shown.isdisjoint(update_fields)


def _case_saved(sender: type[Model], instance: Case, **kwargs: Any) -> None:
    case_changed(instance.pk)


def _row_of_case_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    case_changed(instance.case_id)


def _event_changed(sender: type[Model], instance: CaseEvent, **kwargs: Any) -> None:
    if instance.public:
        case_changed(instance.case_id)


def _ledger_entry_written(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    case_changed(instance.account.case_id)


def _court_saved(sender: type[Model], instance: Court, update_fields: Any = None, **kwargs: Any) -> None:
    if _touches(update_fields, {"name", "service_phone"}):
        cases_changed(court_id=instance.pk)


def _team_saved(sender: type[Model], instance: Team, update_fields: Any = None, **kwargs: Any) -> None:
    if _touches(update_fields, {"name", "service_phone"}):
        cases_changed(team_id=instance.pk)


def _user_saved(sender: type[Model], instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A login saves last_login only: that must not drop the snapshots of every case of a judge.
    if not kwargs.get("created") and _touches(update_fields, {"first_name", "last_name"}):
        cases_changed(responsible_judge_id=instance.pk)


def _node_type_saved(
    sender: type[Model], instance: NodeType, update_fields: Any = None, **kwargs: Any
) -> None:
    if not kwargs.get("created") and _touches(update_fields, {"name", "public", "code"}):
        cases_changed(deadlines__node_type=instance)


def connect() -> None:
    """Called once from ``PortalConfig.ready``."""
    post_save.connect(_case_saved, sender=Case, dispatch_uid="progress_snapshot.case")
    # Models by label: the payments' are not imported (the portal reads that app through its selectors).
    for model in ("enforcement.Party", "enforcement.Deadline", "payments.Payout"):
        name = model.lower()
        post_save.connect(_row_of_case_changed, sender=model, dispatch_uid=f"progress_snapshot.{name}")
        post_delete.connect(_row_of_case_changed, sender=model, dispatch_uid=f"progress_snapshot.{name}.del")
    post_save.connect(_event_changed, sender=CaseEvent, dispatch_uid="progress_snapshot.event")
    post_delete.connect(_event_changed, sender=CaseEvent, dispatch_uid="progress_snapshot.event.del")
    post_save.connect(
        _ledger_entry_written, sender="payments.LedgerEntry", dispatch_uid="progress_snapshot.ledger"
    )
    post_save.connect(_court_saved, sender=Court, dispatch_uid="progress_snapshot.court")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="progress_snapshot.team")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="progress_snapshot.user")
    post_save.connect(_node_type_saved, sender=NodeType, dispatch_uid="progress_snapshot.node_type")
