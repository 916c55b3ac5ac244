"""The deadline scan: moves deadlines to nearing and overdue, raises alerts and queues notifications.

Set-based and safe to run anywhere, any number of times, several at once:
- each batch is one transaction in which deadlines change level with a compare-and-set update (only
  rows still at the old level move), the alerts are inserted with ``ON CONFLICT DO NOTHING`` against the
  one-alert-per-deadline-level-and-generation constraint, and the outbox rows are written with them;
- on PostgreSQL the batch is one statement, and ``FOR UPDATE SKIP LOCKED`` lets two scans share the work
  instead of waiting for each other; a scan killed halfway loses only its open batch, which the next
  scan takes again;
- only the alerts of urgent node types (``NodeType.urgent``) get outbox rows at once; the others are
  listed in each person's daily digest (``enforcement.digest``);
- the reminder ladder (``ReminderRung``) fires each rung crossed since the last scan once per deadline
  and generation (``Reminder``'s unique key, ``ON CONFLICT DO NOTHING``); urgent nodes' reminders get
  outbox rows at once, the others feed the digest;
- the catch-up pass and the ladder read only what changed since the last scan (``ScanState``): the
  deadlines closed since (partial index on ``closed_at``), the due times that crossed a rung since; the
  paused deadlines are found by their partial index; so an idle rescan reads next to nothing;
- the time comes from the application's clock and is passed into the queries (never the database's
  ``NOW()``), so tests and replays set it.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from .models import Alert, Case, Deadline, NodeType, OutboxMessage, Reminder, ScanState
from .scan_ladder import fire_rungs
from .services.deadlines import refresh_paused_deadlines
from .urgency import refresh_case_urgency

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# How long a batch waits for a case row a service holds, below PostgreSQL's deadlock_timeout (1 s).
CASE_LOCK_WAIT_MS = 500
# The catch-up reads the deadlines closed since the last scan, less this margin: a transaction that
# closed deadlines may commit a while after the time it stamped on them.
CATCH_UP_MARGIN = datetime.timedelta(hours=1)
STATE = "deadline_scan"
CHANNELS = tuple(OutboxMessage.Channel.values)


@dataclass(frozen=True)
class ScanResult:
    nearing: int
    overdue: int
    alerts: int
    resolved: int
    refreshed: int
    reminders: int = 0


# Which deadlines move to which level: (new status, alert level, condition on the deadline row).
# Overdue first: the nearing pass then need not read past the deadlines that are already late.
_LEVELS = (
    (
        Deadline.Status.OVERDUE,
        Alert.Level.OVERDUE,
        "status IN ('open', 'nearing') AND NOT paused AND due_at <= %(now)s",
        "due_at",
    ),
    (
        Deadline.Status.NEARING,
        Alert.Level.NEARING,
        "status = 'open' AND NOT paused AND warn_at <= %(now)s AND due_at > %(now)s",
        "warn_at",
    ),
)


def scan_deadlines(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> ScanResult:
    now = now or timezone.now()
    since = ScanState.objects.filter(name=STATE).values_list("last_scan_at", flat=True).first()
    refreshed = refresh_paused_deadlines()
    moved = {Alert.Level.NEARING: 0, Alert.Level.OVERDUE: 0}
    alerts = 0
    for status, level, condition, order in _LEVELS:
        while True:
            try:
                with transaction.atomic():
                    changed, raised = _advance(status, level, condition, order, now, batch_size)
            except OperationalError as error:
                if not _yielded_to_a_writer(error):
                    raise
                # A service holds one of the batch's cases (closing it, say): the batch is rolled back
                # whole and the next scan takes it again, instead of a deadlock the user would see.
                logger.warning("deadline scan at %s: a batch gave way to a locked case", now.isoformat())
                break
            moved[level] += changed
            alerts += raised
            if changed < batch_size:
                break
    with transaction.atomic():
        reminders = fire_rungs(now, since)
        resolved = _resolve_alerts_of_closed_deadlines(now, since)
        _record_scan(now)
    result = ScanResult(
        moved[Alert.Level.NEARING], moved[Alert.Level.OVERDUE], alerts, resolved, refreshed, reminders
    )
    logger.info("deadline scan at %s: %s", now.isoformat(), result)
    return result


def _yielded_to_a_writer(error: OperationalError) -> bool:
    # 55P03 lock_not_available: the batch's lock_timeout ran out waiting for a case row.
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def _tables() -> dict[str, str]:
    return {
        "deadline": Deadline._meta.db_table,
        "alert": Alert._meta.db_table,
        "case": Case._meta.db_table,
        "outbox": OutboxMessage._meta.db_table,
        "node_type": NodeType._meta.db_table,
    }


@dataclass(frozen=True)
class _Move:
    status: str
    level: str
    now: datetime.datetime
    batch: int

    def params(self) -> dict[str, Any]:
        return {"status": self.status, "level": self.level, "now": self.db_now, "batch": self.batch}

    @property
    def db_now(self) -> Any:
        # Raw SQL gets no field conversion: SQLite stores naive UTC text, so the time is adapted the same way.
        return connection.ops.adapt_datetimefield_value(self.now)


def _advance(
    status: str, level: str, condition: str, order: str, now: datetime.datetime, batch: int
) -> tuple[int, int]:
    move = _Move(status, level, now, batch)
    if connection.vendor == "postgresql":
        return _advance_in_one_statement(condition, order, move)
    changed, raised, case_ids = _advance_step_by_step(condition, order, move)
    # The moved deadlines' cases count their overdue and nearing deadlines again, in the batch's
    # transaction (SQLite serialises writes: no lock order to mind). Their next due time does not move:
    # the scan changes levels, never due times.
    refresh_case_urgency(case_ids)
    return changed, raised


_INSERT_ALERTS = """
    INSERT INTO {alert} (deadline_id, level, generation, case_id, court_id, team_id, judge_id, node_type_id,
                         due_at, raised_at, acknowledgement)
    SELECT d.id, %(level)s, d.generation, d.case_id, c.court_id, c.team_id, c.responsible_judge_id,
           d.node_type_id, d.due_at, %(now)s, ''
