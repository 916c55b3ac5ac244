"""The case page (the judge's workbench) reads a fixed, small number of queries, whatever the case holds."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.models import Case, CaseEvent
from enforcement.services import deadlines as engine
from enforcement.services.events import record_event
from tests.custody.test_services import START, file_assigned, make_teams, take
from tests.money import pay_in

pytestmark = pytest.mark.django_db

WORKBENCH_QUERIES = 20


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def busy_case(clock, court, clerk, team_lead, judge) -> Case:
    """A case with its parties, running deadlines, money received and a measure in force."""
    make_teams(court, judge, team_lead)
    case = file_assigned(court, clerk, team_lead, judge)
    pay_in(case, "5000.00")
    take(judge, case)
    return case


def page_queries(client, user, case: Case) -> int:
    client.force_login(user)
    url = reverse("case-detail", args=[case.pk])
    client.get(url)  # sessions, caches and the like settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow(case: Case, judge, n: int) -> None:
    """n more running deadlines and n more timeline events on the case."""
    for i in range(n):
        engine.open_deadline(case=case, code="ask_leads", anchor_at=START + datetime.timedelta(hours=i))
        record_event(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=judge, public=False, detail=f"记录{i}")


def test_the_workbench_of_a_busy_case_reads_at_most_20_queries(client, busy_case, judge):
    assert page_queries(client, judge, busy_case) <= WORKBENCH_QUERIES


def test_the_workbench_does_not_read_more_with_more_deadlines_and_events(client, busy_case, judge):
    before = page_queries(client, judge, busy_case)
    grow(busy_case, judge, 8)
    assert page_queries(client, judge, busy_case) == before


def test_a_case_without_money_or_measures_reads_fewer_queries_than_a_busy_one(
    client, busy_case, court, clerk, team_lead, judge
):
    plain = file_assigned(court, clerk, team_lead, judge)
    assert page_queries(client, judge, plain) < page_queries(client, judge, busy_case)


def test_the_panels_still_show_the_money_and_the_measure(client, busy_case, judge):
    client.force_login(judge)
    html = client.get(reverse("case-detail", args=[busy_case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5,000.00" in html or "5000.00" in html
    measure = busy_case.measures.get()
    assert measure.asset in html
