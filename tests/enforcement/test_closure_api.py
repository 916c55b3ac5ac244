"""The closure API by persona (issue 12, point 11): ``GET|POST /api/v1/cases/{id}/close/``.

The same service as the closing page: the case's judge, its team lead and the court's supervisors close;
clerks, finance and the president get 403; staff of another court, and accounts without a court, 404.
Refusals are 400 in the API's one error shape, naming what is left; nothing changes. Staff are signed in
with a session (the API accepts it as the pages do).
"""

import datetime
import importlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from custody import services as custody
from custody.models import Measure
from enforcement.models import Case, CaseEvent
from payments.models import PayeeAccount
from payments.services import propose_payout
from tests.custody.test_services import START, at, file_assigned, make_teams, propose, take
from tests.money import pay_in

pytestmark = pytest.mark.django_db

CLOSURE_DATA = "enforcement.migrations.0016_closure_meets_case_limits_and_terminate_round_wait"


@pytest.fixture(autouse=True)
def closure_data(reference_data) -> None:
    importlib.import_module(CLOSURE_DATA).forwards(apps, None)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(court, clerk, team_lead, judge):
    make_teams(court, judge, team_lead)
    return file_assigned(court, clerk, team_lead, judge)


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/close/"


def close(user, case: Case, **payload: Any) -> Any:
    return api(user).post(url(case), json.dumps(payload), content_type="application/json")


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"} and body["message"]
    return body


def still_open(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == Case.Status.FILED
    assert not case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).exists()


class TestWhoMay:
    @pytest.mark.parametrize("persona", ["clerk", "finance", "president"])
    def test_clerks_finance_and_the_president_are_refused(self, request, case, persona):
        user = request.getfixturevalue(persona)
        body = error(close(user, case, closure="performed"), 403)
        assert body["message"] == "Only the court's judges, team leads and supervisors close cases."
        assert api(user).get(url(case)).status_code == 403
        still_open(case)

    @pytest.mark.parametrize("persona", ["outsider", "stranger"])
    def test_staff_of_another_court_and_accounts_without_one_get_404(self, request, case, persona):
        user = request.getfixturevalue(persona)
        error(close(user, case, closure="performed"), 404)
        error(api(user).get(url(case)), 404)
        still_open(case)

    def test_without_signing_in_nothing_is_closed(self, case):
        response = APIClient().post(url(case), {"closure": "performed"}, format="json")
        assert response.status_code in (401, 403)
        still_open(case)

    def test_the_case_judge_closes_it(self, case, judge):
        response = close(judge, case, closure="performed", note="全部履行")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "closed" and body["closure"] == "performed"
        assert body["closure_display"] == "Fully performed" and body["closure_note"] == "全部履行"
        clocks = {clock["node"]: clock for clock in body["deadlines"]}
        assert clocks["case_limit"]["status"] == "met" and clocks["case_limit"]["met_late"] is False
        assert clocks["online_search"]["status"] == "cancelled"

    def test_the_team_lead_closes_it(self, case, team_lead):
        assert close(team_lead, case, closure="terminated").status_code == 200

    def test_a_supervisor_closes_it(self, clock, case, supervisor):
        clock.move_to(at(2026, 6, 3))
        assert close(supervisor, case, closure="terminated_this_round", confirm_steps=True).status_code == 200


