"""The case-limit forecast (/assignment/forecast/) on constructed teams."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assignment.forecast import team_forecast
from enforcement.models import Deadline, TeamMembership
from enforcement.services.deadlines import open_deadline
from tests.assignment.test_workload import at, case, make_team, member
from tests.factories import UserFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def limited(court, team, judge, days_left: int, *, status: str = "open", paused: bool = False):
    """An open case whose case limit's last day is ``days_left`` days from today."""
    made = case(court, team, judge, at(2026, 8, 1))
    deadline = open_deadline(case=made, code="case_limit", anchor_at=at(2026, 8, 1))
    Deadline.objects.filter(pk=deadline.pk).update(
        due_date=TODAY + datetime.timedelta(days=days_left), status=status, paused=paused
    )
    return made


def closed_after(court, team, judge, days: int, closed_days_ago: int = 10):
    closed = NOW - datetime.timedelta(days=closed_days_ago)
    return case(court, team, judge, closed - datetime.timedelta(days=days), closed=closed)


@pytest.fixture
def teams(court, other_court, judge, team_lead):
    quick, slow = make_team(court, "速执团队"), make_team(court, "普执团队", "ordinary")
    far = make_team(other_court, "外院团队")
    member(quick, judge)
    member(quick, team_lead, TeamMembership.Role.LEAD)
    # The quick team's pace: 30, 40 and 50 days to close in the last 180 days → median 40. A case
    # closed 200 days ago in 5 days is outside the window and would pull the median down.
    for days in (30, 40, 50):
        closed_after(court, quick, judge, days)
    closed_after(court, quick, judge, 5, closed_days_ago=200)
    cases = {n: limited(court, quick, judge, n) for n in (10, 29, 39, 45, 130)}
    cases["paused"] = limited(court, quick, judge, 20, paused=True)
    cases["breached"] = limited(court, quick, judge, -3, status="overdue")
    cases["slow"] = limited(court, slow, None, 20)  # its team closed nothing: the court's median (40)
    cases["slow-safe"] = limited(court, slow, None, 50)
    cases["far"] = limited(other_court, far, None, 55)  # a court that closed nothing: counted at risk
    return {"quick": quick, "slow": slow, "far": far, "cases": cases}


def test_forecast_on_constructed_teams(teams):
    quick, slow, far = team_forecast([teams["quick"], teams["slow"], teams["far"]])
    cases = teams["cases"]
    assert (quick.median, quick.basis, quick.closed_in_window) == (40.0, "team", 3)
    assert [r.case.pk for r in quick.within(30)] == [cases[10].pk, cases[29].pk]
    assert [r.case.pk for r in quick.within(60)] == [cases[10].pk, cases[29].pk, cases[39].pk]
    assert [r.days_left for r in quick.within(60)] == [10, 29, 39]
    assert quick.breached == 1
    assert (slow.median, slow.basis, slow.closed_in_window) == (40.0, "court", 0)
    assert [r.case.pk for r in slow.within(60)] == [cases["slow"].pk]
    assert (far.median, far.basis) == (None, "none")
    assert [r.case.pk for r in far.within(30)] == []
    assert [r.case.pk for r in far.within(60)] == [cases["far"].pk]


def test_page_states_the_method_and_lists_the_cases(client, teams, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("assignment:forecast"), {"horizon": "60"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "fewer than its team's median days from filing to closing" in html
    assert "The court's (the team closed none)" in html
    listed = [r.case.pk for _f, r in page.context["page"].object_list]
    cases = teams["cases"]
    assert listed == [cases[10].pk, cases["slow"].pk, cases[29].pk, cases[39].pk]
    assert cases["far"].number not in html  # another court's team
    assert cases[10].number in html


def test_team_lead_sees_his_team_only(client, teams, team_lead):
    client.force_login(team_lead)
    page = client.get(reverse("assignment:forecast"), {"horizon": "60"})
    assert [f.team for f in page.context["forecasts"]] == [teams["quick"]]


def test_bad_horizon_falls_back_to_30_days(client, teams, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("assignment:forecast"), {"horizon": "abc", "team": "zzz"})
    assert page.status_code == 200
    assert page.context["horizon"] == 30


def test_xlsx_export_opens(client, teams, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("assignment:forecast"), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Teams", "At risk within 30 days"]
    rows = {row[1]: row for row in book["Teams"].iter_rows(min_row=2, values_only=True)}
    assert rows["速执团队"][2] == 40 and rows["速执团队"][5:] == (2, 3, 1)


def test_query_count_is_constant_with_the_page_size(client, court, supervisor, judge):
    client.force_login(supervisor)
    team = make_team(court, "速执团队")
    member(team, judge)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("assignment:forecast")).status_code == 200
        return len(queries)

    limited(court, team, judge, 5)
    one = count()
    other = make_team(court, "普执团队", "ordinary")
    for n in range(4):
        limited(court, team, UserFactory(roles=["judge"], courts=[court]), 6 + n)
        limited(court, other, judge, 7 + n)
    assert count() == one