"""
# An overdue alert supersedes the nearing one of the same deadline: one open alert per late deadline.
_RESOLVE_NEARING = """
    UPDATE {alert} SET resolved_at = %(now)s
    WHERE %(level)s = 'overdue' AND level = 'nearing' AND resolved_at IS NULL
"""
_INSERT_OUTBOX = """
    INSERT INTO {outbox} (alert_id, channel, status, attempts, next_attempt_at, created_at, last_error)
    SELECT r.id, ch.channel, 'pending', 0, %(now)s, %(now)s, ''
"""


def no_jit(cursor: Any) -> None:
    """The batch statements are estimated costly (a LIMIT over a big index) but read a few rows: PostgreSQL's
    JIT compiler would spend 30-50 ms compiling each one, most of an idle scan. Off for this transaction."""
    cursor.execute("SET LOCAL jit = off")


def _advance_in_one_statement(condition: str, order: str, move: _Move) -> tuple[int, int]:
    channels = ", ".join(f"('{c}')" for c in CHANNELS)
    sql = f"""
        WITH d AS (
            UPDATE {{deadline}} AS t SET status = %(status)s
            FROM (
                SELECT id, status AS was FROM {{deadline}} WHERE {condition}
                ORDER BY {order} LIMIT %(batch)s FOR UPDATE SKIP LOCKED
            ) AS s
            WHERE t.id = s.id
            RETURNING t.id, t.case_id, t.node_type_id, t.due_at, t.generation, s.was
        ), counts AS (
            -- The cases' counts of overdue and nearing deadlines follow the moves (the queues read them
            -- from the case row): one update per case, from the batch alone. The due times do not move.
            UPDATE {{case}} AS k
            SET overdue_deadlines = k.overdue_deadlines + m.overdue,
                nearing_deadlines = k.nearing_deadlines + m.nearing
            FROM (
                SELECT case_id,
                       count(*) FILTER (WHERE %(status)s = 'overdue') AS overdue,
                       count(*) FILTER (WHERE %(status)s = 'nearing')
                         - count(*) FILTER (WHERE was = 'nearing') AS nearing
                FROM d GROUP BY case_id
            ) AS m
            WHERE k.id = m.case_id
            RETURNING 1
        ), r AS (
            {_INSERT_ALERTS} FROM d JOIN {{case}} c ON c.id = d.case_id
            ON CONFLICT (deadline_id, level, generation) DO NOTHING
            RETURNING id, node_type_id
        ), o AS (
            -- Urgent nodes only: the others' alerts wait for the daily digest.
            {_INSERT_OUTBOX} FROM r JOIN {{node_type}} n ON n.id = r.node_type_id AND n.urgent
            CROSS JOIN (VALUES {channels}) AS ch(channel)
            RETURNING 1
        ), superseded AS (
            -- One index probe per moved deadline on the alert's unique key; LIMIT 1 keeps the planner
            -- from turning it into a join of the whole batch against every open nearing alert.
            UPDATE {{alert}} a SET resolved_at = %(now)s
            FROM d CROSS JOIN LATERAL (
                SELECT x.id FROM {{alert}} x
                WHERE x.deadline_id = d.id AND x.level = 'nearing' AND x.generation = d.generation
                  AND x.resolved_at IS NULL
                LIMIT 1
            ) n
            WHERE %(level)s = 'overdue' AND a.id = n.id
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM r), (SELECT count(*) FROM counts)
    """.format(**_tables())  # noqa: S608 - table names from model metadata, values as parameters
    with connection.cursor() as cursor:
        no_jit(cursor)
        # The services lock a case before its deadlines, the scan the other way round: so the batch waits
        # for a case row only briefly, and gives way (it rolls back whole) rather than deadlock with a
        # clerk's or judge's request.
        cursor.execute(f"SET LOCAL lock_timeout = '{CASE_LOCK_WAIT_MS}ms'")
        cursor.execute(sql, move.params())
        changed, raised, _cases = cursor.fetchone()
    return int(changed), int(raised)


def _advance_step_by_step(condition: str, order: str, move: _Move) -> tuple[int, int, list[int]]:
    """The same in three statements, for SQLite (no data-modifying CTEs); its writes are serialised."""
    tables = _tables()
    deadline = tables["deadline"]
    select_ids = f"SELECT id FROM {deadline} WHERE {condition} ORDER BY {order} LIMIT %(batch)s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {deadline} SET status = %(status)s WHERE id IN ({select_ids})"  # noqa: S608
            " RETURNING id, case_id",
            move.params(),
        )
        moved = cursor.fetchall()
        ids, case_ids = [row[0] for row in moved], sorted({row[1] for row in moved})
        if not ids:
            return 0, 0, []
        placeholders = ", ".join(["%s"] * len(ids))
        insert = _INSERT_ALERTS.format(**tables).replace("%(level)s", "%s").replace("%(now)s", "%s")
        cursor.execute(
            f"{insert} FROM {deadline} d JOIN {tables['case']} c ON c.id = d.case_id"
            f" WHERE d.id IN ({placeholders}) ON CONFLICT DO NOTHING RETURNING id",
            [move.level, move.db_now, *ids],
        )
        alert_ids = [row[0] for row in cursor.fetchall()]
        resolve = _RESOLVE_NEARING.format(**tables).replace("%(now)s", "%s").replace("%(level)s", "%s")
        cursor.execute(f"{resolve} AND deadline_id IN ({placeholders})", [move.db_now, move.level, *ids])
        if alert_ids:
            channels = " UNION ALL ".join(f"SELECT '{c}' AS channel" for c in CHANNELS)
            outbox = _INSERT_OUTBOX.format(**tables).replace("%(now)s", "%s")
            # Urgent nodes only: the others' alerts wait for the daily digest.
            urgent = f"SELECT id FROM {tables['node_type']} WHERE urgent"  # noqa: S608
            cursor.execute(
                f"{outbox} FROM {tables['alert']} r CROSS JOIN ({channels}) ch"
                f" WHERE r.id IN ({', '.join(['%s'] * len(alert_ids))}) AND r.node_type_id IN ({urgent})",
                [move.db_now, move.db_now, *alert_ids],
            )
    return len(ids), len(alert_ids), case_ids


def _resolve_alerts_of_closed_deadlines(now: datetime.datetime, since: datetime.datetime | None) -> int:
    """Catch-up: an alert (or reminder) whose deadline was met or cancelled is resolved (the services do
    it at once). Driven by the deadlines closed since the last scan, found by their ``closed_at`` index;
    the first scan (no state yet) looks at them all."""
    closed = Deadline.objects.filter(closed_at__isnull=False)
    if since is not None:
        closed = closed.filter(closed_at__gte=since - CATCH_UP_MARGIN)
    ids = closed.filter(status__in=[Deadline.Status.MET, Deadline.Status.CANCELLED]).values("id")
    resolved = Alert.objects.filter(resolved_at__isnull=True, deadline_id__in=ids).update(resolved_at=now)
    Reminder.objects.filter(resolved_at__isnull=True, deadline_id__in=ids).update(resolved_at=now)
    return resolved


def _record_scan(now: datetime.datetime) -> None:
    """Move the watermark forward (never back: a replay of an earlier time leaves it).

    The watermark is only a hint of where to start reading: losing its last move in a crash makes the
    next scan read a little more (the ladder's unique key and the catch-up's ``resolved_at IS NULL``
    absorb it). So on PostgreSQL its commit does not wait for the disk, which is most of an idle scan.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
    updated = ScanState.objects.filter(name=STATE, last_scan_at__lt=now).update(last_scan_at=now)
    if not updated:
        ScanState.objects.get_or_create(name=STATE, defaults={"last_scan_at": now})
