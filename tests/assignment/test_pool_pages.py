"""The 终本 pool's pages and API by persona, the leads sent after a 终本 closure, and what the applicant
reads on his progress page."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from assignment.models import PoolRound
from enforcement.models import Case, Deadline, InboxItem, Party, TeamMembership
from enforcement.services.cases import close_case
from portal import leads, progress, proof
from portal.proof import PortalAccess
from tests.closing import RULING
from tests.factories import UserFactory
from tests.pool import at, pool_team

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def applicant_access(case: Case) -> PortalAccess:
    return PortalAccess(case=case, party=case.parties.get(role=Party.Role.APPLICANT))


class TestPoolPage:
    def test_the_supervisor_sees_the_rounds_due_this_month(self, clock, pooled, supervisor):
        clock.move_to(at(2026, 12, 1))
        page = signed_in(supervisor).get("/assignment/pool/")
        assert page.status_code == 200
        assert pooled.number in page.content.decode()
        assert page.context["overview"].due_this_month[0].round.number == 1

    def test_a_member_of_the_pool_team_sees_the_court_pool_and_its_case_page(
        self, clock, pooled, court, pool_lead
    ):
        keeper = UserFactory(username="keeper", roles=["judge"], courts=[court])
        pool_team(court, (pool_lead, TeamMembership.Role.LEAD), (keeper, "judge"))
        clock.move_to(at(2027, 1, 5))
        page = signed_in(keeper).get("/assignment/pool/")
        assert [r.round.case_id for r in page.context["overview"].overdue] == [pooled.pk]
        case_page = signed_in(keeper).get(f"/cases/{pooled.pk}/")
        assert case_page.status_code == 200 and 'id="pool-round-form"' in case_page.content.decode()

    def test_a_judge_of_the_court_outside_the_pool_sees_none_of_it(self, clock, pooled, court):
        other = UserFactory(username="otherjudge", roles=["judge"], courts=[court])
        clock.move_to(at(2026, 12, 1))
        assert signed_in(other).get("/assignment/pool/").context["overview"].cases == 0
        assert signed_in(other).get(f"/cases/{pooled.pk}/").status_code == 404

    def test_staff_of_another_court_see_nothing_and_an_account_without_role_is_refused(
        self, clock, pooled, outsider, stranger
    ):
        assert signed_in(outsider).get("/assignment/pool/").context["overview"].cases == 0
        assert signed_in(stranger).get("/assignment/pool/").status_code == 403
        assert api(stranger).get("/api/v1/pool/").status_code == 403

    def test_the_judge_records_a_round_on_the_case_page(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        response = signed_in(judge).post(
            f"/assignment/cases/{pooled.pk}/pool/rounds/", {"outcome": "nothing", "note": "无"}
        )
        assert response.status_code == 302
        assert PoolRound.objects.get(case=pooled, number=1).outcome == "nothing"

    def test_a_clerk_posting_a_round_changes_nothing(self, clock, pooled, clerk):
        clock.move_to(at(2026, 11, 20))
        signed_in(clerk).post(f"/assignment/cases/{pooled.pk}/pool/rounds/", {"outcome": "nothing"})
        assert not PoolRound.objects.filter(case=pooled).exclude(outcome="").exists()


class TestPoolApi:
    def test_the_rounds_of_a_case_and_recording_one(self, clock, pooled, judge, clerk):
        rounds = api(clerk).get(f"/api/v1/cases/{pooled.pk}/pool/").json()
        assert [r["round"] for r in rounds] == list(range(1, 11))
        assert rounds[0]["due_date"] == "2026-12-03" and rounds[0]["status"] == "due"
        clock.move_to(at(2026, 11, 20))
        body = {"outcome": "found", "property_found": "房产一套"}
        assert (
            api(clerk).post(f"/api/v1/cases/{pooled.pk}/pool/rounds/", body, format="json").status_code == 403
        )
        created = api(judge).post(f"/api/v1/cases/{pooled.pk}/pool/rounds/", body, format="json")
        assert created.status_code == 201, created.content
        assert created.json()["outcome"] == "found" and created.json()["status"] == "recorded"

    def test_a_round_found_without_saying_what_is_a_400(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        response = api(judge).post(
            f"/api/v1/cases/{pooled.pk}/pool/rounds/", {"outcome": "found"}, format="json"
        )
        assert response.status_code == 400 and "property_found" in response.json()["errors"]

    def test_outsiders_get_404(self, clock, pooled, outsider):
        assert api(outsider).get(f"/api/v1/cases/{pooled.pk}/pool/").status_code == 404

    def test_the_overview(self, clock, pooled, supervisor):
        clock.move_to(at(2026, 12, 1))
        body = api(supervisor).get("/api/v1/pool/").json()
        assert body["cases"] == 1 and [r["case_number"] for r in body["due_this_month"]] == [pooled.number]


class TestLeadsAfterClosure:
    def test_a_lead_on_a_terminated_case_goes_to_the_keeper_with_its_clock(
        self, clock, pooled, court, pool_lead, supervisor
    ):
        pool_team(court, (pool_lead, TeamMembership.Role.LEAD))
        clock.move_to(at(2026, 7, 1))
        lead = leads.submit_party_lead(
            applicant_access(pooled), kind="vehicle", detail="被执行人新购车辆", urgent=False
        )
        clock_row = Deadline.objects.get(case=pooled, node_type__code="verify_lead")
        assert clock_row.is_active and clock_row.subject_id == lead.pk
        assert InboxItem.objects.filter(user=pool_lead).count() == 1
        view = signed_in(supervisor).get("/assignment/pool/").context["overview"]
        assert [(row.case.pk, row.leads, row.waiting) for row in view.with_leads] == [(pooled.pk, 1, 1)]

    def test_the_keeper_verifies_it_and_its_clock_is_met(self, clock, pooled, judge):
        clock.move_to(at(2026, 7, 1))
        leads.submit_party_lead(applicant_access(pooled), kind="vehicle", detail="车辆", urgent=True)
        response = api(judge).post(
            f"/api/v1/cases/{pooled.pk}/pool/leads/verified/", {"detail": "车辆已查封"}, format="json"
        )
        assert response.status_code == 201, response.content
        assert Deadline.objects.get(case=pooled, node_type__code="verify_lead_urgent").status == "met"

    def test_a_case_closed_another_way_still_refuses_leads(self, clock, open_case, judge):
        close_case(actor=judge, case=open_case, closure="dismissed", ruling_number=RULING)
        with pytest.raises(ValidationError) as refused:
            leads.submit_party_lead(applicant_access(open_case), kind="vehicle", detail="车辆", urgent=False)
        assert getattr(refused.value, "code", "") == "closed"


class TestTheApplicantIsTold:
    def test_the_progress_page_shows_the_next_search_and_each_result(self, clock, pooled, judge):
        shown = progress.progress_of(pooled.pk, applicant_access(pooled).party_id)
        assert shown.pool_search.due_date == datetime.date(2026, 12, 3) and shown.pool_search.round == 1
        clock.move_to(at(2026, 11, 20))
        signed_in(judge).post(f"/assignment/cases/{pooled.pk}/pool/rounds/", {"outcome": "nothing"})
        shown = progress.progress_of(pooled.pk, applicant_access(pooled).party_id)
        assert (shown.pool_search.due_date, shown.pool_search.round) == (datetime.date(2027, 6, 3), 2)
        texts = [e.text for e in shown.events]
        assert "Re-search 1 of 10 after the closure: nothing executable was found." in texts

    def test_the_progress_page_renders_the_next_search_and_the_lead_form(self, client, clock, pooled):
        access = applicant_access(pooled)
        session = client.session
        session[proof.SESSION_KEY] = {
            "case": pooled.pk,
            "party": access.party.pk,
            "code": access.code_version,
            "until": (timezone.now() + proof.SESSION_AGE).isoformat(),
        }
        session.save()
        page = client.get("/progress/case/", HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert page.status_code == 200
        assert 'id="pool-search"' in html and "2026-12-03" in html and "Re-search 1 of 10" in html
        assert 'id="lead-form"' in html  # the pool case still takes leads
        # The closure in plain words, in the party's language whatever the staff's.
        assert "The case is not forgotten: for five years the court searches" in html
        chinese = client.get("/progress/case/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert 'id="closure-explained"' in chinese and "每六个月" in chinese


def test_the_progress_api_answers_the_next_search_as_its_schema_describes(clock, pooled):
    from portal.api.progress import progress_json
    from portal.serializers import ProgressOutput

    shown = progress.progress_of(pooled.pk, applicant_access(pooled).party_id)
    answer = progress_json(shown)
    assert answer["pool_search"] == {"due_date": "2026-12-03", "round": 1, "rounds": 10}
    assert answer == json.loads(json.dumps(ProgressOutput(shown).data))