class TestRefusals:
    def test_money_in_the_account_is_a_400_naming_the_amount(self, case, judge):
        pay_in(case, "5000.00")
        body = error(close(judge, case, closure="performed"), 400)
        assert body["errors"]["left_on_case"] == [
            "The case account still holds 5,000.00 yuan: finance pays it out, refunds it or transfers it "
            "before the case can close."
        ]
        still_open(case)

    def test_a_family_notice_due_is_a_400(self, clock, case, judge, president):
        custody.decide_detention(actor=president, detention=propose(judge, case), approve=True)
        clock.move_to(START + datetime.timedelta(hours=3))
        body = error(close(judge, case, closure="performed"), 400)
        assert any("has not been told of the detention" in m for m in body["errors"]["left_on_case"])
        still_open(case)

    def test_terminating_this_round_on_the_day_of_filing_is_a_400(self, case, judge):
        body = error(close(judge, case, closure="terminated_this_round"), 400)
        assert body["errors"]["closure"] == [
            "Terminated for this round (no executable property) needs more than 3 months since filing "
            "(filed on 2026-03-02): possible from 2026-06-03."
        ]

    def test_measures_in_force_need_the_confirmation_then_are_released(self, case, judge):
        measure = take(judge, case)
        body = error(close(judge, case, closure="performed"), 400)
        assert list(body["errors"]) == ["confirm_steps"]
        assert Measure.objects.get(pk=measure.pk).status == Measure.Status.IN_FORCE

        response = close(judge, case, closure="performed", confirm_steps=True)

        assert response.status_code == 200, response.content
        measure.refresh_from_db()
        assert measure.status == Measure.Status.RELEASED
        assert measure.release_reason == "Performed: the case closed as fully performed."

    def test_a_closed_case_is_not_closed_again(self, case, judge):
        assert close(judge, case, closure="performed").status_code == 200
        body = error(close(judge, case, closure="terminated"), 400)
        assert body["errors"] == {"non_field_errors": ["The case is already closed."]}
        case.refresh_from_db()
        assert case.closure == "performed"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"closure": "finished"}, "closure"),
            ({}, "closure"),
            ({"closure": "performed", "release": True}, "release"),
            ({"closure": "performed", "note": "x" * 2001}, "note"),
        ],
    )
    def test_bad_input_is_a_400_for_its_field(self, case, judge, payload, field):
        body = error(close(judge, case, **payload), 400)
        assert field in body["errors"]
        still_open(case)


class TestPreview:
    def test_it_lists_what_is_left_and_what_each_mode_needs_and_does(self, case, judge):
        pay_in(case, "5000.00")
        measure = take(judge, case)

        response = api(judge).get(url(case))

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["case"] == case.pk and body["status"] == "filed"
        (left,) = body["left"]
        assert left["code"] == "money_in_account" and left["amount"] == "5000.00"
        assert left["url"] == f"/cases/{case.pk}/#money-panel"
        modes = {mode["closure"]: mode for mode in body["modes"]}
        assert set(modes) == set(Case.Closure.values)
        assert modes["terminated_this_round"]["possible"] is False
        assert [step["code"] for step in modes["performed"]["steps"]] == [f"release_measure:{measure.pk}"]
        assert modes["terminated"]["missing"] == [] and modes["terminated"]["steps"] == []

    def test_a_payout_shows_with_its_amount(self, case, judge):
        applicant = case.applicants()[0]
        PayeeAccount.objects.create(
            case=case,
            party=applicant,
            bank_name="中国银行",
            account_name=applicant.name,
            account_number="6217000011113333",
            basis="申请人提交的账户确认书",
            confirmed_by=judge,
        )
        pay_in(case, "800.00")
        payout = propose_payout(actor=judge, case=case, lines=[(applicant, Decimal("800.00"))])
        body = api(judge).get(url(case)).json()
        payouts = [item for item in body["left"] if item["code"] == "payout_proposed"]
        assert payouts == [
            {
                "code": "payout_proposed",
                "message": "A payout of 800.00 yuan (proposed on 2026-03-02) is waiting for approval.",
                "url": f"/cases/{case.pk}/#payout-{payout.pk}",
                "amount": "800.00",
            }
        ]


def test_the_openapi_schema_documents_the_closure() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = schema["paths"]["/api/v1/cases/{id}/close/"]
    assert set(operations) == {"get", "post"}
    assert operations["post"]["summary"] == "Close the case"
    assert {"200", "400", "403", "404"} <= set(operations["post"]["responses"])
    request = schema["components"]["schemas"]["CloseCaseInputRequest"]
    assert {"closure", "note", "confirm_steps"} == set(request["properties"])
