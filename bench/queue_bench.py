"""Benchmark of the judge's queue (page and API) and the case page against a one-row query, on PostgreSQL.

Run::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/enforcement_queue_bench \\
        .venv/bin/python bench/queue_bench.py [--cases 200000] [--requests 200] [--keep]

What it does, in one run and one database:

1. Safety. It refuses to run unless ``DATABASE_URL`` is PostgreSQL and the database name contains
   "bench". It creates the database (through the ``postgres`` maintenance database) and marks it with a
   table ``bench_queue_marker``; a database of that name without the marker is somebody else's, and the
   script stops without touching it. A marked leftover (``--keep``) is dropped and created again. At the
   end the database is dropped unless ``--keep``.
2. Schema and reference data: ``migrate`` (case types, node types, team kinds, role groups, triage rules).
3. Fill, timed, with one ``INSERT ... SELECT FROM generate_series`` per table: one court, 40 teams of 10
   judges and a team lead each (every judge a member of his court with the judge role), N cases dealt
   to the 400 judges in turn (so each judge has N / 400 = 500 cases in his queue at the default N), each
   with 2 parties, 2 or 3 running deadlines on the seeded node types with due dates spread from 20 days
   ago to 100 days ahead (status overdue, nearing or open to match), a triage decision, the current
   assignment and 2 timeline events. Foreign key triggers are off and plain indexes are built after the
   insert, as in ``scan_bench.py``; each case's urgency (``next_due_at``, overdue and nearing counts) is
   set from its deadlines in one UPDATE ... FROM (GROUP BY); then VACUUM ANALYZE.
4. Measurements with Django's test client (``force_login`` as the first judge, or his team's lead for
   the team view), each URL requested ``--requests`` times after a few warm-up requests, each request
   timed by wall clock and its queries counted with ``CaptureQueriesContext``:
   the queue page ``/assignment/queue/``, the team view ``?view=team`` (the lead, 10 judges' cases),
   the API ``/api/v1/queue/`` (20 per page, then ``page_size=100``), the case page ``/cases/<id>/``
   (the workbench, on one of the judge's cases), and the selectors alone (``queue_cases`` for a page
   of 25 and of 100 + ``queue_counts``). A URL the project does not route yet is reported as absent.
5. The baseline, timed the same way in the same run: ``Case.objects.filter(pk=...).first()``; every
   figure is printed with its median and 95th percentile in ms, its ratio to the baseline's median, and
   the number of queries per request (which must not grow with the page size).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import benchdb
from benchdb import (
    drop_database,
    execute,
    indexes_built_after,
    scalar,
    setup_django,
    without_fk_checks,
)

MARKER = "bench_queue_marker"
TEAMS = 40
JUDGES_PER_TEAM = 10
WARMUP = 5


# --- The fill --------------------------------------------------------------------------------------------


def table(model_path: str) -> str:
    from django.apps import apps

    return apps.get_model(model_path)._meta.db_table


class Fill:
    def __init__(self, cases: int) -> None:
        from django.utils import timezone

        self.cases = cases
        self.now = timezone.now().replace(microsecond=0)
        self.t = {
            name: table(path)
            for name, path in {
                "court": "enforcement.Court",
                "membership": "enforcement.CourtMembership",
                "kind": "enforcement.TeamKind",
                "team": "enforcement.Team",
                "teammember": "enforcement.TeamMembership",
                "case": "enforcement.Case",
                "party": "enforcement.Party",
                "event": "enforcement.CaseEvent",
                "deadline": "enforcement.Deadline",
                "nodetype": "enforcement.NodeType",
                "casetype": "enforcement.CaseType",
                "assignment": "assignment.Assignment",
                "decision": "assignment.TriageDecision",
            }.items()
        }

    def params(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "now": self.now,
            "teams": TEAMS,
            "per_team": JUDGES_PER_TEAM,
            "judges": TEAMS * JUDGES_PER_TEAM,
        }

    def big_tables(self) -> tuple[str, ...]:
        t = self.t
        return (t["case"], t["party"], t["deadline"], t["event"], t["assignment"], t["decision"])

    def staff(self) -> None:
        """One court; 40 quick or ordinary teams of 10 judges and a lead; judges and leads with roles."""
        t, p = self.t, self.params()
        execute(
            f"""
            INSERT INTO {t["court"]} (code, name, level, parent_id, division_code, service_phone, address,
                                      is_active, digest_time)
            VALUES ('蒙0302', '乌海市海勃湾区人民法院', 'basic', NULL, '150302', '0473-1234567', '', true,
                    TIME '08:30')
            """
        )
        execute(
            f"""
            INSERT INTO {t["team"]} (court_id, kind_id, name, service_phone, webhook_url, is_active)
            SELECT (SELECT id FROM {t["court"]}),
                   (SELECT id FROM {t["kind"]} WHERE code = CASE WHEN i %% 2 = 1 THEN 'quick'
                                                                 ELSE 'ordinary' END),
                   '执行团队' || i, '', '', true
            FROM generate_series(1, %(teams)s) AS i
            """,
            p,
        )
        execute(
            """
            INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT '!', NULL::timestamptz, false, 'judge' || i, '法官' || i, '', '', false, true, %(now)s
            FROM generate_series(1, %(judges)s) AS i
            UNION ALL
            SELECT '!', NULL::timestamptz, false, 'lead' || i, '团队长' || i, '', '', false, true, %(now)s
            FROM generate_series(1, %(teams)s) AS i
            """,
            p,
        )
        execute(
            """
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT u.id, g.id FROM auth_user u JOIN auth_group g
              ON g.name = CASE WHEN u.username LIKE 'judge%%' THEN 'judge' ELSE 'team_lead' END
            """
        )
        execute(
            f"""
            INSERT INTO {t["membership"]} (user_id, court_id, is_primary)
            SELECT u.id, (SELECT id FROM {t["court"]}), true FROM auth_user u
            """
        )
        # judge k (1-based) sits in team 1 + (k - 1) / per_team; lead k leads team k.
        execute(
            f"""
            WITH teams AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {t["team"]})
            INSERT INTO {t["teammember"]} (team_id, user_id, role, capacity)
            SELECT teams.id, u.id, 'judge', 600 FROM auth_user u
              JOIN teams ON teams.k = 1 + (substr(u.username, 6)::int - 1) / %(per_team)s
             WHERE u.username LIKE 'judge%%'
            UNION ALL
            SELECT teams.id, u.id, 'lead', 60 FROM auth_user u
              JOIN teams ON teams.k = substr(u.username, 5)::int
             WHERE u.username LIKE 'lead%%'
            """,
            p,
        )

    def cases_and_parties(self) -> None:
        """Case i goes to judge 1 + (i - 1) mod 400 and his team; 60% simple stream, 40% complex."""
        t, p = self.t, self.params()
        execute(
            f"""
            WITH judges AS (SELECT u.id AS judge_id, m.team_id,
                                   row_number() OVER (ORDER BY substr(u.username, 6)::int) - 1 AS k
                            FROM auth_user u JOIN {t["teammember"]} m ON m.user_id = u.id
                            WHERE u.username LIKE 'judge%%'),
                 ct AS (SELECT id FROM {t["casetype"]} WHERE code = '执'),
                 court AS (SELECT id FROM {t["court"]})
            INSERT INTO {t["case"]} (
                court_id, case_type_id, year, seq, number, status, stream, team_id, responsible_judge_id,
                closed_at, closure, closure_note, received_on, filed_at, filed_by_id,
                title_court_name, title_case_number, title_case_number_key, title_kind,
                title_effective_date, claim_kind, claim_amount, claim_description,
                preservation_in_place, preservation_amount, preservation_detail,
                query_code_hash, query_code_issued_at, created_at, updated_at,
                closure_ground, closure_ruling_number, resumed_from_id,
                next_due_at, overdue_deadlines, nearing_deadlines)
            SELECT court.id, ct.id, 2025, i, '（2025）蒙0302执' || i || '号', 'filed',
                   CASE WHEN i %% 5 < 3 THEN 'simple' ELSE 'complex' END,
                   judges.team_id, judges.judge_id,
                   NULL, '', '', DATE '2025-01-02' + (i %% 300), %(now)s - (i %% 300) * interval '1 day',
                   NULL, '乌海市海勃湾区人民法院', '（2024）蒙0302民初' || i || '号',
                   '（2024）蒙0302民初' || i || '号', 'judgment', DATE '2024-12-01', 'money',
                   1000.00 + (i %% 97) * 1000, '', false, NULL, '', '', NULL, %(now)s, %(now)s,
                   '', '', NULL, NULL, 0, 0
            FROM generate_series(1, %(cases)s) AS i
            JOIN judges ON judges.k = (i - 1) %% %(judges)s
            CROSS JOIN ct CROSS JOIN court
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["party"]} (case_id, role, kind, position, name, id_type, id_number,
                                      id_warning_override, phone, address, legal_representative,
                                      agent_name, agent_phone)
            SELECT c.id, 'applicant', 'person', 0, '申请人' || c.seq, 'resident_id',
                   '150302' || lpad(c.seq::text, 12, '0'), '', '13800138000', '', '', '', ''
            FROM {t["case"]} c
            UNION ALL
            SELECT c.id, 'respondent', 'organisation', 0, '被执行公司' || c.seq, 'uscc',
                   '91150302' || lpad(c.seq::text, 10, '0'), '', '', '', '张三', '', ''
            FROM {t["case"]} c
            """
        )

    def deadlines(self) -> int:
        """2 or 3 running deadlines per case, on different node types; due from 20 days ago to 100 ahead."""
        t, p = self.t, self.params()
        return execute(
            f"""
            WITH nodes AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, budget, unit, counting,
                                  warn_lead_days, make_interval(days => warn_lead_days) AS lead
                           FROM {t["nodetype"]} WHERE court_id IS NULL AND is_active),
                 node_count AS (SELECT count(*) AS n FROM nodes),
                 d AS (SELECT c.id AS case_id, c.seq, j,
                              %(now)s - interval '20 days'
                              + (((c.seq::bigint * 2654435761 + j * 40503) %% 1000003) / 1000003.0)
                                * interval '120 days' AS due_at
                       FROM {t["case"]} c CROSS JOIN generate_series(0, 2) AS j
                       WHERE j < 2 + c.seq %% 2)
            INSERT INTO {t["deadline"]} (
                case_id, node_type_id, subject_type_id, subject_id, anchor_at, budget, unit, counting,
                warn_lead_days, due_date, due_at, warn_at, paused, status, generation, explanation,
                opened_at, opened_by_id, closed_at, closed_by_id, computed_at)
            SELECT d.case_id, nodes.id, NULL, NULL, d.due_at - interval '30 days', nodes.budget, nodes.unit,
                   nodes.counting, nodes.warn_lead_days, (d.due_at - interval '1 day')::date, d.due_at,
                   d.due_at - nodes.lead, false,
                   CASE WHEN d.due_at <= %(now)s THEN 'overdue'
                        WHEN d.due_at - nodes.lead <= %(now)s THEN 'nearing'
                        ELSE 'open' END,
                   0, '[]'::jsonb, d.due_at - interval '30 days', NULL, NULL, NULL, %(now)s
            FROM d CROSS JOIN node_count
            JOIN nodes ON nodes.k = (d.seq * 3 + d.j) %% node_count.n
            """,
            p,
        )

    def case_urgency(self) -> int:
        """Each case's most urgent running deadline and its overdue and nearing counts, in one statement
        (what ``enforcement.urgency.refresh_case_urgency`` keeps; the fill writes deadlines behind the
        engine's back, so it sets them itself, set-based)."""
        t = self.t
        return execute(
            f"""
            UPDATE {t["case"]} c SET next_due_at = u.next_due, overdue_deadlines = u.overdue,
                                     nearing_deadlines = u.nearing
            FROM (SELECT case_id, min(due_at) AS next_due,
                         count(*) FILTER (WHERE status = 'overdue') AS overdue,
                         count(*) FILTER (WHERE status = 'nearing') AS nearing
                  FROM {t["deadline"]} WHERE status IN ('open', 'nearing', 'overdue') GROUP BY case_id) u
            WHERE u.case_id = c.id
            """
        )

    def assignment_records(self) -> None:
        """Each case's triage decision, current assignment, and its filed and assigned events."""
        t, p = self.t, self.params()
        execute(
            f"""
            INSERT INTO {t["decision"]} (case_id, rule_id, rule_stream, facts, decided_at, decided_by_id,
                                         override_stream, override_reason, overridden_by_id, overridden_at)
            SELECT c.id, NULL, c.stream, '{{}}'::jsonb, c.filed_at, NULL, '', '', NULL, NULL
            FROM {t["case"]} c
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["assignment"]} (case_id, team_id, judge_id, method, reason, assigned_at,
                                           assigned_by_id, ended_at, why_chosen)
            SELECT c.id, c.team_id, c.responsible_judge_id, 'automatic', '', c.filed_at, NULL, NULL,
                   '{{}}'::jsonb
            FROM {t["case"]} c
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["event"]} (case_id, kind, occurred_at, actor_id, public, detail, data, text_code,
                                      text_params)
            SELECT c.id, 'case_filed', c.filed_at, NULL::integer, true, '', '{{}}'::jsonb, '', '{{}}'::jsonb
            FROM {t["case"]} c
            UNION ALL
            SELECT c.id, 'assigned', c.filed_at + interval '1 hour', NULL::integer, true, '',
                   '{{}}'::jsonb, '', '{{}}'::jsonb
            FROM {t["case"]} c
            """,
            p,
        )

    def run(self) -> float:
        start = time.perf_counter()
        with without_fk_checks(), indexes_built_after(*self.big_tables()):
            self.staff()
            self.cases_and_parties()
            self.deadlines()
            self.case_urgency()
            self.assignment_records()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return time.perf_counter() - start

    def counts(self) -> str:
        names = ("case", "party", "deadline", "event", "assignment", "decision")
        return ", ".join(f"{scalar(f'SELECT count(*) FROM {self.t[n]}'):,} {n}" for n in names)


# --- Measuring -------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    times_ms: list[float]
    queries: list[int]
    status: str = "200"

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times_ms, n=20, method="inclusive")[18]

    def queries_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return f"{low}" if low == high else f"{low}-{high}"


