"""The API of the first interview (save, lock) and of notice delivery, by persona (issue 12, point 11).

The same services as the pages: the court's clerks, judges and assistants act; the case's judge too (the
service's rule); finance and supervisors read the case but may not act (403); outsiders of another court
learn nothing (404). Refusals come in the API's one error shape, and nothing is half-saved. Staff are
signed in with ``force_authenticate``: how tokens are issued is another test's business.
"""

import json
from typing import Any

import pytest
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from assignment import services as assignment
from enforcement.models import Case, CaseEvent, Party, PropertyKind
from intake import services
from intake.models import FirstInterview, InterviewRisk, NoticeDelivery, RiskKind
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def put(client: APIClient, url: str, payload: Any) -> Any:
    return client.put(url, json.dumps(payload), content_type="application/json")


def post(client: APIClient, url: str, payload: Any = None) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def refused(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def interview_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/interview/"


def lock_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/interview/lock/"


def deliveries_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/notices/deliveries/"


def record(**overrides: Any) -> dict[str, Any]:
    return {
        "conducted_at": timezone.localtime().isoformat(),
        "place": "执行事务中心接待室",
        "attendees": "申请人1",
        "debtor_contacts": "被执行人电话 13900000000",
        "willingness": FirstInterview.Willingness.PAY_IN_FULL,
        "payout_bank_name": "中国工商银行乌海分行",
        "payout_account_name": "申请人1",
        "payout_account_number": "6222020000000000000",
        "risk_kinds": [],
        "leads": [{"kind": PropertyKind.WAGES, "detail": "月工资约6000元"}],
        **overrides,
    }


@pytest.fixture
def case(court, clerk, judge) -> Case:
    filed = services.file_case(actor=clerk, application=application(court, 1)).case
    filed.responsible_judge = judge
    filed.save(update_fields=["responsible_judge"])
    return filed


# --- The first interview ------------------------------------------------------------------------------


class TestSaveInterview:
    def test_a_clerk_records_the_interview_with_its_risks_and_leads(self, case, clerk):
        body = ok(
            put(
                api(clerk),
                interview_url(case),
                record(risk_kinds=[RiskKind.OTHER, RiskKind.OBSTRUCTION], risk_other="申请人担心报复"),
            ),
            201,
        )
        assert body["risk_kinds"] == [RiskKind.OBSTRUCTION, RiskKind.OTHER]
        assert body["risk_other"] == "申请人担心报复"
        assert body["leads"] == [{"kind": "wages", "detail": "月工资约6000元"}]
        assert body["locked"] is False
        interview = FirstInterview.objects.get(case=case)
        assert interview.interviewer == clerk
        assert [(r.kind, r.detail) for r in interview.risks.all()] == [
            (RiskKind.OBSTRUCTION, ""),
            (RiskKind.OTHER, "申请人担心报复"),
        ]
        assert case.events.filter(kind=CaseEvent.Kind.INTERVIEW_RECORDED).count() == 1

    def test_saving_again_replaces_the_record_and_answers_200(self, case, clerk):
        client = api(clerk)
        ok(put(client, interview_url(case), record(risk_kinds=[RiskKind.REFUSES])), 201)
        body = ok(put(client, interview_url(case), record(risk_kinds=[], leads=[], place="二号接待室")))
        assert body["risk_kinds"] == [] and body["leads"] == [] and body["place"] == "二号接待室"
        assert not InterviewRisk.objects.exists()
        assert case.events.filter(kind=CaseEvent.Kind.INTERVIEW_RECORDED).count() == 1

    def test_no_risk_is_an_empty_list_and_the_case_is_triaged_simple(self, case, clerk, team_lead):
        ok(put(api(clerk), interview_url(case), record(risk_kinds=[], risk_other="无")), 201)
        assert assignment.triage_case(actor=team_lead, case=case).stream == Case.Stream.SIMPLE

    def test_the_case_judge_may_record_it_as_the_service_allows(self, case, judge):
        ok(put(api(judge), interview_url(case), record()), 201)
        assert FirstInterview.objects.get(case=case).interviewer == judge

    def test_anyone_who_may_see_the_case_reads_the_record(self, case, clerk, finance):
        ok(put(api(clerk), interview_url(case), record(risk_kinds=[RiskKind.MANY_CREDITORS])), 201)
        body = ok(api(finance).get(interview_url(case)))
        assert body["risk_kinds"] == [RiskKind.MANY_CREDITORS]
        assert body["interviewer"]

    def test_reading_a_record_not_made_yet_is_404_in_the_error_shape(self, case, clerk):
        refused(api(clerk).get(interview_url(case)), 404)


class TestSaveInterviewRefusals:
    @pytest.mark.parametrize(
        ("kinds", "field"),
        [(["bogus"], "risk_kinds"), ("obstruction", "risk_kinds"), ([RiskKind.OTHER], "risk_other")],
    )
    def test_invalid_kinds_are_refused_and_nothing_is_saved(self, case, clerk, kinds, field):
        body = refused(put(api(clerk), interview_url(case), record(risk_kinds=kinds)), 400)
        assert field in body["errors"]
        assert not FirstInterview.objects.exists()

    def test_a_text_without_the_kind_other_is_refused(self, case, clerk):
        payload = record(risk_kinds=[], risk_other="被执行人扬言阻挠")
        assert "risk_other" in refused(put(api(clerk), interview_url(case), payload), 400)["errors"]
        assert not FirstInterview.objects.exists()

    def test_the_risks_must_be_stated_even_when_there_are_none(self, case, clerk):
        payload = record()
        del payload["risk_kinds"]
        assert "risk_kinds" in refused(put(api(clerk), interview_url(case), payload), 400)["errors"]

    def test_a_bad_account_number_is_refused_with_the_field_named(self, case, clerk):
        payload = record(payout_account_number="62-22 abc")
        body = refused(put(api(clerk), interview_url(case), payload), 400)
        assert "payout_account_number" in body["errors"]
        assert not FirstInterview.objects.exists()

    def test_unknown_fields_are_refused(self, case, clerk):
        body = refused(put(api(clerk), interview_url(case), record(risks="无")), 400)
        assert "risks" in body["errors"]

    def test_an_outsider_of_another_court_gets_404(self, case, outsider):
        refused(put(api(outsider), interview_url(case), record()), 404)
        refused(api(outsider).get(interview_url(case)), 404)
        refused(post(api(outsider), lock_url(case)), 404)
        assert not FirstInterview.objects.exists()

    @pytest.mark.parametrize("persona", ["finance", "supervisor"])
    def test_finance_and_supervisors_see_the_case_but_may_not_record(self, request, case, persona):
        user = request.getfixturevalue(persona)
        refused(put(api(user), interview_url(case), record()), 403)
        assert not FirstInterview.objects.exists()

    def test_a_judge_of_the_court_who_does_not_have_the_case_gets_404(self, case, court):
        other_judge = UserFactory(username="judge-other", roles=["judge"], courts=[court])
        refused(put(api(other_judge), interview_url(case), record()), 404)

    def test_without_signing_in_nothing_is_done(self, case):
        response = put(APIClient(), interview_url(case), record())
        assert response.status_code in (401, 403)
        assert not FirstInterview.objects.exists()


class TestLock:
    def test_the_clerk_locks_the_record_and_it_can_no_longer_be_edited(self, case, clerk):
        client = api(clerk)
        ok(put(client, interview_url(case), record(risk_kinds=[RiskKind.REFUSES])), 201)
        body = ok(post(client, lock_url(case)))
        assert body["locked"] is True and body["locked_at"] and body["locked_by"]
        assert case.events.filter(kind=CaseEvent.Kind.INTERVIEW_LOCKED).count() == 1

        again = refused(put(client, interview_url(case), record(risk_kinds=[])), 400)
        assert "locked" in again["message"] + json.dumps(again["errors"])
        assert FirstInterview.objects.get(case=case).risk_kinds() == [RiskKind.REFUSES]

    def test_locking_twice_or_before_recording_is_refused(self, case, clerk):
        client = api(clerk)
        refused(post(client, lock_url(case)), 400)
        ok(put(client, interview_url(case), record()), 201)
        ok(post(client, lock_url(case)))
        refused(post(client, lock_url(case)), 400)
        assert case.events.filter(kind=CaseEvent.Kind.INTERVIEW_LOCKED).count() == 1

    def test_finance_may_not_lock(self, case, clerk, finance):
        ok(put(api(clerk), interview_url(case), record()), 201)
        refused(post(api(finance), lock_url(case)), 403)
        assert not FirstInterview.objects.get(case=case).is_locked


# --- Notice delivery ----------------------------------------------------------------------------------


def delivery(case: Case, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": NoticeDelivery.Kind.ACCEPTANCE,
        "recipient": case.applicants()[0].pk,
        "method": NoticeDelivery.Method.IN_PERSON,
        "acknowledged": True,
        **overrides,
    }


class TestNoticeDelivery:
    def test_a_clerk_records_a_delivery_and_it_goes_on_the_timeline(self, case, clerk):
        body = ok(post(api(clerk), deliveries_url(case), delivery(case, note="当面签收")), 201)
        applicant = case.applicants()[0]
        assert body["kind"] == "acceptance" and body["acknowledged"] is True and body["note"] == "当面签收"
        assert body["recipient"] == {"id": applicant.pk, "role": "applicant", "name": applicant.name}
        saved = NoticeDelivery.objects.get(case=case)
        assert saved.delivered_by == clerk and saved.recipient == applicant
        event = case.events.get(kind=CaseEvent.Kind.NOTICE_DELIVERED)
        assert event.public and event.data["notice"] == "acceptance"

    def test_the_deliveries_are_listed_for_anyone_who_may_see_the_case(self, case, clerk, finance):
        ok(post(api(clerk), deliveries_url(case), delivery(case)), 201)
        ok(post(api(clerk), deliveries_url(case), delivery(case, kind="rights", method="post")), 201)
        listed = ok(api(finance).get(deliveries_url(case)))
        assert [(d["kind"], d["method"]) for d in listed] == [("acceptance", "in_person"), ("rights", "post")]

    def test_a_party_of_another_case_is_refused_without_saying_whose_it_is(self, case, court, clerk):
        other = services.file_case(actor=clerk, application=application(court, 2)).case
        stranger = Party.objects.filter(case=other).first()
        assert stranger is not None
        body = refused(post(api(clerk), deliveries_url(case), delivery(case, recipient=stranger.pk)), 400)
        assert "recipient" in body["errors"]
        assert stranger.name not in json.dumps(body, ensure_ascii=False)
        assert not NoticeDelivery.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [("kind", "summons"), ("method", "pigeon"), ("recipient", "x"), ("acknowledged", "maybe")],
    )
    def test_invalid_input_is_refused_field_by_field(self, case, clerk, field, value):
        body = refused(post(api(clerk), deliveries_url(case), delivery(case, **{field: value})), 400)
        assert field in body["errors"]
        assert not NoticeDelivery.objects.exists()

    def test_an_outsider_gets_404_and_finance_403(self, case, outsider, finance):
        refused(post(api(outsider), deliveries_url(case), delivery(case)), 404)
        refused(api(outsider).get(deliveries_url(case)), 404)
        refused(post(api(finance), deliveries_url(case), delivery(case)), 403)
        assert not NoticeDelivery.objects.exists()
        assert not case.events.filter(kind=CaseEvent.Kind.NOTICE_DELIVERED).exists()

    def test_the_case_judge_may_record_a_delivery_as_the_service_allows(self, case, judge):
        ok(post(api(judge), deliveries_url(case), delivery(case)), 201)


# --- The schema ---------------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_interview_and_delivery_operations():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/cases/{id}/interview/"]) == {"get", "put"}
    assert set(paths["/api/v1/cases/{id}/interview/lock/"]) == {"post"}
    assert set(paths["/api/v1/cases/{id}/notices/deliveries/"]) == {"get", "post"}
    save = paths["/api/v1/cases/{id}/interview/"]["put"]
    assert {"200", "201", "400", "403", "404"} <= set(save["responses"])
    assert "requestBody" in save
    assert {"400", "403", "404"} <= set(paths["/api/v1/cases/{id}/notices/deliveries/"]["post"]["responses"])
    components = schema["components"]["schemas"]
    assert "risk_kinds" in components["FirstInterviewInputRequest"]["properties"]
    assert "RiskKindsEnum" in components
    # Warnings of other parts of the API are their tests' business; none may name these operations.
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    mine = ("Interview", "NoticeDeliver", "Method", "LeadKind", "NoticeKind")
    assert not [m for m in messages if any(name in m for name in mine)]
