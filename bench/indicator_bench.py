"""The indicator page for a court with 1,000,000 cases: the page reads only the nightly figures
(``IndicatorFigure``), so its time must not follow the number of cases (issue 15: p95 <= 200 ms).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/enforcement_indicator_bench
python bench/indicator_bench.py --cases 1000000``. It fills one court set-based (40 teams of 10 judges,
cases filed over the last 36 months, two in three closed, with a mix of closure modes, each with its
6-month case limit met on closure, a petition every 50 cases), runs the nightly computation once (timed),
then times the pages through Django's test client against a baseline in the same run: one indexed lookup
of a case by primary key through the ORM.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb
from benchdb import (
    drop_database,
    execute,
    indexes_built_after,
    scalar,
    setup_django,
    vacuum,
    without_fk_checks,
)

MARKER = "indicator_bench_marker"
TEAMS = 40
JUDGES_PER_TEAM = 10
WARMUP = 5


def table(model_path: str) -> str:
    from django.apps import apps

    return apps.get_model(model_path)._meta.db_table


def fill(cases: int) -> float:
    from django.utils import timezone

    start = time.perf_counter()
    now = timezone.now().replace(microsecond=0)
    t = {
        k: table(v)
        for k, v in {
            "court": "enforcement.Court",
            "membership": "enforcement.CourtMembership",
            "kind": "enforcement.TeamKind",
            "team": "enforcement.Team",
            "teammember": "enforcement.TeamMembership",
            "case": "enforcement.Case",
            "deadline": "enforcement.Deadline",
            "nodetype": "enforcement.NodeType",
            "casetype": "enforcement.CaseType",
            "petition": "enforcement.Petition",
        }.items()
    }
    p = {
        "cases": cases,
        "now": now,
        "teams": TEAMS,
        "per_team": JUDGES_PER_TEAM,
        "judges": TEAMS * JUDGES_PER_TEAM,
    }
    execute(
        f"""INSERT INTO {t["court"]} (code, name, level, parent_id, division_code, service_phone, address,
                                     is_active, digest_time)
            VALUES ('蒙0302', '乌海市海勃湾区人民法院', 'basic', NULL, '150302', '', '', true,
                    TIME '08:30')"""
    )
    execute(
        f"""INSERT INTO {t["team"]} (court_id, kind_id, name, service_phone, webhook_url, is_active)
            SELECT (SELECT id FROM {t["court"]}), (SELECT id FROM {t["kind"]} WHERE code = 'ordinary'),
                   '执行团队' || i, '', '', true FROM generate_series(1, %(teams)s) AS i""",
        p,
    )
    execute(
        """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                  is_active, date_joined)
           SELECT '!', false, 'judge' || i, '法官' || i, '', '', false, true, %(now)s
           FROM generate_series(1, %(judges)s) AS i
           UNION ALL SELECT '!', false, 'supervisor', '督导', '', '', false, true, %(now)s""",
        p,
    )
    execute(
        """INSERT INTO auth_user_groups (user_id, group_id)
           SELECT u.id, g.id FROM auth_user u JOIN auth_group g
             ON g.name = CASE WHEN u.username LIKE 'judge%%' THEN 'judge' ELSE 'supervisor' END"""
    )
    execute(
        f"""INSERT INTO {t["membership"]} (user_id, court_id, is_primary)
            SELECT u.id, (SELECT id FROM {t["court"]}), true FROM auth_user u"""
    )
    execute(
        f"""WITH teams AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {t["team"]})
            INSERT INTO {t["teammember"]} (team_id, user_id, role, capacity)
            SELECT teams.id, u.id, 'judge', 600 FROM auth_user u
              JOIN teams ON teams.k = 1 + (substr(u.username, 6)::int - 1) / %(per_team)s
             WHERE u.username LIKE 'judge%%'""",
        p,
    )
    with without_fk_checks(), indexes_built_after(t["case"], t["deadline"]):
        # Case i: filed (i mod 1095) days ago; closed (when i mod 3 > 0) (i mod 200) days after filing if
        # that is in the past; modes: mostly performed, then 终本, 终结执行, dismissed.
        execute(
            f"""
            WITH judges AS (SELECT u.id AS judge_id, m.team_id,
                                   row_number() OVER (ORDER BY substr(u.username, 6)::int) - 1 AS k
                            FROM auth_user u JOIN {t["teammember"]} m ON m.user_id = u.id),
                 ct AS (SELECT id FROM {t["casetype"]} WHERE code = '执'),
                 court AS (SELECT id FROM {t["court"]}),
                 raw AS (SELECT i, %(now)s - (i %% 1095) * interval '1 day' AS filed,
                                %(now)s - (i %% 1095) * interval '1 day'
                                    + (1 + i %% 200) * interval '1 day' AS closing
                         FROM generate_series(1, %(cases)s) AS i)
            INSERT INTO {t["case"]} (
                court_id, case_type_id, year, seq, number, status, stream, team_id, responsible_judge_id,
                closed_at, closure, closure_note, closure_ground, closure_ruling_number, resumed_from_id,
                received_on, filed_at, filed_by_id, title_court_name, title_case_number,
                title_case_number_key,
                title_kind, title_effective_date, claim_kind, claim_amount, claim_description,
                preservation_in_place, preservation_amount, preservation_detail,
                query_code_hash, query_code_issued_at, created_at, updated_at,
                next_due_at, overdue_deadlines, nearing_deadlines)
            SELECT court.id, ct.id, 2024, raw.i, '（2024）蒙0302执' || raw.i || '号',
                   CASE WHEN closed THEN 'closed' ELSE 'filed' END, 'complex', judges.team_id,
                   judges.judge_id,
                   CASE WHEN closed THEN raw.closing END,
                   CASE WHEN NOT closed THEN ''
                        WHEN raw.i %% 10 < 6 THEN 'performed'
                        WHEN raw.i %% 10 < 9 THEN 'terminated_this_round'
                        WHEN raw.i %% 20 = 9 THEN 'terminated' ELSE 'dismissed' END,
                   '', '', '', NULL,
                   raw.filed::date, raw.filed, NULL, '乌海市海勃湾区人民法院',
                   '（2023）蒙0302民初' || raw.i || '号',
                   '（2023）蒙0302民初' || raw.i || '号', 'judgment', DATE '2023-12-01', 'money',
                   1000.00 + (raw.i %% 97) * 1000, '', false, NULL, '', '', NULL, %(now)s, %(now)s,
                   NULL, 0, 0
            FROM (SELECT raw.*, (raw.i %% 3 > 0 AND raw.closing < %(now)s) AS closed FROM raw) AS raw
            JOIN judges ON judges.k = (raw.i - 1) %% %(judges)s
            CROSS JOIN ct CROSS JOIN court
            """,
            p,
        )
        # Each case's 6-month limit: met on closure (late for one closure in four past 183 days), open else.
        execute(
            f"""
            INSERT INTO {t["deadline"]} (case_id, node_type_id, subject_type_id, subject_id, anchor_at,
                budget,
                unit, counting, warn_lead_days, due_date, due_at, warn_at, paused, status, generation,
                explanation, opened_at, opened_by_id, closed_at, closed_by_id, computed_at)
            SELECT c.id, n.id, NULL, NULL, c.filed_at, 6, 'months', 'calendar', 30,
                   (c.filed_at + interval '183 days')::date, c.filed_at + interval '183 days',
                   c.filed_at + interval '153 days', false,
                   CASE WHEN c.status = 'closed' THEN 'met'
                        WHEN c.filed_at + interval '183 days' < %(now)s THEN 'overdue' ELSE 'open' END,
                   0, '[]'::jsonb, c.filed_at, NULL, c.closed_at, NULL, %(now)s
            FROM {t["case"]} c CROSS JOIN (SELECT id FROM {t["nodetype"]} WHERE code = 'case_limit'
                                           AND court_id IS NULL) n
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["petition"]} (case_id, court_id, received_at, channel, summary, closed_at,
                                         closed_by_id, outcome)
            SELECT c.id, c.court_id, c.filed_at + interval '20 days', 'visit', '催促执行',
                   CASE WHEN c.id %% 7 > 0 THEN c.filed_at + interval '30 days' END, NULL,
                   CASE WHEN c.id %% 7 > 0 THEN '已答复' ELSE '' END
            FROM {t["case"]} c WHERE c.id %% 50 = 0 AND c.filed_at + interval '20 days' < %(now)s
            """,
            p,
        )
    vacuum(t["case"], t["deadline"], t["petition"])
    return time.perf_counter() - start


@dataclass
class Figure:
    name: str
    times_ms: list[float]
    queries: list[int]
    status: int

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times_ms, n=20, method="inclusive")[18]


def measure(name: str, action: Callable[[], Any], requests: int) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = None
    for _ in range(WARMUP):
        result = action()
    times, queries = [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured.captured_queries))
    return Figure(name, times, queries, getattr(result, "status_code", 200))


def run(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User
    from django.test import Client

    from enforcement.indicators.compute import compute_indicators
    from enforcement.models import Case, IndicatorFigure

    spent = fill(args.cases)
    print(f"PostgreSQL: {scalar('SHOW server_version')}")
    print(
        f"filled in {spent:.1f} s: {Case.objects.count()} cases, "
        f"{scalar('SELECT count(*) FROM enforcement_deadline')} deadlines"
    )
    from django.utils import timezone

    from enforcement.indicators.compute import recent_months

    court_id = scalar("SELECT id FROM enforcement_court")
    computed, figures_count = 0.0, 0
    for month in recent_months(timezone.localdate(), args.months):
        start = time.perf_counter()
        result = compute_indicators(court_ids=[court_id], months=[month])
        spent_month = time.perf_counter() - start
        computed += spent_month
        figures_count += result.figures
        print(f"  computed {month:%Y-%m}: {spent_month:.1f} s, {result.figures} figures", flush=True)
    print(
        f"nightly computation ({args.months} months, court + 40 teams + 400 judges): {computed:.1f} s, "
        f"{figures_count} figures"
    )
    print(f"IndicatorFigure rows: {IndicatorFigure.objects.count()}")

    supervisor = User.objects.get(username="supervisor")
    judge = User.objects.get(username="judge1")
    client, as_judge = Client(), Client()
    client.force_login(supervisor)
    as_judge.force_login(judge)
    some_case = Case.objects.order_by("pk").values_list("pk", flat=True)[args.cases // 2]
    this_month = time.strftime("%Y-%m")
    n = args.requests
    figures = [
        measure(
            "baseline Case.objects.filter(pk=...).first()",
            lambda: Case.objects.filter(pk=some_case).first(),
            n,
        ),
        measure("page /indicators/ (supervisor, the court)", lambda: client.get("/indicators/"), n),
        measure("page /indicators/ (judge, his own)", lambda: as_judge.get("/indicators/"), n),
        measure(
            "list /indicators/actual_enforcement/cases/ (live)",
            lambda: client.get(f"/indicators/actual_enforcement/cases/?month={this_month}&part=numerator"),
            max(20, n // 4),
        ),
        measure(
            "export /indicators/?format=xlsx", lambda: client.get("/indicators/?format=xlsx"), max(20, n // 4)
        ),
    ]
    base = figures[0].median
    print(f"\n{n} requests each (lists: fewer) after {WARMUP} warm-up ones; times in ms")
    print(f"{'what':<52} {'status':>6} {'median':>8} {'p95':>8} {'x base':>8} {'queries':>8}")
    failures = 0
    for f in figures:
        print(
            f"{f.name:<52} {f.status:>6} {f.median:>8.2f} {f.p95:>8.2f} {f.median / base:>8.1f} "
            f"{max(f.queries):>8}"
        )
        failures += f.status != 200
    page = figures[1]
    if page.p95 > 200:
        print(f"FAIL the court's indicator page p95 {page.p95:.1f} ms > 200 ms")
        failures += 1
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--months", type=int, default=12, help="months the nightly computation fills")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
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
    print(
        "result: "
        + ("the indicator page meets its target" if not failures else f"FAIL ({failures} problem(s))")
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
