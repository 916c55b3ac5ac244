"""The suite on any day: the session clock set by TEST_TODAY, and a queue whose order holds on every date.

CI runs the date-sensitive files with TEST_TODAY at a Wednesday, the eve of National Day, 31 December and a
day of a year whose holiday notice is not loaded (see .ci/run); these tests check the clock itself.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment import services
from enforcement.models import Case, Deadline, Team, TeamKind, TeamMembership
from enforcement.urgency import refresh_case_urgency
from intake import services as intake
from tests.conftest import TODAY_VARIABLE, chosen_now
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

BEIJING = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]


# --- The session clock ------------------------------------------------------------------------------------


def test_a_date_alone_means_ten_in_the_morning_in_beijing():
    assert chosen_now("2026-12-31") == datetime.datetime(2026, 12, 31, 10, 0, tzinfo=BEIJING)


def test_a_time_keeps_its_own_offset():
    moment = chosen_now("2026-09-30T23:50:00+08:00")
    assert moment == datetime.datetime(2026, 9, 30, 23, 50, tzinfo=BEIJING)


@pytest.mark.parametrize("value", ["31/12/2026", "2026-13-01", "2026-12-31T10:00"])
def test_an_unusable_value_stops_the_run_with_a_message(value):
    with pytest.raises(pytest.UsageError, match=TODAY_VARIABLE):
        chosen_now(value)


def _real_beijing_date() -> datetime.date:
    # Another process's clock is not moved by this session's time travel: `date` tells the real day.
    out = subprocess.run(
        ["/bin/date", "+%F"],  # the absolute path: no PATH lookup
        env={**os.environ, "TZ": "Asia/Shanghai"},
        capture_output=True,
        text=True,
        check=True,
    )
    return datetime.date.fromisoformat(out.stdout.strip())


def test_the_session_runs_at_the_chosen_date_or_at_the_real_one_without_it():
    chosen = os.environ.get(TODAY_VARIABLE, "").strip()
    expected = chosen_now(chosen).astimezone(BEIJING).date() if chosen else _real_beijing_date()
    assert timezone.localdate() == expected
    before = timezone.now()
    assert timezone.now() >= before  # the clock ticks: timeouts and "later" still work


def test_a_test_that_travels_itself_wins_inside_its_block():
    outside = timezone.localdate()
    with time_machine.travel(datetime.datetime(2025, 6, 3, 9, 0, tzinfo=BEIJING), tick=False):
        assert timezone.localdate() == datetime.date(2025, 6, 3)
    assert timezone.localdate() == outside


def test_a_run_with_test_today_sets_the_clock_and_says_so():
    env = {**os.environ, TODAY_VARIABLE: "2027-02-08"}
    env.pop("CI", None)  # the inner run needs no services; CI's rule on skips is the outer run's business
    node = f"{Path(__file__).name}::test_the_session_runs_at_the_chosen_date_or_at_the_real_one_without_it"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/enforcement/{node}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_a_bad_test_today_stops_the_run_before_any_test():
    env = {**os.environ, TODAY_VARIABLE: "tomorrow"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--co",
            "tests/enforcement/test_dates.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert TODAY_VARIABLE in run.stderr


# --- The judge's queue: equal due times -------------------------------------------------------------------

QUEUE = reverse("assignment:queue")


def _at(day: str) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


@pytest.fixture
def lead_and_team(court, judge):
    lead = UserFactory(username="lead", roles=["team_lead"], courts=[court])
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=team, user=lead, role="lead")
    TeamMembership.objects.create(team=team, user=judge, role="judge", capacity=60)
    return lead


def _assigned(court, clerk, lead, n: int) -> Case:
    case = intake.file_case(actor=clerk, application=application(court, n)).case
    services.assign_case(actor=lead, case=case)
    return case


def _queue(client, judge) -> list[int]:
    client.force_login(judge)
    response = client.get(QUEUE)
    assert response.status_code == 200
    return [c.pk for c in response.context["page"].object_list]


@pytest.mark.django_db
def test_cases_due_at_the_same_time_come_in_filing_order_then_by_id(
    client, court, clerk, judge, lead_and_team
):
    # Fixed dates: the subject is the order of ties, not the calendar. The case entered first in the system
    # (lower id) was filed on the later day, so filing order and id order disagree.
    with _at("2026-11-10"):
        filed_later = _assigned(court, clerk, lead_and_team, 1)
    with _at("2026-11-09"):
        filed_earlier = _assigned(court, clerk, lead_and_team, 2)
    with _at("2026-11-09"):
        same_time_higher_id = _assigned(court, clerk, lead_and_team, 3)
    Case.objects.filter(pk=same_time_higher_id.pk).update(filed_at=filed_earlier.filed_at)
    # Every running clock of the three cases ends at one moment: a tie on urgency.
    due = datetime.datetime(2026, 11, 17, 0, 0, tzinfo=BEIJING)
    Deadline.objects.filter(status__in=Deadline.ACTIVE).update(due_at=due)
    # Written behind the engine's back: the cases' stored urgency is brought up to date as the engine would.
    refresh_case_urgency(Case.objects.values_list("pk", flat=True))

    with _at("2026-11-11"):
        order = _queue(client, judge)
    assert order == [filed_earlier.pk, same_time_higher_id.pk, filed_later.pk]


@pytest.mark.django_db
def test_the_more_urgent_case_still_leads_whatever_its_filing_date(
    client, court, clerk, judge, lead_and_team
):
    with _at("2026-11-09"):
        older = _assigned(court, clerk, lead_and_team, 1)
    with _at("2026-11-10"):
        newer = _assigned(court, clerk, lead_and_team, 2)
    Deadline.objects.filter(case=older).update(due_at=datetime.datetime(2026, 11, 20, tzinfo=BEIJING))
    Deadline.objects.filter(case=newer).update(due_at=datetime.datetime(2026, 11, 16, tzinfo=BEIJING))
    refresh_case_urgency([older.pk, newer.pk])

    with _at("2026-11-11"):
        assert _queue(client, judge) == [newer.pk, older.pk]
