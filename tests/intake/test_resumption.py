"""Resumption (issue 14, point 6): a 终本 case filed again as （YEAR）COURT执恢N号, gapless, linked both ways,
its parties and title carried over, its own account, and the pool's clocks stopped."""

import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from rest_framework.test import APIClient

from assignment import pool
from enforcement import querycode
from enforcement.models import Case, CaseEvent, Deadline
from intake.models import Resumption
from intake.resumption import ResumptionInput, resume_case
from payments.models import CaseAccount
from tests.factories import CourtFactory, UserFactory
from tests.pool import FILED, at, close_terminated, filed_case, teams

pytestmark = pytest.mark.django_db

REQUEST = ResumptionInput(reason="applicant_request", note="申请执行人提交恢复执行申请")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FILED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pooled(clock, court, clerk, team_lead, judge):
    teams(court, judge, team_lead)
    return close_terminated(filed_case(court, clerk, team_lead, judge), judge, clock)


def pool_clocks(case: Case) -> list[str]:
    return list(
        Deadline.objects.filter(case=case, node_type__code=pool.POOL_NODE)
        .order_by("due_at")
        .values_list("status", flat=True)
    )


class TestResuming:
    def test_the_resumed_case_is_numbered_in_its_own_sequence_and_linked_both_ways(
        self, clock, pooled, clerk
    ):
        clock.move_to(at(2026, 9, 1))
        filed = resume_case(actor=clerk, case=pooled, resumption=REQUEST)
        resumed = filed.case
        assert resumed.number == "（2026）蒙0302执恢1号" and resumed.case_type.code == "执恢"
        assert resumed.resumed_from == pooled and list(pooled.resumptions.all()) == [resumed]
        record = Resumption.objects.get(case=resumed)
        assert record.original == pooled and record.reason == "applicant_request" and record.filed_by == clerk

    def test_parties_and_title_are_carried_over(self, clock, pooled, clerk):
        resumed = resume_case(actor=clerk, case=pooled, resumption=REQUEST).case
        old = [(p.role, p.name, p.id_number, p.phone) for p in pooled.parties.order_by("role", "position")]
        new = [(p.role, p.name, p.id_number, p.phone) for p in resumed.parties.order_by("role", "position")]
        assert new == old
        for field in ("title_case_number", "title_court_name", "title_effective_date", "claim_amount"):
            assert getattr(resumed, field) == getattr(pooled, field)
        assert resumed.status == Case.Status.FILED and resumed.responsible_judge is None

    def test_a_new_query_code_opens_the_new_case_only(self, clock, pooled, clerk):
        filed = resume_case(actor=clerk, case=pooled, resumption=REQUEST)
        resumed = filed.case
        assert querycode.query_code_matches(
            case_number=resumed.number, stored_hash=resumed.query_code_hash, code=filed.query_code
        )
        assert resumed.query_code_hash != pooled.query_code_hash

    def test_the_pool_clocks_stop_when_the_case_resumes(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        pool.record_round(actor=judge, case=pooled, outcome="found", property_found="名下车辆一辆")
        resume_case(
            actor=judge, case=pooled, resumption=ResumptionInput(reason="property_found", pool_round=1)
        )
        assert pool_clocks(pooled) == ["met"] + ["cancelled"] * 9
        assert not Deadline.objects.filter(
            case=pooled, node_type__code=pool.POOL_NODE, status__in=Deadline.ACTIVE
        ).exists()

    def test_the_resumed_case_has_its_own_account_and_clocks(self, clock, pooled, clerk):
        resumed = resume_case(actor=clerk, case=pooled, resumption=REQUEST).case
        accounts = CaseAccount.objects.filter(case__in=[pooled, resumed])
        assert accounts.count() == 2 and len({a.number for a in accounts}) == 2
        codes = set(resumed.deadlines.values_list("node_type__code", flat=True))
        assert codes == {"assign_judge", "case_limit"}

    def test_both_timelines_tell_the_parties(self, clock, pooled, clerk):
        resumed = resume_case(actor=clerk, case=pooled, resumption=REQUEST).case
        told = pooled.events.get(kind=CaseEvent.Kind.CASE_RESUMED)
        assert told.public and resumed.number in told.text
        filed = resumed.events.get(kind=CaseEvent.Kind.CASE_FILED)
        assert filed.public and pooled.number in filed.text


class TestRefusals:
    def test_a_case_resumes_once(self, clock, pooled, clerk):
        resume_case(actor=clerk, case=pooled, resumption=REQUEST)
        with pytest.raises(ValidationError):
            resume_case(actor=clerk, case=pooled, resumption=REQUEST)
        assert Case.objects.filter(case_type__code="执恢").count() == 1

    def test_property_found_names_a_round_that_found_property(self, clock, pooled, clerk, judge):
        with pytest.raises(ValidationError) as refused:
            resume_case(
                actor=clerk, case=pooled, resumption=ResumptionInput(reason="property_found", pool_round=1)
            )
        assert "pool_round" in refused.value.message_dict

    def test_an_open_case_is_not_resumed(self, clock, court, clerk, team_lead, judge):
        teams(court, judge, team_lead)
        case = filed_case(court, clerk, team_lead, judge)
        with pytest.raises(ValidationError):
            resume_case(actor=clerk, case=case, resumption=REQUEST)

    @pytest.mark.parametrize("persona", ["finance", "supervisor", "outsider", "president"])
    def test_who_may_not_resume(self, request, clock, pooled, persona):
        with pytest.raises(PermissionDenied):
            resume_case(actor=request.getfixturevalue(persona), case=pooled, resumption=REQUEST)
        assert not Case.objects.filter(case_type__code="执恢").exists()


class TestPagesAndApi:
    def test_the_clerk_resumes_on_the_case_page_and_lands_on_the_filed_page_with_the_code(
        self, client, clock, pooled, clerk
    ):
        client.force_login(clerk)
        page = client.get(f"/cases/{pooled.pk}/")
        assert 'id="resume-form"' in page.content.decode()
        response = client.post(f"/intake/cases/{pooled.pk}/resume/", {"reason": "applicant_request"})
        resumed = Case.objects.get(resumed_from=pooled)
        assert response.status_code == 302 and response["Location"] == f"/intake/cases/{resumed.pk}/filed/"
        filed = client.get(response["Location"])
        assert filed.context["query_code"]

    def test_the_case_pages_link_both_ways(self, client, clock, pooled, clerk):
        resumed = resume_case(actor=clerk, case=pooled, resumption=REQUEST).case
        client.force_login(clerk)
        old_page = client.get(f"/cases/{pooled.pk}/").content.decode()
        new_page = client.get(f"/cases/{resumed.pk}/").content.decode()
        assert f'href="/cases/{resumed.pk}/"' in old_page and 'id="resume-form"' not in old_page
        assert f'href="/cases/{pooled.pk}/"' in new_page
        assert f"/cases/{pooled.pk}/#money-panel" in new_page  # the old money stays reachable

    def test_the_api_files_it_and_answers_the_code_once(self, clock, pooled, clerk):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(clerk)
        response = client.post(
            f"/api/v1/cases/{pooled.pk}/resume/", {"reason": "applicant_request"}, format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["number"] == "（2026）蒙0302执恢1号" and body["query_code"]
        assert body["resumed_from"] == {"id": pooled.pk, "number": pooled.number}
        old = client.get(f"/api/v1/cases/{pooled.pk}/").json()
        assert old["resumed_as"] == [{"id": body["id"], "number": body["number"]}]

    @pytest.mark.parametrize(("persona", "status"), [("finance", 403), ("outsider", 404), ("stranger", 404)])
    def test_the_api_refuses_others(self, request, clock, pooled, persona, status):
        client = APIClient()
        client.force_login(request.getfixturevalue(persona))
        response = client.post(
            f"/api/v1/cases/{pooled.pk}/resume/", {"reason": "applicant_request"}, format="json"
        )
        assert response.status_code == status
        assert not Case.objects.filter(case_type__code="执恢").exists()

    def test_a_bad_reason_is_a_400(self, clock, pooled, clerk):
        client = APIClient()
        client.force_login(clerk)
        response = client.post(f"/api/v1/cases/{pooled.pk}/resume/", {"reason": "whim"}, format="json")
        assert response.status_code == 400


# --- Concurrency ------------------------------------------------------------------------------------------


def _pooled_cases(count: int) -> tuple[list[Case], object]:
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(username="window", roles=["clerk"], courts=[court])
    judge = UserFactory(username="judge-c", roles=["judge"], courts=[court])
    lead = UserFactory(username="lead-c", roles=["team_lead"], courts=[court])
    teams(court, judge, lead)
    with time_machine.travel(FILED, tick=False) as traveller:
        cases = [filed_case(court, clerk, lead, judge) for _ in range(count)]
        for case in cases:
            close_terminated(case, judge, traveller)
    return cases, court


def _resume_at_once(cases: list[Case]) -> list[BaseException]:
    court = cases[0].court
    clerks = [UserFactory(username=f"clerk-{n}", roles=["clerk"], courts=[court]) for n in range(len(cases))]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(cases))

    def worker(case: Case, clerk: object) -> None:
        try:
            barrier.wait(timeout=30)
            resume_case(actor=clerk, case=case, resumption=REQUEST)  # type: ignore[arg-type]
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in zip(cases, clerks, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_clerks_resuming_at_once_get_unique_consecutive_numbers():
    assert connection.vendor == "postgresql"
    cases, _court = _pooled_cases(20)
    assert _resume_at_once(cases) == []
    resumed = Case.objects.filter(case_type__code="执恢")
    assert sorted(resumed.values_list("seq", flat=True)) == list(range(1, 21))
    assert len(set(resumed.values_list("number", flat=True))) == 20
    # The first-enforcement sequence is untouched: 执恢 numbers run in their own.
    assert sorted(Case.objects.filter(case_type__code="执").values_list("seq", flat=True)) == list(
        range(1, 21)
    )
    assert not Deadline.objects.filter(node_type__code=pool.POOL_NODE, status__in=Deadline.ACTIVE).exists()
