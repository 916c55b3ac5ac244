"""The reminder ladder, the scan's third pass: rungs crossed since the last scan fire once each.

A rung of ``k`` days fires for a running deadline when ``due_at - k days`` passes. Between the last scan
(``since``) and this one (``now``) that is a deadline whose due time lies in ``(since + k, now + k]``; a
deadline whose due time is already past the next lower rung (``now + k_next``) skips this one, so a term
recorded 10 days before its end is reminded at 7 and 1 days, not at 30 and 15 all at once. Without a
previous scan every deadline inside its current rung's window fires it.

One ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` per window (node types sharing it together), on the
partial index ``deadline_ladder`` (node type, due time): the unique key (deadline, rung, generation) makes
a rung fire once, whatever the number of scans running. Urgent nodes' reminders get their outbox rows in
the same statement (PostgreSQL) or transaction (SQLite); the others feed the daily digest.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db import connection

from .models import Case, Deadline, NodeType, OutboxMessage, Reminder, ReminderRung

CHANNELS = tuple(OutboxMessage.Channel.values)


def ladder_windows(
    now: datetime.datetime, since: datetime.datetime | None
) -> list[tuple[int, datetime.datetime, datetime.datetime, list[int]]]:
    """(rung days, lower bound exclusive, upper bound inclusive, node type ids) of each window to read."""
    rungs: dict[int, list[int]] = defaultdict(list)
    active = ReminderRung.objects.filter(node_type__is_active=True)
    for node_type_id, days in active.values_list("node_type_id", "days_before"):
        rungs[node_type_id].append(days)
    windows: dict[tuple[int, datetime.datetime, datetime.datetime], list[int]] = defaultdict(list)
    for node_type_id, days_list in rungs.items():
        ordered = sorted(set(days_list), reverse=True)
        for days, lower_days in zip(ordered, [*ordered[1:], 0], strict=True):
            upper = now + datetime.timedelta(days=days)
            lower = now + datetime.timedelta(days=lower_days)
            if since is not None:
                lower = max(lower, since + datetime.timedelta(days=days))
            if lower < upper:
                windows[(days, lower, upper)].append(node_type_id)
    return [(days, lower, upper, ids) for (days, lower, upper), ids in sorted(windows.items())]


def fire_rungs(now: datetime.datetime, since: datetime.datetime | None) -> int:
    """Fire the rungs crossed since the last scan; returns how many reminders were written."""
    fired = 0
    for days, lower, upper, node_type_ids in ladder_windows(now, since):
        fired += _fire(days, lower, upper, node_type_ids, now)
    return fired


def _tables() -> dict[str, str]:
    return {
        "deadline": Deadline._meta.db_table,
        "case": Case._meta.db_table,
        "reminder": Reminder._meta.db_table,
        "outbox": OutboxMessage._meta.db_table,
        "node_type": NodeType._meta.db_table,
    }


def _db(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


_SELECT = """
    INSERT INTO {reminder} (deadline_id, days_before, generation, case_id, court_id, node_type_id, due_at,
                            raised_at)
    SELECT d.id, %(days)s, d.generation, d.case_id, c.court_id, d.node_type_id, d.due_at, %(now)s
    FROM {deadline} d JOIN {case} c ON c.id = d.case_id
    WHERE d.node_type_id IN ({node_types}) AND d.status IN ('open', 'nearing') AND NOT d.paused
      AND d.due_at > %(lower)s AND d.due_at <= %(upper)s
    ON CONFLICT (deadline_id, days_before, generation) DO NOTHING
    RETURNING id, node_type_id
"""
_OUTBOX = """
    INSERT INTO {outbox} (reminder_id, channel, status, attempts, next_attempt_at, created_at, last_error)
    SELECT r.id, ch.channel, 'pending', 0, %(now)s, %(now)s, ''
"""


def _fire(
    days: int,
    lower: datetime.datetime,
    upper: datetime.datetime,
    node_type_ids: list[int],
    now: datetime.datetime,
) -> int:
    tables = _tables()
    node_types = ", ".join(str(int(pk)) for pk in node_type_ids)
    params = {"days": days, "now": _db(now), "lower": _db(lower), "upper": _db(upper)}
    insert = _SELECT.format(node_types=node_types, **tables)
    outbox = _OUTBOX.format(**tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as scan.no_jit: a costly-looking plan reading few rows
            channels = ", ".join(f"('{c}')" for c in CHANNELS)
            cursor.execute(
                f"""WITH r AS ({insert}), o AS (
                        {outbox} FROM r JOIN {tables["node_type"]} n ON n.id = r.node_type_id AND n.urgent
                        CROSS JOIN (VALUES {channels}) AS ch(channel) RETURNING 1
                    ) SELECT count(*) FROM r""",  # noqa: S608 - table names from model metadata, ids are ints
                params,
            )
            return int(cursor.fetchone()[0])
        cursor.execute(insert, params)
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            channels = " UNION ALL ".join(f"SELECT '{c}' AS channel" for c in CHANNELS)
            cursor.execute(
                f"{outbox} FROM {tables['reminder']} r CROSS JOIN ({channels}) ch"  # noqa: S608
                f" WHERE r.id IN ({', '.join(str(int(i)) for i in ids)})"
                f" AND r.node_type_id IN (SELECT id FROM {tables['node_type']} WHERE urgent)",
                {"now": _db(now)},
            )
    return len(ids)
