"""Fixtures shared by the whole suite: personas by role, and the rules for tests that need services.

Tests marked ``postgres``, ``redis``, ``browser`` or ``pdf`` are skipped with a reason on a machine that
lacks the service, and fail in CI (``CI`` set), where every one of them must run.

``TEST_TODAY`` (a date, ``2026-12-31``, or an aware time, ``2026-12-31T23:50:00+08:00``) runs the whole
session with the clock set there: see ``pytest_configure``. Without it the clock is the real one.
"""

import datetime
import importlib
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings

from tests.factories import CourtFactory, UserFactory


def _postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def _browser() -> bool:
    return os.path.exists("/usr/bin/chromium")


def _pdf() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    if not shutil.which("fc-list"):
        return False
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)  # noqa: S607
    return "Noto Sans CJK" in fonts.stdout


# --- The clock --------------------------------------------------------------------------------------------

TODAY_VARIABLE = "TEST_TODAY"
# A date alone means this time of day at the court: office hours, well away from midnight.
TODAY_TIME = datetime.time(10, 0)
COURT_ZONE = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")  # China has no summer time
_clock: time_machine.travel | None = None


def chosen_now(value: str) -> datetime.datetime:
    """The moment ``TEST_TODAY`` names: a date at 10:00 in Beijing, or an ISO time with its offset."""
    try:
        if "T" not in value and " " not in value:
            return datetime.datetime.combine(datetime.date.fromisoformat(value), TODAY_TIME, COURT_ZONE)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"{TODAY_VARIABLE}={value!r}: give a date (2026-12-31) or a time (2026-12-31T23:50:00+08:00)"
        ) from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{TODAY_VARIABLE}={value!r}: a time needs its offset, e.g. +08:00")
    return moment


def pytest_configure(config: pytest.Config) -> None:
    # The whole session, collection included, runs at the chosen date, in every thread (time-machine
    # patches the clock functions process-wide, so the live server of browser tests sees it too). The
    # clock ticks from there, so timeouts and "a moment later" still work; a test that travels itself
    # (time_machine.travel) wins inside its block. The database server's own clock is not moved: the
    # application takes every time from Python (timezone.now), never from the database's NOW().
    global _clock
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if value and _clock is None:
        _clock = time_machine.travel(chosen_now(value), tick=True)
        _clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _clock
    if _clock is not None:
        _clock.stop()
        _clock = None


def pytest_report_header(config: pytest.Config) -> str | None:
    if _clock is None:
        return None
    now = datetime.datetime.now(COURT_ZONE)
    return f"clock: {TODAY_VARIABLE} set it to {now:%Y-%m-%d %H:%M %Z} ({now:%A})"


# --- Services ---------------------------------------------------------------------------------------------


REQUIREMENTS: dict[str, tuple[Callable[[], bool], str]] = {
    "postgres": (_postgres, "PostgreSQL (DATABASE_URL=postgres://...)"),
    "redis": (_redis, "Redis (CELERY_BROKER_URL=redis://...)"),
    "browser": (_browser, "Chromium at /usr/bin/chromium (apt-get install chromium)"),
    "pdf": (_pdf, "WeasyPrint with the Noto CJK font (apt-get install fonts-noto-cjk)"),
}
_available: dict[str, bool] = {}
_skipped: Counter[str] = Counter()
_all_skips: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, (check, what) in REQUIREMENTS.items():
        if item.get_closest_marker(name) is None:
            continue
        if name not in _available:
            _available[name] = check()
        if _available[name]:
            continue
        if os.environ.get("CI"):
            pytest.fail(f"{what} is required in CI, and this machine does not have it", pytrace=False)
        _skipped[name] += 1
        pytest.skip(f"needs {what}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _all_skips.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # In CI nothing may be skipped, whatever the reason: a skipped test is an untested feature.
    if os.environ.get("CI") and _all_skips and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get("CI") and _all_skips:
        terminalreporter.section("skipped in CI (not allowed)")
        for nodeid in _all_skips:
            terminalreporter.write_line(nodeid)
    if not _skipped:
        return
    terminalreporter.section("skipped on this machine")
    for name, count in sorted(_skipped.items()):
        terminalreporter.write_line(f"{count} test(s) need {REQUIREMENTS[name][1]}")


# --- Browser ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: `playwright install` cannot download browsers here. The flags keep it from
    # calling home on a closed network.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# --- Reference data -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Role groups, case types and team kinds, as the data migrations create them.

    Transactional tests (live server, concurrency) flush every table afterwards, migration data
    included; putting it back before each database test keeps the order of tests irrelevant.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (marker or transactional or "db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps
    from django.contrib.auth.models import Group

    if Group.objects.exists():
        return  # the migrations' data is there: only a flushed transactional test removes it
    for module in REFERENCE_MIGRATIONS:
        importlib.import_module(module).forwards(apps, None)


REFERENCE_MIGRATIONS = (
    "enforcement.migrations.0002_reference_data",
    "enforcement.migrations.0004_node_types_and_calendar",
    "enforcement.migrations.0007_team_kind_streams",
    "enforcement.migrations.0014_deferral_deduction_rule",
    "enforcement.migrations.0016_closure_meets_case_limits_and_terminate_round_wait",
    "enforcement.migrations.0020_terminate_round_conditions",
    "assignment.migrations.0002_default_triage_rules",
    "assignment.migrations.0003_triage_on_risk_kinds",
    "assignment.migrations.0006_pool_research_node_type",
    "payments.migrations.0002_money_node_types",
    "custody.migrations.0002_custody_node_types",
    "custody.migrations.0003_measure_terms_outlive_the_case",
    "custody.migrations.0005_credit_node_types",
    "portal.migrations.0004_lobby",
    "enforcement.migrations.0026_digest_and_ladder",
    "enforcement.migrations.0027_indicators",
)


# --- Personas ---------------------------------------------------------------------------------------------


@pytest.fixture
def court(db):
    return CourtFactory(code="蒙0302", name="乌海市海勃湾区人民法院")


@pytest.fixture
def other_court(db):
    return CourtFactory(code="蒙0303", name="乌海市海南区人民法院")


@pytest.fixture
def clerk(court):
    return UserFactory(username="clerk", roles=["clerk"], courts=[court])


@pytest.fixture
def judge(court):
    return UserFactory(username="judge", roles=["judge"], courts=[court])


@pytest.fixture
def supervisor(court):
    return UserFactory(username="supervisor", roles=["supervisor"], courts=[court])


@pytest.fixture
def finance(court):
    return UserFactory(username="finance", roles=["finance"], courts=[court])


@pytest.fixture
def team_lead(court):
    return UserFactory(username="teamlead", roles=["team_lead"], courts=[court])


@pytest.fixture
def president(court):
    return UserFactory(username="president", roles=["president"], courts=[court])


@pytest.fixture
def outsider(other_court):
    """A clerk of another court: authenticated, with a role, but none of this court's business."""
    return UserFactory(username="outsider", roles=["clerk"], courts=[other_court])


@pytest.fixture
def stranger(db):
    """An account with no role and no court."""
    return UserFactory(username="stranger", roles=[], courts=[])
