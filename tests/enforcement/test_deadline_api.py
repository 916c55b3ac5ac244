"""The deadlines API: deductions (add, end, their additional period) and extensions (request, approve,
refuse), by persona, through real HTTP, with the same services, permissions and error shape as the pages.

Signing in is the session (``force_login``), as in tests/intake/test_api_cases.py, so these tests do not
depend on the token mechanism. Every call runs at a set time (time_machine), inside which the session is
opened.
"""

import datetime
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from enforcement.models import (
    CalendarDay,
    CalendarYear,
    Case,
    Deadline,
    Deduction,
    Extension,
    Team,
    TeamKind,
    TeamMembership,
)
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def without_2027():
    CalendarDay.objects.filter(date__year=2027, court=None).delete()
    CalendarYear.objects.filter(year=2027).delete()


@pytest.fixture
def case(court, clerk, judge, team_lead) -> Case:
    """Filed on 2026-09-28, in the team of the judge (responsible) and the team lead: "assign a judge" ends
    2026-10-08, the case limit 2027-03-29."""
    with time_machine.travel(at(2026, 9, 28), tick=False):
        filed = intake.file_case(actor=clerk, application=application(court, 1)).case
    team = Team.objects.create(court=court, kind=TeamKind.objects.order_by("pk").first(), name="执行一团队")
    team.memberships.create(user=judge, role=TeamMembership.Role.JUDGE)
    team.memberships.create(user=team_lead, role=TeamMembership.Role.LEAD)
    Case.objects.filter(pk=filed.pk).update(responsible_judge=judge, team=team)
    return filed


def clock(case: Case, code: str) -> Deadline:
    return Deadline.objects.get(case=case, node_type__code=code)


