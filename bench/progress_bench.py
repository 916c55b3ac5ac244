"""Benchmark of the parties' progress query (``POST /api/v1/progress/``) under gunicorn on PostgreSQL,
against a minimal Django view doing one indexed lookup, served by the same gunicorn in the same run.

Run::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/enforcement_bench_progress \\
        .venv/bin/python bench/progress_bench.py [--cases 10000] [--clients 8] [--seconds 10] \\
                                                 [--rounds 3] [--workers N] [--threads 2] [--keep]

What it does, in one run and one database:

1. Safety, as the other benches (``benchdb``): PostgreSQL only, a database name containing "bench",
   created by the script and marked with a table ``bench_progress_marker``; a database of that name
   without the marker is refused; dropped at the end unless ``--keep``.
2. ``migrate``, then the fill, timed: one court with its enforcement account, a team with a service phone
   and a judge, and N cases, each with its known query code (``code_for(i)``; the stored HMAC computed
   with ``intake.querycode.hash_query_code`` under the bench's own SECRET_KEY, which the server gets
   too), an applicant and a respondent, two timeline events (one public, one internal), two running
   deadlines (the public case limit and an internal one) and its sub-account. Big tables are filled
   with ``INSERT ... SELECT`` (the hashes come in as an array), then VACUUM ANALYZE.
3. gunicorn (``gthread`` workers, keep-alive, no access log) serving ``bench/bench_settings.py``: the
   application's settings with ``DEBUG=false`` and a URL module (``bench/baseline_urls.py``) that adds
   ``POST /bench/baseline/``: the case by its number, ``values("id").first()``, as JSON.
4. Measurement: ``--clients`` threads, each with its own keep-alive ``http.client`` connection, post
   for ``--seconds`` the same JSON body (a random case's number, its applicant's identity number and
   its query code) to the baseline and to ``/api/v1/progress/``. Each round measures both, the order
   alternating; a warm-up of 2 s per URL comes first. Every answer must be 200. A successful query
   writes no ``QueryAttempt`` row (only failures are recorded); the breakdown still times one insert,
   the cost a failure pays.
5. It prints requests per second of both, per round and as medians, the ratio progress / baseline
   (median of the per-round ratios; target at least 0.5), and the queries one request of each makes.
   It exits 1 if the ratio is below the target or any answer was not 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import benchdb
from benchdb import (
    BASE_DIR,
    drop_database,
    execute,
    indexes_built_after,
    scalar,
    setup_django,
    without_fk_checks,
)

MARKER = "bench_progress_marker"
TARGET = 0.5
WARMUP_SECONDS = 2.0
PORT = 8765
# The query-code hash is keyed with SECRET_KEY: the fill and the server must share it.
BENCH_SECRET_KEY = "bench-progress-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
BASELINE_PATH = "/bench/baseline/"
PROGRESS_PATH = "/api/v1/progress/"


def number_for(i: int) -> str:
    return f"（2026）蒙0302执{i}号"


def id_number_for(i: int) -> str:
    return f"150302{i:012d}"


def code_for(i: int) -> str:
    from enforcement.querycode import ALPHABET, LENGTH

    rng = random.Random(i)
    return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))


def body_for(i: int) -> bytes:
    fields = {"number": number_for(i), "id_number": id_number_for(i), "query_code": code_for(i)}
    return json.dumps(fields).encode()


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
                "case": "enforcement.Case",
                "party": "enforcement.Party",
                "event": "enforcement.CaseEvent",
                "deadline": "enforcement.Deadline",
                "nodetype": "enforcement.NodeType",
                "casetype": "enforcement.CaseType",
                "account": "payments.CaseAccount",
            }.items()
        }

    def big_tables(self) -> tuple[str, ...]:
        t = self.t
        return (t["case"], t["party"], t["event"], t["deadline"], t["account"])

    def staff(self) -> dict[str, int]:
        """The court, its enforcement account, one team with its service phone, one judge."""
        from django.contrib.auth.models import Group, User

        from enforcement.models import Court, CourtMembership, Team, TeamKind, TeamMembership
        from payments.models import CourtAccount

        court = Court.objects.create(
            code="蒙0302", name="乌海市海勃湾区人民法院", level="basic", service_phone="0473-1234567"
        )
        court_account = CourtAccount.objects.create(
            court=court,
            bank_name="中国工商银行乌海分行",
            account_name="乌海市海勃湾区人民法院执行款专户",
            account_number="0603020109300012345",
            sub_account_prefix="0302",
        )
        team = Team.objects.create(
            court=court,
            kind=TeamKind.objects.get(code="quick"),
            name="速执一团队",
            service_phone="0473-2223333",
        )
        judge = User.objects.create(username="judge1", first_name="明", last_name="王")
        judge.groups.add(Group.objects.get(name="judge"))
        CourtMembership.objects.create(user=judge, court=court)
        TeamMembership.objects.create(team=team, user=judge, role="judge", capacity=100)
        return {"court": court.pk, "court_account": court_account.pk, "team": team.pk, "judge": judge.pk}

    def params(self, ids: dict[str, int]) -> dict[str, Any]:
        from enforcement.querycode import hash_query_code

        hashes = [
            hash_query_code(case_number=number_for(i), code=code_for(i)) for i in range(1, self.cases + 1)
        ]
        return {**ids, "cases": self.cases, "now": self.now, "hashes": hashes}

    def cases_and_parties(self, p: dict[str, Any]) -> None:
        t = self.t
        execute(
            f"""
            INSERT INTO {t["case"]} (
                court_id, case_type_id, year, seq, number, status, stream, team_id, responsible_judge_id,
                closed_at, closure, closure_note, received_on, filed_at, filed_by_id,
                title_court_name, title_case_number, title_case_number_key, title_kind,
                title_effective_date, claim_kind, claim_amount, claim_description,
                preservation_in_place, preservation_amount, preservation_detail,
                query_code_hash, query_code_issued_at, created_at, updated_at)
            SELECT %(court)s, (SELECT id FROM {t["casetype"]} WHERE code = '执'), 2026, x.i,
                   '（2026）蒙0302执' || x.i || '号', 'filed', 'simple', %(team)s, %(judge)s,
                   NULL, '', '', DATE '2026-01-02' + (x.i %% 300)::int,
                   %(now)s - (x.i %% 300) * interval '1 day',
                   NULL, '乌海市海勃湾区人民法院', '（2025）蒙0302民初' || x.i || '号',
                   '（2025）蒙0302民初' || x.i || '号', 'judgment', DATE '2025-12-01', 'money',
                   1000.00 + (x.i %% 97) * 1000, '', false, NULL, '', x.hash, %(now)s, %(now)s, %(now)s
            FROM unnest(%(hashes)s::text[]) WITH ORDINALITY AS x(hash, i)
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["party"]} (case_id, role, kind, position, name, id_type, id_number,
                                      id_warning_override, phone, address, legal_representative,
                                      agent_name, agent_phone)
            SELECT c.id, 'applicant', 'person', 0, '申请人' || c.seq, 'resident_id',
                   '150302' || lpad(c.seq::text, 12, '0'), '', '13800138000', '乌海市某路' || c.seq || '号',
                   '', '', ''
            FROM {t["case"]} c
            UNION ALL
            SELECT c.id, 'respondent', 'organisation', 0, '被执行公司' || c.seq, 'uscc',
                   '91150302' || lpad(c.seq::text, 10, '0'), '', '', '', '张三', '', ''
            FROM {t["case"]} c
            """
        )

    def events_deadlines_accounts(self, p: dict[str, Any]) -> None:
        t = self.t
        execute(
            f"""
            INSERT INTO {t["event"]} (case_id, kind, occurred_at, actor_id, public, detail, data, text_code,
                                      text_params)
            SELECT c.id, 'case_filed', c.filed_at, NULL::integer, true, '', '{{}}'::jsonb, '', '{{}}'::jsonb
            FROM {t["case"]} c
            UNION ALL
            SELECT c.id, 'triaged', c.filed_at + interval '1 hour', NULL::integer, false, '',
                   '{{}}'::jsonb, '', '{{}}'::jsonb
            FROM {t["case"]} c
            """
        )
        execute(
            f"""
            INSERT INTO {t["deadline"]} (
                case_id, node_type_id, subject_type_id, subject_id, anchor_at, budget, unit, counting,
                warn_lead_days, due_date, due_at, warn_at, paused, status, generation, explanation,
                opened_at, opened_by_id, closed_at, closed_by_id, computed_at)
            SELECT c.id, n.id, NULL, NULL, c.filed_at, n.budget, n.unit, n.counting, n.warn_lead_days,
                   (c.filed_at + interval '180 days')::date, c.filed_at + interval '181 days',
                   c.filed_at + interval '150 days', false, 'open', 0, '[]'::jsonb, c.filed_at, NULL, NULL,
                   NULL, %(now)s
            FROM {t["case"]} c
            JOIN {t["nodetype"]} n ON n.court_id IS NULL AND n.code IN ('case_limit', 'ask_leads')
            """,
            p,
        )
        execute(
            f"""
            INSERT INTO {t["account"]} (case_id, court_account_id, number, balance, opened_at)
            SELECT c.id, %(court_account)s, '0302' || lpad(c.seq::text, 8, '0') || '0', 0, c.filed_at
            FROM {t["case"]} c
            """,
            p,
        )

    def run(self) -> float:
        start = time.perf_counter()
        ids = self.staff()
        p = self.params(ids)
        with without_fk_checks(), indexes_built_after(*self.big_tables()):
            self.cases_and_parties(p)
            self.events_deadlines_accounts(p)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return time.perf_counter() - start

    def counts(self) -> str:
        names = ("case", "party", "event", "deadline", "account")
        return ", ".join(f"{scalar(f'SELECT count(*) FROM {self.t[n]}'):,} {n}" for n in names)


# --- The server ------------------------------------------------------------------------------------------


def start_server(workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(BASE_DIR), str(BASE_DIR / "bench")]),
        "DEBUG": "false",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "enforcement.wsgi:application",
        f"--bind=127.0.0.1:{PORT}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=30",
        "--log-level=warning",
        f"--chdir={BASE_DIR}",
    ]
    server = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and arguments
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            status, _body = post_once(BASELINE_PATH, json.dumps({"number": number_for(1)}).encode())
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def post_once(path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- Measuring -------------------------------------------------------------------------------------------


@dataclass
class Rate:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def hammer(path: str, bodies: list[bytes], clients: int, seconds: float) -> Rate:
    """``clients`` threads, each on its own keep-alive connection, posting random bodies for ``seconds``."""
    counts = [0] * clients
    errors = [0] * clients
    barrier = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Content-Type": "application/json"}
        barrier.wait()
        try:
            while time.perf_counter() < stop_at[0]:
                conn.request("POST", path, body=bodies[rng.randrange(len(bodies))], headers=headers)
                response = conn.getresponse()
                response.read()
                counts[k] += 1
                errors[k] += response.status != 200
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    stop_at[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    return Rate(sum(counts), sum(errors), time.perf_counter() - start)


def queries_per_request(bodies: list[bytes]) -> tuple[int, int]:
    """Queries of one progress query through Django's test client in this process, and of the baseline."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from enforcement.models import Case

    client = Client()
    with CaptureQueriesContext(connection) as progress:
        response = client.post(PROGRESS_PATH, bodies[0], content_type="application/json")
    if response.status_code != 200:
        sys.exit(f"the progress query answered {response.status_code} in-process: {response.content[:200]!r}")
    with CaptureQueriesContext(connection) as baseline:
        Case.objects.filter(number=json.loads(bodies[0])["number"]).values("id").first()
    return len(progress.captured_queries), len(baseline.captured_queries)


