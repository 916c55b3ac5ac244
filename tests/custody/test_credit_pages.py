"""Pages and API of the credit sanctions, by persona, through real HTTP: the judge proposes a consumption
restriction and the president approves it, a judge never approves his own, the order is lifted and its
lifting notice is a PDF; listing and removal from the case page; the published list (public, current
listings only, masked) and its WeChat text; the parties' progress page; outsiders get a 404.
"""

import datetime
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from custody import services
from custody.models import ConsumptionRestriction, DishonestListing
from enforcement.models import Case, Party, TeamMembership
from portal.proof import PortalAccess
from tests.custody.test_credit import (
    ADULT_ID,
    DECISION,
    RULING,
    file_case,
    list_it,
    propose,
    respondent,
)
from tests.custody.test_services import START, make_teams
from tests.factories import UserFactory, api_token
from tests.intake.test_notices import _pdf_objects
from tests.portal.test_party_leads import sign_in_as_party

pytestmark = pytest.mark.django_db

D = datetime.date
PUBLIC_LIST = "/dishonest/"


@pytest.fixture(autouse=True)
def pages_in_english(client) -> None:
    """The pages and the API in English, as the assertions read."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def teams(court, judge, team_lead):
    return make_teams(court, judge, team_lead)


@pytest.fixture
def case(clock, court, clerk, team_lead, judge, teams):
    return file_case(court, clerk, team_lead, judge)


@pytest.fixture
def person_case(clock, court, clerk, team_lead, judge, teams):
    return file_case(court, clerk, team_lead, judge, respondent="person", id_number=ADULT_ID)


def case_page(client, case: Case) -> str:
    response = client.get(reverse("case-detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api(client, user, method: str, path: str, data: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token(user)}"}
    call = getattr(client, method)
    if method == "get":
        return call(path, **headers)
    return call(path, data or {}, content_type="application/json", **headers)


def proposal_form(case: Case) -> dict[str, str]:
    return {
        "party": str(respondent(case).pk),
        "ruling_number": RULING,
        "reason": "未按执行通知履行",
        "person_name_0": "王法代",
        "person_capacity_0": "legal_representative",
        "person_name_1": "赵实控",
        "person_id_1": "",
        "person_capacity_1": "actual_controller",
    }


# --- Consumption restriction through the pages --------------------------------------------------------------


class TestRestrictionPages:
    def test_the_judge_proposes_and_the_president_approves_on_the_case_page(
        self, client, case, judge, president
    ):
        client.force_login(judge)
        assert 'id="propose-restriction"' in case_page(client, case)
        response = client.post(reverse("custody:propose-restriction", args=[case.pk]), proposal_form(case))
        assert response.status_code == 302 and response.url.endswith("#custody-credit")
        restriction = ConsumptionRestriction.objects.get()
        assert [(p.name, p.capacity) for p in restriction.persons.order_by("pk")] == [
            ("王法代", "legal_representative"),
            ("赵实控", "actual_controller"),
        ]
        assert "decide-restriction" not in case_page(client, case)  # the judge sees no approval form

        client.force_login(president)
        html = case_page(client, case)
        assert reverse("custody:decide-restriction", args=[restriction.pk]) in html
        client.post(
            reverse("custody:decide-restriction", args=[restriction.pk]), {"decision": "approve", "note": ""}
        )
        assert ConsumptionRestriction.objects.get().status == "approved"

    def test_the_supervisors_page_lists_the_orders_waiting_for_the_president(
        self, client, case, judge, president
    ):
        restriction = propose(judge, case)
        client.force_login(president)
        html = client.get(reverse("supervisor-alerts")).content.decode()
        assert f'id="waiting-restriction-{restriction.pk}"' in html

    def test_a_judge_who_is_president_cannot_approve_his_own_on_the_page(self, client, case, court, teams):
        proposer = UserFactory(username="president-judge", roles=["president", "judge"], courts=[court])
        TeamMembership.objects.create(team=teams[0], user=proposer, role=TeamMembership.Role.JUDGE)
        restriction = propose(proposer, case)
        client.force_login(proposer)
        assert reverse("custody:decide-restriction", args=[restriction.pk]) not in case_page(client, case)
        response = client.post(
            reverse("custody:decide-restriction", args=[restriction.pk]), {"decision": "approve"}, follow=True
        )
        assert "not the proposer" in response.content.decode()
        assert ConsumptionRestriction.objects.get().status == "proposed"

    def test_an_outsider_gets_404_and_a_visitor_is_sent_to_sign_in(self, client, case, judge, outsider):
        restriction = propose(judge, case)
        client.force_login(outsider)
        assert (
            client.post(
                reverse("custody:propose-restriction", args=[case.pk]), proposal_form(case)
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("custody:decide-restriction", args=[restriction.pk]), {"decision": "approve"}
            ).status_code
            == 404
        )
        assert (
            client.get(reverse("custody:restriction-lift-notice", args=[restriction.pk])).status_code == 404
        )
        client.logout()
        response = client.post(
            reverse("custody:decide-restriction", args=[restriction.pk]), {"decision": "approve"}
        )
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert ConsumptionRestriction.objects.get().status == "proposed"

    def test_bad_input_changes_nothing_and_never_500s(self, client, case, judge):
        client.force_login(judge)
        bad = proposal_form(case) | {"party": "99999999999999999999", "ruling_number": "\x00"}
        response = client.post(reverse("custody:propose-restriction", args=[case.pk]), bad, follow=True)
        assert response.status_code in (200, 400)
        assert not ConsumptionRestriction.objects.exists()

    @pytest.mark.pdf
    def test_lifting_records_the_reason_and_the_notice_is_a_pdf(self, client, clock, case, judge, president):
        restriction = propose(judge, case)
        services.decide_restriction(actor=president, restriction=restriction, approve=True)
        client.force_login(judge)
        notice = reverse("custody:restriction-lift-notice", args=[restriction.pk])
        assert client.get(notice).status_code == 404  # not lifted yet
        client.post(
            reverse("custody:lift-restriction", args=[restriction.pk]),
            {
                "reason": "performed",
                "decision_number": "（2026）蒙0302执200号之五",
                "lifted_on": "2026-03-02",
                "note": "",
            },
        )
        lifted = ConsumptionRestriction.objects.get()
        assert (lifted.status, lifted.lift_reason) == ("lifted", "performed")
        assert notice in case_page(client, case)
        response = client.get(notice)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-?Sans-?CJK-?SC", _pdf_objects(response.content), re.I)
        api_response = api(client, judge, "get", f"/api/v1/restrictions/{restriction.pk}/lift-notice/")
        assert api_response.status_code == 200 and api_response.content.startswith(b"%PDF-")


# --- Consumption restriction through the API ----------------------------------------------------------------


class TestRestrictionApi:
    def test_propose_approve_and_lift(self, client, case, judge, president):
        body = {
            "party": respondent(case).pk,
            "ruling_number": RULING,
            "reason": "未履行",
            "persons": [{"name": "王法代", "capacity": "legal_representative"}],
        }
        created = api(client, judge, "post", f"/api/v1/cases/{case.pk}/restrictions/", body)
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert created.json()["persons"] == [
            {"name": "王法代", "id_number": "", "capacity": "legal_representative"}
        ]
        assert api(client, judge, "post", f"/api/v1/restrictions/{pk}/approve/").status_code == 403
        approved = api(client, president, "post", f"/api/v1/restrictions/{pk}/approve/", {"note": "同意"})
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        lifted = api(
            client,
            judge,
            "post",
            f"/api/v1/restrictions/{pk}/lift/",
            {"reason": "applicant_consent", "decision_number": "X号", "lifted_on": "2026-03-02"},
        )
        assert lifted.status_code == 200 and lifted.json()["lift_reason"] == "applicant_consent"
        listed = api(client, judge, "get", f"/api/v1/cases/{case.pk}/restrictions/")
        assert [r["status"] for r in listed.json()] == ["lifted"]

    def test_a_party_of_another_case_is_refused_and_an_outsider_gets_404(self, client, case, judge, outsider):
        applicant = Party.objects.get(case=case, role=Party.Role.APPLICANT)
        body = {"party": applicant.pk, "ruling_number": RULING, "reason": "x"}
        refused = api(client, judge, "post", f"/api/v1/cases/{case.pk}/restrictions/", body)
        assert refused.status_code == 400 and "party" in refused.content.decode()
        assert api(client, outsider, "get", f"/api/v1/cases/{case.pk}/restrictions/").status_code == 404
        restriction = propose(judge, case)
        assert (
            api(client, outsider, "post", f"/api/v1/restrictions/{restriction.pk}/approve/").status_code
            == 404
        )

    def test_a_refusal_needs_its_note(self, client, case, judge, president):
        restriction = propose(judge, case)
        assert (
            api(client, president, "post", f"/api/v1/restrictions/{restriction.pk}/refuse/").status_code
            == 400
        )
        refused = api(
            client, president, "post", f"/api/v1/restrictions/{restriction.pk}/refuse/", {"note": "不符合"}
        )
        assert refused.json()["status"] == "refused"


# --- The dishonest-debtor list through the pages and the API ------------------------------------------------


class TestListingPagesAndApi:
    def test_the_judge_lists_and_removes_from_the_case_page(self, client, case, judge):
        client.force_login(judge)
        client.post(
            reverse("custody:list-debtor", args=[case.pk]),
            {
                "party": respondent(case).pk,
                "grounds": ["report_breached", "restriction_breached"],
                "conduct": "违反限制消费令乘坐飞机",
                "decision_number": DECISION,
                "listed_on": "2026-03-02",
                "served_on": "2026-03-02",
                "service_method": "in_person",
            },
        )
        listing = DishonestListing.objects.get()
        assert listing.grounds == ["report_breached", "restriction_breached"]
        html = case_page(client, case)
        assert f'id="listing-{listing.pk}"' in html and "2028-03-02" in html
        client.post(
            reverse("custody:listing-removal-ground", args=[listing.pk]),
            {"ground": "performed", "arose_on": "2026-03-02", "note": "全部履行"},
        )
        assert f'id="removal-due-{listing.pk}"' in case_page(client, case)
        client.post(
            reverse("custody:remove-listing", args=[listing.pk]), {"ground": "", "removed_on": "2026-03-02"}
        )
        assert DishonestListing.objects.get().status == "removed"

    def test_credit_repair_through_the_api_then_not_again_on_the_page(self, client, case, judge, outsider):
        listing = list_it(judge, case)
        url = f"/api/v1/listings/{listing.pk}/credit-repair/"
        assert api(client, outsider, "post", url, {"reason": "x"}).status_code == 404
        repaired = api(client, judge, "post", url, {"reason": "主动履行，申请信用修复"})
        assert repaired.status_code == 201, repaired.content
        assert repaired.json()["kind"] == "credit_repair"
        listing.refresh_from_db()
        assert listing.status == "removed" and listing.removal_ground == "credit_repair"
        client.force_login(judge)
        client.post(reverse("custody:repair-credit", args=[listing.pk]), {"reason": "再次"})
        assert case.certificates.filter(kind="credit_repair").count() == 1  # removed already: nothing twice

    def test_listing_a_minor_through_the_api_is_refused_with_the_reason(
        self, client, clock, court, clerk, team_lead, judge, teams
    ):
        from tests.custody.test_credit import MINOR_ID

        minor = file_case(court, clerk, team_lead, judge, respondent="person", id_number=MINOR_ID)
        body = {
            "party": respondent(minor).pk,
            "grounds": ["report_breached"],
            "conduct": "x",
            "decision_number": DECISION,
            "listed_on": "2026-03-02",
        }
        refused = api(client, judge, "post", f"/api/v1/cases/{minor.pk}/listings/", body)
        assert refused.status_code == 400 and "minor" in refused.content.decode()
        recorded = api(
            client,
            judge,
            "post",
            f"/api/v1/cases/{minor.pk}/listing-refusals/",
            {"party": respondent(minor).pk, "reason": "minor", "refused_on": "2026-03-02"},
        )
        assert recorded.status_code == 201 and recorded.json()["reason"] == "minor"

    def test_the_api_extends_records_a_ground_and_removes(self, client, case, judge, outsider):
        listing = list_it(judge, case, grounds=["obstructs"], serious_violence=True)
        extended = api(
            client,
            judge,
            "post",
            f"/api/v1/listings/{listing.pk}/extend/",
            {"years": 1, "reason": "暴力抗法情节严重"},
        )
        assert extended.status_code == 200 and extended.json()["term_ends_on"] == "2029-03-02"
        assert api(client, outsider, "post", f"/api/v1/listings/{listing.pk}/remove/", {}).status_code == 404
        ground = api(
            client,
            judge,
            "post",
            f"/api/v1/listings/{listing.pk}/removal-ground/",
            {"ground": "term_ended", "arose_on": "2026-03-02", "note": "x"},
        )
        assert ground.status_code == 400  # the term's end is the job's, not a person's
        removed = api(
            client,
            judge,
            "post",
            f"/api/v1/listings/{listing.pk}/remove/",
            {"ground": "settlement_performed", "note": "和解已履行"},
        )
        assert removed.status_code == 200 and removed.json()["status"] == "removed"


# --- The published list -------------------------------------------------------------------------------------


class TestPublishedList:
    def test_the_public_list_shows_only_current_listings_masked_and_needs_no_sign_in(
        self, client, case, person_case, judge, court
    ):
        shown = list_it(judge, person_case)
        gone = list_it(judge, case, decision_number="（2026）蒙0302执200号之九")
        unserved_case = file_case(court, case.filed_by, case.team.memberships.get(role="lead").user, judge)
        list_it(judge, unserved_case, served_on=None, service_method="", decision_number="未送达号")
        services.remove_listing(actor=judge, listing=gone, ground="performed", note="已履行")

        html = client.get(PUBLIC_LIST).content.decode()
        assert f'id="entry-{shown.pk}"' in html
        assert f'id="entry-{gone.pk}"' not in html and "未送达号" not in html
        assert ADULT_ID not in html
        assert ADULT_ID[:6] + "********" + ADULT_ID[-4:] in html
        assert person_case.number in html and "李四" in html
        assert "2026-03-02" in html

    def test_a_removed_listing_disappears_at_once(self, client, person_case, judge):
        listing = list_it(judge, person_case)
        assert f'id="entry-{listing.pk}"' in client.get(PUBLIC_LIST).content.decode()
        services.remove_listing(actor=judge, listing=listing, ground="credit_repair", note="信用修复")
        assert f'id="entry-{listing.pk}"' not in client.get(PUBLIC_LIST).content.decode()

    def test_an_organisation_shows_its_credit_code_and_legal_representative(self, client, case, judge):
        Party.objects.filter(pk=respondent(case).pk).update(legal_representative="王法代")
        list_it(judge, case)
        html = client.get(PUBLIC_LIST).content.decode()
        assert respondent(case).id_number in html and "王法代" in html

    def test_the_list_is_paginated_in_a_constant_number_of_queries(
        self, client, court, clerk, team_lead, judge, teams, clock, django_assert_max_num_queries
    ):
        for _ in range(3):
            list_it(judge, file_case(court, clerk, team_lead, judge))
        with django_assert_max_num_queries(8):
            client.get(PUBLIC_LIST)
        assert client.get(PUBLIC_LIST, {"page": "9999"}).status_code == 200
        assert client.get(PUBLIC_LIST, {"court": "abc"}).status_code == 404

    def test_the_wechat_text_has_one_block_per_current_debtor(self, client, person_case, judge, court):
        list_it(judge, person_case)
        response = client.get("/dishonest/wechat.txt", {"court": court.pk})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "1. 李四" in text and ADULT_ID not in text and person_case.number in text
        assert client.get("/dishonest/wechat.txt").status_code == 404


# --- The parties' progress page -----------------------------------------------------------------------------


class TestProgressPage:
    def test_the_applicant_sees_the_order_and_the_listing_with_the_debtor_masked(
        self, client, person_case, judge, president
    ):
        proposed_only = propose(judge, person_case, persons=[])
        applicant = Party.objects.get(case=person_case, role=Party.Role.APPLICANT)
        sign_in_as_party(client, PortalAccess(person_case, applicant))
        assert 'id="credit"' not in client.get(reverse("portal:progress")).content.decode()
        services.decide_restriction(actor=president, restriction=proposed_only, approve=True)
        list_it(judge, person_case)
        html = client.get(reverse("portal:progress")).content.decode()
        assert 'id="credit"' in html and RULING in html and DECISION in html
        assert "李某" in html and "李四" not in html and ADULT_ID not in html

    def test_the_debtor_sees_his_own_name(self, client, person_case, judge, president):
        restriction = propose(judge, person_case, persons=[])
        services.decide_restriction(actor=president, restriction=restriction, approve=True)
        sign_in_as_party(client, PortalAccess(person_case, respondent(person_case)))
        assert "李四" in client.get(reverse("portal:progress")).content.decode()