class Api:
    """One persona's calls at one moment, in English, as JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        user: Any,
        method: str,
        url: str,
        body: dict[str, Any] | None = None,
        when: datetime.datetime | None = None,
    ) -> Any:
        with time_machine.travel(when or at(2026, 10, 6), tick=False):
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            if method == "get":
                return self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            return self.client.post(
                url, json.dumps(body or {}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
            )


@pytest.fixture
def api(client) -> Api:
    return Api(client)


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def deductions_url(deadline: Deadline) -> str:
    return f"/api/v1/deadlines/{deadline.pk}/deductions/"


AUDIT = {"kind": "audit", "start_date": "2026-10-01", "end_date": "2026-10-05", "reason": "委托审计"}


# --- Reading --------------------------------------------------------------------------------------------


class TestReading:
    def test_a_supervisor_reads_a_deadline_with_its_deductions_and_explanation(self, api, case, supervisor):
        limit = clock(case, "case_limit")
        api.call(supervisor, "post", deductions_url(limit), AUDIT)
        body = api.call(supervisor, "get", f"/api/v1/deadlines/{limit.pk}/").json()
        assert body["node"] == "case_limit"
        assert body["due_date"] == "2027-04-02"  # 2027-03-28 + 5 days
        assert body["extendable"] is True
        assert [d["kind"] for d in body["deductions"]] == ["audit"]
        assert any("+5 days deducted: Audit" in line for line in body["explanation"])
        assert body["steps"][0]["code"] == "anchor"

    def test_staff_of_another_court_get_a_404(self, api, case, outsider):
        error(api.call(outsider, "get", f"/api/v1/deadlines/{clock(case, 'case_limit').pk}/"), 404)

    def test_an_anonymous_call_is_refused(self, api, case):
        response = api.call(None, "get", f"/api/v1/deadlines/{clock(case, 'case_limit').pk}/")
        assert response.status_code in (401, 403)
        error(response, response.status_code)


# --- Deductions -----------------------------------------------------------------------------------------


class TestAddDeduction:
    @pytest.mark.parametrize("persona", ["supervisor", "president"])
    def test_a_supervisor_or_president_records_a_deduction_and_the_due_date_moves(
        self, api, case, persona, request
    ):
        user = request.getfixturevalue(persona)
        limit = clock(case, "case_limit")
        response = api.call(user, "post", deductions_url(limit), AUDIT)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kind"] == "audit" and body["end_date"] == "2026-10-05"
        assert body["deadline_now"]["due_date"] == "2027-04-02"
        assert body["approved_by"]
        assert Deduction.objects.get().approved_by == user

    @pytest.mark.parametrize("persona", ["judge", "clerk", "team_lead", "finance"])
    def test_other_roles_get_a_403_and_nothing_is_saved(self, api, case, persona, request):
        response = api.call(
            request.getfixturevalue(persona), "post", deductions_url(clock(case, "case_limit")), AUDIT
        )
        body = error(response, 403)
        assert "supervisor or president" in body["message"]
        assert not Deduction.objects.exists()

    def test_another_courts_supervisor_gets_a_404(self, api, case, other_court):
        stranger = UserFactory(username="supervisor-other", roles=["supervisor"], courts=[other_court])
        error(api.call(stranger, "post", deductions_url(clock(case, "case_limit")), AUDIT), 404)
        assert not Deduction.objects.exists()

    def test_an_overlapping_period_counts_once(self, api, case, supervisor):
        limit = clock(case, "case_limit")
        api.call(supervisor, "post", deductions_url(limit), {**AUDIT, "end_date": "2026-10-20"})
        body = api.call(
            supervisor,
            "post",
            deductions_url(limit),
            {"kind": "appraisal", "start_date": "2026-10-05", "end_date": "2026-10-24", "reason": "评估"},
            when=at(2026, 10, 25),
        ).json()
        assert body["deadline_now"]["due_date"] == "2027-04-21"  # the union 10-01..10-24, 24 days
        assert any("16 days already counted" in line for line in body["deadline_now"]["explanation"])

    @pytest.mark.parametrize(
        ("payload", "field", "fragment"),
        [
            (
                {**AUDIT, "start_date": "2026-08-01", "end_date": "2026-08-30"},
                "end_date",
                "the day this clock started",
            ),
            (
                {**AUDIT, "start_date": "2026-10-07", "end_date": "2026-10-05"},
                "end_date",
                "cannot end before",
            ),
            ({**AUDIT, "start_date": "2026-10-07", "end_date": None}, "start_date", "in the future"),
            ({**AUDIT, "kind": "holiday"}, "kind", ""),
            ({**AUDIT, "reason": ""}, "reason", ""),
            ({**AUDIT, "approved_by": 1}, "approved_by", "Unknown field"),
            (
                {"kind": "deferral", "start_date": "2026-10-01", "end_date": "2027-02-01", "reason": "和解"},
                "end_date",
                "at most 3 months",
            ),
        ],
    )
    def test_bad_periods_get_a_400_naming_the_field_and_nothing_is_saved(
        self, api, case, supervisor, payload, field, fragment
    ):
        limit = clock(case, "case_limit")
        before = limit.due_date
        body = error(api.call(supervisor, "post", deductions_url(limit), payload), 400)
        assert field in body["errors"]
        assert fragment in " ".join(body["errors"][field])
        assert not Deduction.objects.exists()
        limit.refresh_from_db()
        assert limit.due_date == before

    def test_a_period_starting_after_the_limit_ran_out_gets_a_400(self, api, case, supervisor):
        assign = clock(case, "assign_judge")  # ran out on 2026-10-08
        body = error(
            api.call(
                supervisor,
                "post",
                deductions_url(assign),
                {**AUDIT, "start_date": "2026-10-10", "end_date": "2026-10-12"},
                when=at(2026, 10, 20),
            ),
            400,
        )
        assert "ran out on 2026-10-08" in body["errors"]["start_date"][0]
        assert not Deduction.objects.exists()


@pytest.fixture
def running_deferral(api, case, supervisor) -> Deduction:
    """暂缓执行 of the case limit from 2026-10-10, recorded by the supervisor: 3 months to 2027-01-10."""
    response = api.call(
        supervisor,
        "post",
        deductions_url(clock(case, "case_limit")),
        {"kind": "deferral", "start_date": "2026-10-10", "reason": "被执行人提供担保"},
        when=at(2026, 10, 10),
    )
    assert response.status_code == 201, response.content
    assert response.json()["term_end"] == "2027-01-10"
    assert response.json()["may_get_additional_period"] is True
    return Deduction.objects.get(pk=response.json()["id"])


class TestEndDeduction:
    def test_a_supervisor_ends_a_running_period(self, api, running_deferral, supervisor):
        url = f"/api/v1/deductions/{running_deferral.pk}/end/"
        response = api.call(supervisor, "post", url, {"end_date": "2026-11-09"}, when=at(2026, 11, 10))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["end_date"] == "2026-11-09"
        assert body["deadline_now"]["paused"] is False
        again = api.call(supervisor, "post", url, {"end_date": "2026-11-09"}, when=at(2026, 11, 10))
        assert "already ended" in error(again, 400)["errors"]["non_field_errors"][0]

    def test_a_judge_gets_a_403(self, api, running_deferral, judge):
        url = f"/api/v1/deductions/{running_deferral.pk}/end/"
        error(api.call(judge, "post", url, {"end_date": "2026-11-09"}, when=at(2026, 11, 10)), 403)
        running_deferral.refresh_from_db()
        assert running_deferral.end_date is None

    def test_ending_beyond_the_term_without_approval_gets_a_400(self, api, running_deferral, supervisor):
        url = f"/api/v1/deductions/{running_deferral.pk}/end/"
        body = error(api.call(supervisor, "post", url, {"end_date": "2027-01-20"}, when=at(2027, 1, 25)), 400)
        assert "end it on 2027-01-10 at the latest" in body["errors"]["end_date"][0]

    def test_an_outsider_gets_a_404(self, api, running_deferral, outsider):
        url = f"/api/v1/deductions/{running_deferral.pk}/end/"
        error(api.call(outsider, "post", url, {"end_date": "2026-11-09"}, when=at(2026, 11, 10)), 404)


class TestAdditionalPeriod:
    def url(self, deduction: Deduction) -> str:
        return f"/api/v1/deductions/{deduction.pk}/additional-period/"

    def test_a_president_approves_it_and_is_recorded(self, api, running_deferral, president):
        response = api.call(
            president,
            "post",
            self.url(running_deferral),
            {"months": 3, "reason": "特殊事由"},
            when=at(2027, 1, 5),
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["additional_months"] == 3
        assert body["additional_approved_by"]
        assert body["latest_end"] == "2027-04-10"
        assert body["may_get_additional_period"] is False
        running_deferral.refresh_from_db()
        assert running_deferral.additional_approved_by == president

    def test_the_supervisor_who_recorded_it_gets_a_403(self, api, running_deferral, supervisor):
        body = error(
            api.call(
                supervisor,
                "post",
                self.url(running_deferral),
                {"months": 3, "reason": "x"},
                when=at(2027, 1, 5),
            ),
            403,
        )
        assert "someone other than the person who recorded" in body["message"]

    @pytest.mark.parametrize("persona", ["judge", "clerk", "team_lead"])
    def test_roles_that_do_not_approve_deductions_get_a_403(self, api, running_deferral, persona, request):
        user = request.getfixturevalue(persona)
        error(
            api.call(
                user, "post", self.url(running_deferral), {"months": 3, "reason": "x"}, when=at(2027, 1, 5)
            ),
            403,
        )

    def test_more_than_the_rules_additional_months_gets_a_400(self, api, running_deferral, president):
        body = error(
            api.call(
                president,
                "post",
                self.url(running_deferral),
                {"months": 4, "reason": "x"},
                when=at(2027, 1, 5),
            ),
            400,
        )
        assert "at most 3 months" in body["errors"]["months"][0]

    def test_after_the_term_ended_gets_a_400(self, api, running_deferral, president):
        body = error(
            api.call(
                president,
                "post",
                self.url(running_deferral),
                {"months": 3, "reason": "x"},
                when=at(2027, 1, 12),
            ),
            400,
        )
        assert "ended on 2027-01-10" in body["errors"]["non_field_errors"][0]

    def test_a_kind_without_a_term_has_no_additional_period(self, api, case, supervisor, president):
        limit = clock(case, "case_limit")
        created = api.call(supervisor, "post", deductions_url(limit), {**AUDIT, "end_date": None}).json()
        body = error(
            api.call(
                president,
                "post",
                f"/api/v1/deductions/{created['id']}/additional-period/",
                {"months": 1, "reason": "x"},
            ),
            400,
        )
        assert "no additional period" in body["errors"]["non_field_errors"][0]

    def test_an_outsider_gets_a_404(self, api, running_deferral, outsider):
        error(
            api.call(
                outsider,
                "post",
                self.url(running_deferral),
                {"months": 3, "reason": "x"},
                when=at(2027, 1, 5),
            ),
            404,
        )


# --- Extensions -----------------------------------------------------------------------------------------


def extensions_url(deadline: Deadline) -> str:
    return f"/api/v1/deadlines/{deadline.pk}/extensions/"


ASK = {"months": 3, "reason": "财产尚在拍卖"}


class TestRequestExtension:
    @pytest.mark.parametrize("persona", ["judge", "team_lead", "supervisor"])
    def test_a_judge_team_lead_or_supervisor_asks(self, api, case, persona, request):
        user = request.getfixturevalue(persona)
        response = api.call(user, "post", extensions_url(clock(case, "case_limit")), ASK, when=at(2027, 3, 1))
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["months"]) == ("requested", 3)
        assert body["deadline_now"]["due_date"] == "2027-03-29"  # nothing moves until it is approved
        assert Extension.objects.get().requested_by == user

    @pytest.mark.parametrize("persona", ["clerk", "finance"])
    def test_other_roles_get_a_403(self, api, case, persona, request):
        user = request.getfixturevalue(persona)
        error(
            api.call(user, "post", extensions_url(clock(case, "case_limit")), ASK, when=at(2027, 3, 1)), 403
        )
        assert not Extension.objects.exists()

    def test_an_outsider_gets_a_404(self, api, case, outsider):
        error(
            api.call(outsider, "post", extensions_url(clock(case, "case_limit")), ASK, when=at(2027, 3, 1)),
            404,
        )

    def test_too_late_not_extendable_twice_or_a_bad_number_gets_a_400(self, api, case, judge):
        limit = clock(case, "case_limit")
        late = error(api.call(judge, "post", extensions_url(limit), ASK, when=at(2027, 3, 25)), 400)
        assert "at least 5 days before" in late["errors"]["non_field_errors"][0]
        assign = clock(case, "assign_judge")
        fixed = error(api.call(judge, "post", extensions_url(assign), ASK, when=at(2026, 9, 29)), 400)
        assert "cannot be extended" in fixed["errors"]["non_field_errors"][0]
        zero = error(
            api.call(judge, "post", extensions_url(limit), {**ASK, "months": 0}, when=at(2027, 3, 1)), 400
        )
        assert "months" in zero["errors"]
        api.call(judge, "post", extensions_url(limit), ASK, when=at(2027, 3, 1))
        twice = error(api.call(judge, "post", extensions_url(limit), ASK, when=at(2027, 3, 1)), 400)
        assert "already waiting" in twice["errors"]["non_field_errors"][0]
        assert Extension.objects.count() == 1


@pytest.fixture
def requested(api, case, judge) -> Extension:
    response = api.call(judge, "post", extensions_url(clock(case, "case_limit")), ASK, when=at(2027, 3, 1))
    assert response.status_code == 201, response.content
    return Extension.objects.get(pk=response.json()["id"])


class TestDecideExtension:
    def test_the_president_approves_and_the_limit_moves(self, api, requested, president):
        response = api.call(
            president,
            "post",
            f"/api/v1/extensions/{requested.pk}/approve/",
            {"note": "同意"},
            when=at(2027, 3, 2),
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["decision_note"]) == ("approved", "同意")
        assert body["deadline_now"]["due_date"] == "2027-06-28"
        assert body["decided_by"]

    def test_the_president_refuses_and_nothing_moves(self, api, requested, president):
        response = api.call(
            president,
            "post",
            f"/api/v1/extensions/{requested.pk}/refuse/",
            {"note": "理由不足"},
            when=at(2027, 3, 2),
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "refused"
        assert response.json()["deadline_now"]["due_date"] == "2027-03-29"

    @pytest.mark.parametrize("persona", ["supervisor", "judge", "team_lead", "clerk"])
    def test_only_the_president_decides(self, api, requested, persona, request):
        user = request.getfixturevalue(persona)
        for action in ("approve", "refuse"):
            error(
                api.call(
                    user, "post", f"/api/v1/extensions/{requested.pk}/{action}/", {}, when=at(2027, 3, 2)
                ),
                403,
            )
        requested.refresh_from_db()
        assert requested.status == Extension.Status.REQUESTED

    def test_the_requester_cannot_approve_his_own_request(self, api, case, court):
        vice_president = UserFactory(username="vp", roles=["president", "judge"], courts=[court])
        asked = api.call(
            vice_president, "post", extensions_url(clock(case, "case_limit")), ASK, when=at(2027, 3, 1)
        )
        assert asked.status_code == 201, asked.content
        body = error(
            api.call(
                vice_president,
                "post",
                f"/api/v1/extensions/{asked.json()['id']}/approve/",
                {},
                when=at(2027, 3, 2),
            ),
            403,
        )
        assert "cannot approve it" in body["message"]
        assert clock(case, "case_limit").due_date == D(2027, 3, 29)

    def test_a_decided_request_cannot_be_decided_again(self, api, requested, president):
        api.call(president, "post", f"/api/v1/extensions/{requested.pk}/approve/", {}, when=at(2027, 3, 2))
        again = api.call(
            president, "post", f"/api/v1/extensions/{requested.pk}/refuse/", {}, when=at(2027, 3, 2)
        )
        assert "already been decided" in error(again, 400)["errors"]["non_field_errors"][0]

    def test_an_outsider_gets_a_404(self, api, requested, outsider):
        error(
            api.call(
                outsider, "post", f"/api/v1/extensions/{requested.pk}/approve/", {}, when=at(2027, 3, 2)
            ),
            404,
        )


# --- The schema -----------------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_operations_and_their_errors(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/deadlines/{id}/",
        "/api/v1/deadlines/{id}/deductions/",
        "/api/v1/deductions/{id}/end/",
        "/api/v1/deductions/{id}/additional-period/",
        "/api/v1/deadlines/{id}/extensions/",
        "/api/v1/extensions/{id}/approve/",
        "/api/v1/extensions/{id}/refuse/",
    ):
        assert path in paths, path
    add = paths["/api/v1/deadlines/{id}/deductions/"]["post"]
    assert {"201", "400", "403", "404"} <= set(add["responses"])
    assert add["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    assert "ApiError" in schema["components"]["schemas"]
    assert "DeductionInput" in json.dumps(add["requestBody"]) or "DeductionInputRequest" in json.dumps(
        add["requestBody"]
    )