def breakdown(cases: int, repeat: int = 200) -> list[tuple[str, float, float]]:
    """Where one progress query's time goes, in this process (no HTTP): median wall and mean CPU ms."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from enforcement.models import Case
    from portal import progress
    from portal import proof as portal
    from portal import snapshot as progress_snapshot
    from portal.api.progress import progress_json
    from portal.models import QueryAttempt

    settings.DEBUG = False  # no query log: time what production does
    now = timezone.now()
    outcome = progress.query(
        client_ip="127.0.0.1", number=number_for(1), id_number=id_number_for(1), query_code=code_for(1)
    )
    proved = outcome.proved
    if proved is None:
        sys.exit("the fill's first case does not answer to its own credentials")
    client = Client()

    def statement(i: int) -> Any:
        number = number_for(i)
        return progress._read_for_query(client_ip="127.0.0.1", number=number, key=number, now=now)

    def query(i: int) -> Any:
        return progress.query(
            client_ip="127.0.0.1", number=number_for(i), id_number=id_number_for(i), query_code=code_for(i)
        )

    def shown(i: int) -> Any:
        rendered = progress.render(proved.snapshot, proved.party_id)
        if rendered is None:
            sys.exit("the proved party is not in his case's snapshot")
        return progress_json(rendered), portal.issue_token(proved)

    def attempt(i: int) -> Any:
        return QueryAttempt.objects.create(
            client_ip="127.0.0.1", case_number_key=number_for(i), succeeded=False, at=now
        )

    def whole(i: int) -> Any:
        return client.post(PROGRESS_PATH, body_for(i), content_type="application/json")

    def lookup(i: int) -> Any:
        return Case.objects.filter(number=number_for(i)).values("id").first()

    steps: list[tuple[str, Callable[[int], Any]]] = [
        ("one statement: block, case, snapshot", statement),
        ("query(): + code hash, party match", query),
        ("render, JSON and token", shown),
        ("rebuild a snapshot (after a change)", lambda i: progress_snapshot.rebuild(proved.case_id)),
        ("QueryAttempt insert (a failure)", attempt),
        ("whole POST /api/v1/progress/", whole),
        ("the baseline's lookup alone", lookup),
    ]
    results = []
    for name, step in steps:
        for i in range(20):
            step(1 + i % cases)
        walls, cpus = [], []
        for i in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            step(1 + i % min(cases, 1000))
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        results.append((name, statistics.median(walls), statistics.mean(cpus)))
    return results


def warm_snapshots() -> int:
    """Every case's snapshot, as the application keeps them once each case has been queried or changed."""
    from django.conf import settings
    from django.db import reset_queries

    from portal import snapshot as progress_snapshot

    settings.DEBUG = False  # no query log: build them as production does
    try:
        return progress_snapshot.rebuild_all()
    finally:
        settings.DEBUG = True
        reset_queries()


