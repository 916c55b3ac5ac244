"""The indicator pages: who sees which figures, the drill-down equals the figure, exports, bad input, and
query counts that do not grow with the data."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.indicators.compute import compute_month
from enforcement.models import IndicatorFigure, Team, TeamKind, TeamMembership
from tests.factories import UserFactory
from tests.indicators import account_of, at, closed_case, ledger

NOVEMBER = datetime.date(2026, 11, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-11-28"), tick=False):
        yield


@pytest.fixture
def team(court):
    return Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")


def some_cases(court, n: int, **kwargs):
    for i in range(n):
        closure = "performed" if i % 3 else "dismissed"
        closed_case(court, filed="2026-06-01", closed=f"2026-11-{1 + i % 25:02d}", closure=closure, **kwargs)
    compute_month(court.pk, NOVEMBER)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, **EN)


def test_a_supervisor_sees_the_courts_figures_with_their_definitions(client, court, supervisor):
    some_cases(court, 3)
    response = get(client, supervisor, "/indicators/")
    assert response.status_code == 200
    row = IndicatorFigure.objects.get(code="actual_enforcement", team_ref=0, judge_ref=0, month=NOVEMBER)
    assert (row.numerator, row.denominator) == (2, 3)
    html = response.content.decode()
    assert "66.67%" in html
    assert "Cases closed in the month as Fully performed" in html
    assert "computed at" in html
    assert 'id="indicator-trends"' in html


def test_the_list_behind_a_figure_has_as_many_cases_as_the_figure(client, court, supervisor):
    some_cases(court, 30)
    row = IndicatorFigure.objects.get(code="actual_enforcement", team_ref=0, judge_ref=0, month=NOVEMBER)
    response = get(
        client, supervisor, "/indicators/actual_enforcement/cases/", month="2026-11", part="numerator"
    )
    assert response.context["page"].paginator.count == row.numerator == 20
    denominator = get(client, supervisor, "/indicators/actual_enforcement/cases/", month="2026-11")
    assert denominator.context["page"].paginator.count == row.denominator == 30


@pytest.mark.parametrize("url", ["/indicators/", "/indicators/actual_enforcement/cases/"])
def test_query_counts_do_not_grow_with_the_data(client, court, supervisor, team, url):
    judge = UserFactory(username="j", roles=["judge"], courts=[court])
    some_cases(court, 3, team=team, responsible_judge=judge)
    client.force_login(supervisor)
    client.get(url, {"month": "2026-11"}, **EN)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"month": "2026-11"}, **EN).status_code == 200
    some_cases(court, 40, team=team, responsible_judge=judge)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"month": "2026-11"}, **EN).status_code == 200
    assert len(many) == len(few)


def test_a_judge_sees_his_own_figures_and_nobody_elses(client, court, team):
    judge = UserFactory(username="j", roles=["judge"], courts=[court])
    other = UserFactory(username="k", roles=["judge"], courts=[court])
    some_cases(court, 3, responsible_judge=judge)
    response = get(client, judge, "/indicators/")
    assert response.status_code == 200
    assert response.context["scope"].judge_id == judge.pk
    assert get(client, judge, "/indicators/", judge=other.pk).status_code == 403
    assert get(client, judge, "/indicators/", team=team.pk).status_code == 403


def test_a_team_lead_lands_on_his_team(client, court, team, team_lead):
    TeamMembership.objects.create(team=team, user=team_lead, role=TeamMembership.Role.LEAD)
    some_cases(court, 3, team=team)
    response = get(client, team_lead, "/indicators/")
    assert response.status_code == 200
    assert response.context["scope"].team_id == team.pk
    assert get(client, team_lead, "/indicators/", court=court.pk, team="", judge="").context["scope"].team_id


def test_finance_sees_the_money_figures_only(client, court, finance):
    case = closed_case(court, filed="2026-06-01", closed="2026-11-10", claim="1000.00")
    ledger(account_of(case), "received", "400.00", "2026-07-01")
    compute_month(court.pk, NOVEMBER)
    response = get(client, finance, "/indicators/")
    assert response.status_code == 200
    assert [r.indicator.code for r in response.context["overview"].rows] == [
        "money_recovered",
        "days_to_payout",
    ]
    assert "40.00%" in response.content.decode()
    assert get(client, finance, "/indicators/money_recovered/cases/", month="2026-11").status_code == 200
    assert get(client, finance, "/indicators/actual_enforcement/cases/", month="2026-11").status_code == 403


def test_a_member_of_another_court_sees_nothing_here(client, court, outsider):
    some_cases(court, 3)
    assert get(client, outsider, "/indicators/", court=court.pk).status_code == 403
    assert get(client, outsider, "/indicators/actual_enforcement/cases/").status_code == 403


def test_bad_filters_give_a_message_not_an_error(client, court, supervisor):
    response = get(client, supervisor, "/indicators/", month="2026-13", team="abc")
    assert response.status_code == 200
    assert "Give the month as YYYY-MM" in response.content.decode()
    assert get(client, supervisor, "/indicators/nonsense/cases/").status_code == 404
    assert get(client, supervisor, "/indicators/actual_enforcement/cases/", page="x").status_code == 200


def test_the_overview_and_the_list_export_to_xlsx(client, court, supervisor):
    some_cases(court, 3)
    response = get(client, supervisor, "/indicators/", month="2026-11", format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[[r[0] for r in rows].index("Actual enforcement rate")][:5] == (
        "Actual enforcement rate",
        "%",
        "2026-11",
        2,
        3,
    )
    listed = get(client, supervisor, "/indicators/actual_enforcement/cases/", month="2026-11", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(listed.content)).worksheets[0]
    assert sheet.max_row == 1 + 3


def test_the_home_page_of_a_supervisor_shows_the_headline_figures(client, court, supervisor, judge):
    some_cases(court, 3)
    response = get(client, supervisor, "/")
    assert 'id="indicator-headlines"' in response.content.decode()
    assert 'id="indicator-headlines"' not in get(client, judge, "/").content.decode()


def test_the_api_gives_the_same_figures(client, court, supervisor, outsider):
    some_cases(court, 3)
    response = get(client, supervisor, "/api/v1/indicators/", month="2026-11")
    assert response.status_code == 200
    body = response.json()
    found = {i["code"]: i for i in body["indicators"]}
    assert found["actual_enforcement"]["month"] == {
        "numerator": "2.00",
        "denominator": "3.00",
        "value": "66.67",
    }
    assert len(found["actual_enforcement"]["trend"]) == 12
    assert get(client, supervisor, "/api/v1/indicators/", month="soon").status_code == 400
    assert get(client, outsider, "/api/v1/indicators/", court=court.pk).status_code == 400  # not his court
    assert get(client, outsider, "/api/v1/indicators/").status_code == 403  # his court, but a clerk
