"""Benchmark of the deadline scan (``enforcement.scan.scan_deadlines``) against bare SQL, on PostgreSQL.

Run::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/enforcement_bench \\
        .venv/bin/python bench/scan_bench.py [--deadlines 1000000] [--changing 0.15] [--repeat 3] [--keep]

What it does, in one run and one database:

1. Safety. It refuses to run unless ``DATABASE_URL`` is PostgreSQL and the database name contains
   "bench". It creates the database (through the ``postgres`` maintenance database) and marks it with a
   table ``bench_scan_marker``; a database of that name that exists without the marker is somebody
   else's, and the script stops without touching it. A marked leftover (``--keep``) is dropped and
   created again. At the end the database is dropped unless ``--keep``.
2. Schema: ``migrate`` with ``DJANGO_SETTINGS_MODULE=enforcement.settings`` and ``DEBUG=true``.
3. Fill, timed, with one ``INSERT ... SELECT FROM generate_series`` per table (no per-row Python): a
   handful of courts, teams and judges, N/2 cases and N open deadlines on the seeded node types, spread
   over the table by a multiplicative hash so that the ones that change level are scattered as in real
   life: ``changing`` x 2/3 nearing (warn_at <= NOW < due_at), ``changing`` x 1/3 overdue
   (due_at <= NOW), the rest in the future. Then VACUUM ANALYZE.
4. The scan, ``scan_deadlines(now=NOW)``, timed by wall clock; the alert and outbox counts are checked
   against the expected ones (one alert per changed deadline, one outbox row per channel and alert);
   then the second scan with the same NOW (nothing new to do), timed.
5. The baseline: the bare SQL statements doing the same writes, in one transaction, without batching,
   SKIP LOCKED or ON CONFLICT: INSERT of the nearing alerts and of the overdue alerts (INSERT ... SELECT
   from the deadlines joined with the cases, on the same predicates as the scan, so on the same partial
   indexes), INSERT of the outbox rows (alerts x channels), then the two UPDATEs of the deadlines'
   status. Inserting before updating is the cheapest order for plain statements (after the UPDATE no
   index finds the changed rows by status), so the baseline is the fastest honest way, not a straw man.
6. Ratio scan / baseline (target <= 2) and the second scan's time (target < 50 ms), issue 15.
7. The scan's batch size: the first scan again with batch_size 5000 (the default), 20000 and 100000.

State between measurements: before every timed scan or baseline the deadlines are refilled (TRUNCATE
... RESTART IDENTITY CASCADE, which also empties alerts and outbox, and the same INSERT ... SELECT), then
VACUUM ANALYZE and CHECKPOINT, so each measurement starts from the same rows with the same ids, no dead
tuples and no pending writes to flush. The refill also leaves the table similarly warm in the caches for
both. With ``--repeat K`` scan and baseline are measured K times each, alternating which goes first
(scan first in even rounds, baseline first in odd ones), and the medians are reported; the ratio is
the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
from typing import Any

import benchdb
from benchdb import (
    drop_database,
    execute,
    indexes_built_after,
    scalar,
    setup_django,
    timed,
    vacuum,
    without_fk_checks,
)

MARKER = "bench_scan_marker"
SCAN_TARGET_RATIO = 2.0  # issue 15: the first scan stays within 2x the bare SQL
SECOND_SCAN_TARGET_S = 0.05  # issue 15: an idle rescan at 1M open deadlines in tens of milliseconds
BATCH_SIZES = (5000, 20000, 100000)


# --- The fill --------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, deadlines: int, changing: float, now: datetime.datetime) -> None:
        from enforcement.models import Alert, Case, Deadline, OutboxMessage, Reminder, ScanState

        self.n = deadlines
        self.cases = max(1, deadlines // 2)
        self.changing = changing
        self.now = now
        self.t = {
            "deadline": Deadline._meta.db_table,
            "case": Case._meta.db_table,
            "alert": Alert._meta.db_table,
            "outbox": OutboxMessage._meta.db_table,
            "reminder": Reminder._meta.db_table,
            "state": ScanState._meta.db_table,
        }
        self.channels = tuple(OutboxMessage.Channel.values)

    def params(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "cases": self.cases,
            "now": self.now,
            # Fractions of the hash space [0, 1): overdue first, then nearing, the rest in the future.
            "overdue": self.changing / 3,
            "changing": self.changing,
        }

    def fill_reference(self) -> None:
        """Courts, a team kind, teams and judges: a handful of rows, so the alerts copy real values."""
        execute(
            """
            INSERT INTO enforcement_court (code, name, level, parent_id, division_code, service_phone,
                                           address, is_active, digest_time)
            SELECT '蒙03' || lpad(i::text, 2, '0'), '基准测试法院' || i, 'basic', NULL, '', '', '', true,
                   TIME '08:30'
            FROM generate_series(1, 5) AS i
            """
        )
        execute("INSERT INTO enforcement_teamkind (code, name, stream) VALUES ('bench', '基准', '')")
        execute(
            """
            INSERT INTO enforcement_team (court_id, kind_id, name, service_phone, webhook_url, is_active)
            SELECT c.id, k.id, '团队' || i, '', '', true
            FROM enforcement_court c CROSS JOIN generate_series(1, 4) AS i
            CROSS JOIN (SELECT id FROM enforcement_teamkind WHERE code = 'bench') k
            """
        )
        execute(
            """
            INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT '!', NULL, false, 'judge' || i, '', '', '', false, true, %(now)s
            FROM generate_series(1, 40) AS i
            """,
            self.params(),
        )

    def fill_cases(self) -> None:
        execute(
            f"""
            WITH courts AS (SELECT array_agg(id ORDER BY id) AS ids FROM enforcement_court),
                 teams AS (SELECT array_agg(id ORDER BY id) AS ids FROM enforcement_team),
                 judges AS (SELECT array_agg(id ORDER BY id) AS ids FROM auth_user
                            WHERE username LIKE 'judge%%'),
                 ct AS (SELECT id FROM enforcement_casetype WHERE code = '执')
            INSERT INTO {self.t["case"]} (
                court_id, case_type_id, year, seq, number, status, stream, team_id, responsible_judge_id,
                closed_at, closure, closure_note, closure_ground, closure_ruling_number, received_on,
                filed_at, filed_by_id,
                title_court_name, title_case_number, title_case_number_key, title_kind,
                title_effective_date, claim_kind, claim_amount, claim_description,
                preservation_in_place, preservation_amount, preservation_detail,
                query_code_hash, query_code_issued_at, created_at, updated_at,
                next_due_at, overdue_deadlines, nearing_deadlines)
            SELECT courts.ids[1 + i %% cardinality(courts.ids)], ct.id, 2025, i,
                   '(2025)蒙03执' || i || '号', 'filed', '',
                   teams.ids[1 + i %% cardinality(teams.ids)], judges.ids[1 + i %% cardinality(judges.ids)],
                   NULL, '', '', '', '', DATE '2025-01-02', %(now)s, NULL,
                   '基准测试人民法院', '(2024)蒙03民初' || i || '号', '(2024)蒙03民初' || i || '号',
                   'judgment', DATE '2024-12-01', 'money', 10000.00, '',
                   false, NULL, '', '', NULL, %(now)s, %(now)s,
                   NULL, 0, 0
            FROM generate_series(1, %(cases)s) AS i, courts, teams, judges, ct
            """,
            self.params(),
        )

    def fill_deadlines(self) -> int:
        """N open deadlines; returns the count.

        ``h`` in [0, 1) is a multiplicative hash of the row number, so the deadlines that change level
        are scattered over the whole table as in real life, not packed in its first pages. Each deadline
        copies its node type's rule (budget, unit, counting, warning lead) as the services do, and its
        warn_at is due_at minus that lead.
        """
        return execute(
            f"""
            WITH nodes AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, budget, unit, counting,
                                  warn_lead_days, make_interval(days => warn_lead_days) AS lead
                           FROM enforcement_nodetype),
                 node_count AS (SELECT count(*) AS n FROM nodes),
                 first_case AS (SELECT min(id) AS id FROM {self.t["case"]}),
                 g AS (SELECT i, ((i::bigint * 2654435761) %% 1000003) / 1000003.0 AS h
                       FROM generate_series(1, %(n)s) AS i),
                 d AS (
                    SELECT g.i, nodes.id AS node_type_id, nodes.budget, nodes.unit, nodes.counting,
                           nodes.warn_lead_days, nodes.lead,
                           CASE
                             -- overdue: due 1 hour to 20 days ago
                             WHEN g.h < %(overdue)s
                               THEN %(now)s - interval '1 hour' - (g.h / %(overdue)s) * interval '20 days'
                             -- nearing: warned already, due in 1 hour to (lead - 1 hour)
                             WHEN g.h < %(changing)s
                               THEN %(now)s + interval '1 hour'
                                    + ((g.h - %(overdue)s) / (%(changing)s - %(overdue)s))
                                      * (nodes.lead - interval '2 hours')
                             -- the rest: warned from 1 hour to 90 days from now
                             ELSE %(now)s + nodes.lead + interval '1 hour'
                                  + ((g.h - %(changing)s) / (1 - %(changing)s)) * interval '90 days'
                           END AS due_at
                    FROM g CROSS JOIN node_count JOIN nodes ON nodes.k = g.i %% node_count.n)
            INSERT INTO {self.t["deadline"]} (
                case_id, node_type_id, subject_type_id, subject_id, anchor_at, budget, unit, counting,
                warn_lead_days, due_date, due_at, warn_at, paused, status, generation, explanation,
                opened_at, opened_by_id, closed_at, closed_by_id, computed_at)
            SELECT first_case.id + d.i %% %(cases)s, d.node_type_id, NULL, NULL,
                   d.due_at - interval '30 days', d.budget, d.unit, d.counting, d.warn_lead_days,
                   (d.due_at - interval '1 day')::date, d.due_at, d.due_at - d.lead, false, 'open', 0,
                   '[]'::jsonb, d.due_at - interval '30 days', NULL, NULL, NULL, %(now)s
            FROM d, first_case
            """,
            self.params(),
        )

    def refill_deadlines(self) -> None:
        """The same deadlines again, same ids: empties alerts and outbox too (CASCADE)."""
        execute(f"TRUNCATE {self.t['deadline']} RESTART IDENTITY CASCADE")
        # No watermark: every measured scan is a first scan (the ladder reads every rung's window).
        execute(f"DELETE FROM {self.t['state']}")
        # The cases' counts of nearing and overdue deadlines as they were: every deadline open again.
        execute(f"UPDATE {self.t['case']} SET overdue_deadlines = 0, nearing_deadlines = 0")
        with without_fk_checks(), indexes_built_after(self.t["deadline"]):
            self.fill_deadlines()
        vacuum(self.t["deadline"], self.t["alert"], self.t["outbox"], self.t["reminder"], self.t["case"])

    def ladder(self) -> list[tuple[str, dict[str, Any]]]:
        """The ladder's windows of a first scan as (SQL condition on ``d``, parameters), from the scan's
        own window computation (``scan_ladder.ladder_windows``): the rungs are data, so is this."""
        from django.db import connection

        from enforcement.scan_ladder import ladder_windows

        adapt = connection.ops.adapt_datetimefield_value
        windows = []
        for days, lower, upper, node_types in ladder_windows(self.now, None):
            ids = ", ".join(str(int(pk)) for pk in node_types)
            condition = (
                f"d.node_type_id IN ({ids}) AND d.status IN ('open', 'nearing') AND NOT d.paused"
                " AND d.due_at > %(lower)s AND d.due_at <= %(upper)s"
            )
            windows.append((condition, {"days": days, "lower": adapt(lower), "upper": adapt(upper)}))
        return windows

    def expected_messages(self) -> tuple[int, int, int]:
        """(reminders, urgent alerts, urgent reminders) a first scan writes: outbox rows are for the
        urgent nodes' alerts and reminders only (the others go in the daily digest)."""
        reminders = urgent_reminders = 0
        for condition, params in self.ladder():
            reminders += int(scalar(f"SELECT count(*) FROM {self.t['deadline']} d WHERE {condition}", params))
            urgent_reminders += int(
                scalar(
                    f"SELECT count(*) FROM {self.t['deadline']} d JOIN enforcement_nodetype n"
                    f" ON n.id = d.node_type_id AND n.urgent WHERE {condition}",
                    params,
                )
            )
        urgent_alerts = scalar(
            f"SELECT count(*) FROM {self.t['deadline']} d JOIN enforcement_nodetype n"
            " ON n.id = d.node_type_id AND n.urgent WHERE d.status IN ('open', 'nearing') AND NOT d.paused"
            " AND d.warn_at <= %(now)s",
            self.params(),
        )
        return reminders, int(urgent_alerts), urgent_reminders

    def expected(self) -> tuple[int, int]:
        nearing = scalar(
            f"SELECT count(*) FROM {self.t['deadline']} WHERE status = 'open' AND NOT paused"
            " AND warn_at <= %(now)s AND due_at > %(now)s",
            self.params(),
        )
        overdue = scalar(
            f"SELECT count(*) FROM {self.t['deadline']} WHERE status IN ('open', 'nearing') AND NOT paused"
            " AND due_at <= %(now)s",
            self.params(),
        )
        return int(nearing), int(overdue)

    def reminders(self) -> int:
        return int(scalar(f"SELECT count(*) FROM {self.t['reminder']}"))

    def counts(self) -> tuple[int, int, int, int]:
        alerts = int(scalar(f"SELECT count(*) FROM {self.t['alert']}"))
        outbox = int(scalar(f"SELECT count(*) FROM {self.t['outbox']}"))
        nearing = int(scalar(f"SELECT count(*) FROM {self.t['deadline']} WHERE status = 'nearing'"))
        overdue = int(scalar(f"SELECT count(*) FROM {self.t['deadline']} WHERE status = 'overdue'"))
        return alerts, outbox, nearing, overdue

    # --- The measured things -------------------------------------------------------------------------

    def scan(self, batch_size: int | None = None) -> float:
        from enforcement.scan import BATCH_SIZE, scan_deadlines

        spent: list[float] = []
        with timed(spent):
            scan_deadlines(now=self.now, batch_size=batch_size or BATCH_SIZE)
        return spent[0]

    def baseline(self) -> float:
        """The same writes as bare statements in one transaction: no batches, SKIP LOCKED or ON CONFLICT."""
        from django.db import transaction

        channels = ", ".join(f"('{c}')" for c in self.channels)
        t = self.t
        alerts = f"""
            INSERT INTO {t["alert"]} (deadline_id, level, generation, case_id, court_id, team_id, judge_id,
                                     node_type_id, due_at, raised_at, acknowledgement)
            SELECT d.id, %(level)s, d.generation, d.case_id, c.court_id, c.team_id, c.responsible_judge_id,
                   d.node_type_id, d.due_at, %(now)s, ''
            FROM {t["deadline"]} d JOIN {t["case"]} c ON c.id = d.case_id
            WHERE {{condition}}
        """
        nearing = "d.status = 'open' AND NOT d.paused AND d.warn_at <= %(now)s AND d.due_at > %(now)s"
        overdue = "d.status IN ('open', 'nearing') AND NOT d.paused AND d.due_at <= %(now)s"
        p = self.params()
        spent: list[float] = []
        with timed(spent), transaction.atomic():
            execute(alerts.format(condition=nearing), {**p, "level": "nearing"})
            execute(alerts.format(condition=overdue), {**p, "level": "overdue"})
            # Messages at once for the urgent nodes' alerts only.
            execute(
                f"""
                INSERT INTO {t["outbox"]} (alert_id, channel, status, attempts, next_attempt_at, created_at,
                                           last_error)
                SELECT a.id, ch.channel, 'pending', 0, %(now)s, %(now)s, ''
                FROM {t["alert"]} a JOIN enforcement_nodetype n ON n.id = a.node_type_id AND n.urgent
                CROSS JOIN (VALUES {channels}) AS ch(channel)
                """,
                p,
            )
            # The ladder: one INSERT ... SELECT per rung window, on the same predicates as the scan's.
            for condition, window in self.ladder():
                execute(
                    f"""
                    INSERT INTO {t["reminder"]} (deadline_id, days_before, generation, case_id, court_id,
                                                 node_type_id, due_at, raised_at)
                    SELECT d.id, %(days)s, d.generation, d.case_id, c.court_id, d.node_type_id, d.due_at,
                           %(now)s
                    FROM {t["deadline"]} d JOIN {t["case"]} c ON c.id = d.case_id
                    WHERE {condition}
                    """,
                    {**p, **window},
                )
            execute(
                f"""
                INSERT INTO {t["outbox"]} (reminder_id, channel, status, attempts, next_attempt_at,
                                           created_at, last_error)
                SELECT r.id, ch.channel, 'pending', 0, %(now)s, %(now)s, ''
                FROM {t["reminder"]} r JOIN enforcement_nodetype n ON n.id = r.node_type_id AND n.urgent
                CROSS JOIN (VALUES {channels}) AS ch(channel)
                """,
                p,
            )
            # An overdue alert supersedes the deadline's open nearing alert (none in this data set, but
            # the scan does the lookup, so the baseline does it too).
            execute(
                f"""
                UPDATE {t["alert"]} a SET resolved_at = %(now)s
                FROM {t["deadline"]} d
                WHERE a.deadline_id = d.id AND a.level = 'nearing' AND a.resolved_at IS NULL AND {overdue}
                """,
                p,
            )
            execute(f"UPDATE {t['deadline']} d SET status = 'nearing' WHERE {nearing}", p)
            execute(f"UPDATE {t['deadline']} d SET status = 'overdue' WHERE {overdue}", p)
            # The moved deadlines' cases count their nearing and overdue deadlines again (the queues read
            # them from the case row), as the scan does in each batch.
            execute(
                f"""
                UPDATE {t["case"]} c SET overdue_deadlines = x.o, nearing_deadlines = x.n
                FROM (SELECT case_id, count(*) FILTER (WHERE status = 'overdue') AS o,
                             count(*) FILTER (WHERE status = 'nearing') AS n
                      FROM {t["deadline"]} WHERE status IN ('nearing', 'overdue') GROUP BY case_id) x
                WHERE c.id = x.case_id
                """,
                p,
            )
        return spent[0]