def run(args: argparse.Namespace) -> int:
    fill = Fill(args.cases)
    spent = fill.run()
    print(f"PostgreSQL: {scalar('SHOW server_version')}; {os.cpu_count()} CPU(s)")
    print(f"filled in {spent:.1f} s (with VACUUM ANALYZE): {fill.counts()}")
    if not args.cold:
        warm_start = time.perf_counter()
        built = warm_snapshots()
        print(f"built {built:,} progress snapshots in {time.perf_counter() - warm_start:.1f} s")
    bodies = [body_for(i) for i in range(1, args.cases + 1)]
    progress_queries, baseline_queries = queries_per_request(bodies)

    server = start_server(args.workers, args.threads)
    try:
        status, body = post_once(PROGRESS_PATH, bodies[0])
        if status != 200 or json.loads(body)["number"] != number_for(1):
            print(f"FAIL the progress query answered {status}: {body[:200]!r}")
            return 1
        wrong = json.dumps({"number": number_for(2), "id_number": id_number_for(2), "query_code": "AAAAAAAA"})
        status, _body = post_once(PROGRESS_PATH, wrong.encode())
        if status != 404:
            print(f"FAIL a wrong code answered {status}, not 404")
            return 1
        for path in (BASELINE_PATH, PROGRESS_PATH):
            hammer(path, bodies, args.clients, WARMUP_SECONDS)
        rounds: list[tuple[Rate, Rate]] = []
        for n in range(args.rounds):
            order = (BASELINE_PATH, PROGRESS_PATH) if n % 2 == 0 else (PROGRESS_PATH, BASELINE_PATH)
            measured = {path: hammer(path, bodies, args.clients, args.seconds) for path in order}
            rounds.append((measured[BASELINE_PATH], measured[PROGRESS_PATH]))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{args.clients} client threads, gunicorn {args.workers} gthread workers x {args.threads} threads, "
        f"{args.seconds:g} s per URL per round, {args.rounds} round(s) after a {WARMUP_SECONDS:g} s warm-up"
    )
    print(f"{'round':<7} {'baseline req/s':>15} {'progress req/s':>15} {'ratio':>7}")
    ratios = []
    errors = 0
    for n, (base, prog) in enumerate(rounds, start=1):
        ratios.append(prog.per_second / base.per_second)
        errors += base.errors + prog.errors
        print(f"{n:<7} {base.per_second:>15.1f} {prog.per_second:>15.1f} {ratios[-1]:>7.2f}")
    base_median = statistics.median(b.per_second for b, _p in rounds)
    prog_median = statistics.median(p.per_second for _b, p in rounds)
    ratio = statistics.median(ratios)
    print(f"{'median':<7} {base_median:>15.1f} {prog_median:>15.1f} {ratio:>7.2f}")
    print(f"queries per request: progress {progress_queries}, baseline {baseline_queries}")
    print("\nwhere a progress query's time goes (in this process, no HTTP; the baseline view adds ~1 ms):")
    print(f"{'step':<38} {'median wall ms':>15} {'mean CPU ms':>12}")
    for name, wall, cpu in breakdown(args.cases):
        print(f"{name:<38} {wall:>15.2f} {cpu:>12.2f}")
    print(f"QueryAttempt rows written: {scalar('SELECT count(*) FROM intake_queryattempt'):,}")
    failures = 0
    if errors:
        print(f"FAIL {errors} answer(s) were not 200")
        failures += 1
    if ratio < TARGET:
        print(f"FAIL ratio progress / baseline {ratio:.2f} is below the target {TARGET}")
        failures += 1
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per URL per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--cold", action="store_true", help="no snapshots built first: each case's first query builds it"
    )
    args = parser.parse_args()
    if args.cases < 1 or args.clients < 1 or args.rounds < 1 or args.seconds <= 0:
        parser.error("--cases, --clients, --rounds and --seconds must be positive")

    benchdb.prepare_database(MARKER)
    os.environ["SECRET_KEY"] = BENCH_SECRET_KEY  # the fill's hashes must match the server's
    failures = 1
    try:
        setup_django()
        failures = run(args)
    finally:
        if args.keep:
            print("kept the bench database (--keep)")
        else:
            drop_database()
    print("result: " + (f"ratio at least {TARGET}: ok" if not failures else f"FAIL ({failures} problem(s))"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