def measure(name: str, action: Callable[[], Any], requests: int) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = "200"
    for _ in range(WARMUP):
        result = action()
    code = getattr(result, "status_code", 200)
    if code != 200:
        status = str(code)
    times: list[float] = []
    queries: list[int] = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured.captured_queries))
    return Figure(name, times, queries, status)


def routed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name not in {None, "api-not-found"} and match.func.__name__ != "api_not_found"


def run(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User
    from django.test import Client

    from assignment.selectors import queue_cases, queue_counts
    from enforcement.models import Case

    fill = Fill(args.cases)
    spent = fill.run()
    print(f"PostgreSQL: {scalar('SHOW server_version')}")
    print(f"filled in {spent:.1f} s (with VACUUM ANALYZE): {fill.counts()}")

    judge = User.objects.get(username="judge1")
    lead = User.objects.get(username="lead1")
    in_queue = Case.objects.filter(responsible_judge=judge).count()
    in_team = Case.objects.filter(team__memberships__user=lead, team__memberships__role="lead").count()
    case_id = (
        Case.objects.filter(responsible_judge=judge)
        .order_by("pk")
        .values_list("pk", flat=True)[in_queue // 2]
    )
    print(
        f"judge1 has {in_queue} cases in his queue; lead1's team has {in_team}; case page: /cases/{case_id}/"
    )

    as_judge, as_lead = Client(), Client()
    as_judge.force_login(judge)
    as_lead.force_login(lead)

    def selector(size: int) -> Callable[[], Any]:
        def action() -> Any:
            fresh = User.objects.get(pk=judge.pk)  # the role and court caches live on the user object
            qs = queue_cases(fresh)
            return (list(qs[:size]), queue_counts(qs))

        return action

    figures: list[Figure] = []
    n = args.requests
    figures.append(
        measure(
            "baseline Case.objects.filter(pk=...).first()", lambda: Case.objects.filter(pk=case_id).first(), n
        )
    )
    pages = [
        ("page /assignment/queue/ (judge, 25 per page)", as_judge, "/assignment/queue/"),
        ("page /assignment/queue/?page=10 (judge)", as_judge, "/assignment/queue/?page=10"),
        ("page /assignment/queue/?view=team (lead)", as_lead, "/assignment/queue/?view=team"),
        ("API /api/v1/queue/ (judge, 20 per page)", as_judge, "/api/v1/queue/"),
        ("API /api/v1/queue/?page_size=100 (judge)", as_judge, "/api/v1/queue/?page_size=100"),
        (f"page /cases/{case_id}/ (judge's workbench)", as_judge, f"/cases/{case_id}/"),
    ]
    absent: list[str] = []
    broken: list[str] = []
    for name, client, url in pages:
        if not routed(url.split("?")[0]):
            absent.append(url)
            continue
        try:
            figures.append(measure(name, functools.partial(client.get, url), n))
        except Exception as error:  # a page under construction: report it, measure the rest
            broken.append(f"{url}: {type(error).__name__}: {error}")
    figures.append(measure("selectors queue_cases[:25] + queue_counts", selector(25), n))
    figures.append(measure("selectors queue_cases[:100] + queue_counts", selector(100), n))

    base = figures[0].median
    print(f"\n{n} requests each after {WARMUP} warm-up ones; times in ms")
    print(f"{'what':<52} {'status':>6} {'median':>8} {'p95':>8} {'x base':>8} {'queries':>8}")
    failures = 0
    for f in figures:
        print(
            f"{f.name:<52} {f.status:>6} {f.median:>8.2f} {f.p95:>8.2f} {f.median / base:>8.1f} "
            f"{f.queries_text():>8}"
        )
        failures += f.status != "200"
    for url in absent:
        print(f"{url:<52} not routed in this checkout: not measured")
    for line in broken:
        print(f"FAIL {line}")
        failures += 1
    by_name = {f.name: f for f in figures}
    small = by_name["selectors queue_cases[:25] + queue_counts"]
    large = by_name["selectors queue_cases[:100] + queue_counts"]
    if max(large.queries) > max(small.queries):
        print(
            f"FAIL the selectors' queries grow with the page size: {small.queries_text()} for 25, "
            f"{large.queries_text()} for 100"
        )
        failures += 1
    api = [f for f in figures if f.name.startswith("API")]
    if len(api) == 2 and max(api[1].queries) > max(api[0].queries):
        print(
            f"FAIL the API's queries grow with the page size: {api[0].queries_text()} for 20, "
            f"{api[1].queries_text()} for 100"
        )
        failures += 1
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per URL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if args.cases < TEAMS * JUDGES_PER_TEAM * 2 or args.requests < 20:
        parser.error(f"--cases must be at least {TEAMS * JUDGES_PER_TEAM * 2}, --requests at least 20")

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
    print("result: " + ("every URL answered 200" if not failures else f"FAIL ({failures} problem(s))"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