# --- The run ---------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def run(args: argparse.Namespace) -> int:
    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    bench = Bench(args.deadlines, args.changing, now)
    failures = 0

    fill: list[float] = []
    with timed(fill), without_fk_checks(), indexes_built_after(bench.t["case"], bench.t["deadline"]):
        bench.fill_reference()
        bench.fill_cases()
        filled = bench.fill_deadlines()
    with timed(fill):
        vacuum("enforcement_court", "enforcement_team", "auth_user", bench.t["case"], bench.t["deadline"])
    nearing, overdue = bench.expected()
    changed = nearing + overdue
    reminders, urgent_alerts, urgent_reminders = bench.expected_messages()
    messages = (urgent_alerts + urgent_reminders) * len(bench.channels)
    print(f"PostgreSQL: {scalar('SHOW server_version')}")
    print(
        f"filled: {bench.cases:,} cases, {filled:,} open deadlines in {fill[0]:.1f} s (+ VACUUM ANALYZE "
        f"{fill[1]:.1f} s); to change: {nearing:,} nearing + {overdue:,} overdue = {changed:,} "
        f"({changed / max(filled, 1):.1%}); ladder reminders {reminders:,}; outbox rows at once {messages:,} "
        f"(urgent alerts {urgent_alerts:,}, urgent reminders {urgent_reminders:,})"
    )

    scans: list[float] = []
    seconds: list[float] = []
    baselines: list[float] = []
    ratios: list[float] = []
    for round_ in range(args.repeat):
        order = ("scan", "baseline") if round_ % 2 == 0 else ("baseline", "scan")
        times: dict[str, float] = {}
        for what in order:
            if round_ or what != order[0]:
                bench.refill_deadlines()
            if what == "baseline":
                times[what] = bench.baseline()
                alerts, outbox, *_ = bench.counts()
                if (alerts, outbox, bench.reminders()) != (changed, messages, reminders):
                    wrote = f"{alerts} alerts, {outbox} outbox rows, {bench.reminders()} reminders"
                    print(f"FAIL baseline wrote {wrote}")
                    failures += 1
                continue
            times[what] = bench.scan()
            alerts, outbox, now_nearing, now_overdue = bench.counts()
            fired = bench.reminders()
            second = bench.scan()
            alerts2, outbox2, *_ = bench.counts()
            seconds.append(second)
            expected = (changed, messages, nearing, overdue, reminders)
            ok = (alerts, outbox, now_nearing, now_overdue, fired) == expected and (
                alerts2,
                outbox2,
                bench.reminders(),
            ) == (alerts, outbox, fired)
            failures += not ok
            print(
                f"  round {round_ + 1} scan: {times[what]:.2f} s; alerts {alerts:,} (expected {changed:,}), "
                f"outbox {outbox:,} (expected {messages:,}), reminders {fired:,} (expected {reminders:,}), "
                f"deadlines nearing "
                f"{now_nearing:,} / overdue {now_overdue:,}: {verdict(ok)}; second scan {second:.3f} s, "
                f"after it alerts {alerts2:,} outbox {outbox2:,}"
            )
        scans.append(times["scan"])
        baselines.append(times["baseline"])
        ratios.append(times["scan"] / times["baseline"])
        print(
            f"  round {round_ + 1} ({' then '.join(order)}): scan {times['scan']:.2f} s, "
            f"baseline {times['baseline']:.2f} s, ratio {ratios[-1]:.2f}"
        )

    ratio = statistics.median(ratios)
    second = statistics.median(seconds)
    print(
        f"scan (first, {changed:,} deadlines change level): median {statistics.median(scans):.2f} s "
        f"over {args.repeat}: {', '.join(f'{s:.2f}' for s in scans)}"
    )
    print(
        f"baseline (bare SQL, one transaction): median {statistics.median(baselines):.2f} s: "
        f"{', '.join(f'{s:.2f}' for s in baselines)}"
    )
    print(
        f"ratio scan / baseline: {ratio:.2f} (target <= {SCAN_TARGET_RATIO:g}): "
        f"{verdict(ratio <= SCAN_TARGET_RATIO)}"
    )
    print(
        f"second scan (nothing new): median {second:.3f} s (target < {SECOND_SCAN_TARGET_S:g} s): "
        f"{verdict(second < SECOND_SCAN_TARGET_S)}"
    )
    failures += ratio > SCAN_TARGET_RATIO
    failures += second >= SECOND_SCAN_TARGET_S

    if not args.no_batch_sizes:
        print("batch size (first scan, same data):")
        for size in BATCH_SIZES:
            bench.refill_deadlines()
            spent = bench.scan(batch_size=size)
            alerts, outbox, *_ = bench.counts()
            ok = (alerts, outbox) == (changed, messages)
            failures += not ok
            print(
                f"  batch_size {size:>6}: {spent:.2f} s, ratio to the median baseline "
                f"{spent / statistics.median(baselines):.2f}; alerts {alerts:,}, outbox {outbox:,}: "
                f"{verdict(ok)}"
            )
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--changing", type=float, default=0.15, help="fraction that changes level")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of scan vs baseline (alternating)")
    parser.add_argument("--no-batch-sizes", action="store_true", help="skip the batch size comparison")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not 0 < args.changing < 1 or args.deadlines < 1 or args.repeat < 1:
        parser.error("--changing must be in (0, 1), --deadlines and --repeat positive")

    benchdb.prepare_database(MARKER)
    failures = 1
    try:
        setup_django()
        failures = run(args)
    finally:
        if args.keep:
            print("kept the bench database (--keep)")
        else:
            drop_database()
    print("result: " + ("all targets met" if not failures else f"FAIL ({failures} check(s) failed)"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
