"""终本 and 终结执行: their conditions, the judge's proposal and the second person's review (issue 14, points
1 and 2).

Through the real services, pages and API: 终本 is refused before the earliest day the engine allows (which
moves with a deducted period), while any one condition is missing (one test per condition), and without the
applicant's interview; it is approved by a second person, never the proposer, and the review stays on
record. The closure ruling's service is recorded. Time is frozen with time-machine.
"""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from enforcement.models import Case, CaseEvent, ClosureProposal, ClosureRequirement, ClosureService, Deduction
from enforcement.services import closure_review
from enforcement.services.cases import close_case
from enforcement.services.deadlines import add_deduction
from tests.closing import (
    RULING,
    interview_applicant,
    meet_terminate_round_conditions,
)
from tests.custody.test_services import START, at, file_assigned, make_teams

pytestmark = pytest.mark.django_db

TERMINATE_ROUND = Case.Closure.TERMINATED_THIS_ROUND
TERMINATED = Case.Closure.TERMINATED
Kind = ClosureRequirement.Kind
AFTER_THE_WAIT = at(2026, 6, 3)  # filed on Monday 2 March 2026: 终本 allowed from 3 June


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def case(court, clerk, team_lead, judge):
    make_teams(court, judge, team_lead)
    return file_assigned(court, clerk, team_lead, judge)


def propose(case: Case, judge, **kwargs) -> ClosureProposal:
    values = {"closure_mode": TERMINATE_ROUND, "ruling_number": RULING} | kwargs
    return closure_review.propose_closure(actor=judge, case=case, **values)


def refused_conditions(case: Case, judge) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        propose(case, judge)
    return refused.value.message_dict["closure"]


def still_open(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == Case.Status.FILED
    assert not ClosureProposal.objects.filter(case=case).exists()


# --- The earliest day ---------------------------------------------------------------------------------------


class TestTheEarliestDay:
    @pytest.fixture(autouse=True)
    def conditions_met(self, case, judge) -> None:
        meet_terminate_round_conditions(case, judge)

    def test_refused_before_the_earliest_day_naming_it(self, clock, case, judge):
        clock.move_to(at(2026, 6, 2, 17))
        (only,) = refused_conditions(case, judge)
        assert (
            only.startswith("Condition 4, Time passed since filing:") and "possible from 2026-06-03" in only
        )
        still_open(case)

    def test_the_earliest_day_moves_with_a_deducted_period(self, clock, case, judge, supervisor):
        limit = case.deadlines.get(node_type__code="case_limit")
        clock.move_to(at(2026, 4, 20))
        add_deduction(
            actor=supervisor,
            deadline=limit,
            kind=Deduction.Kind.APPRAISAL,
            start_date=datetime.date(2026, 4, 1),
            end_date=datetime.date(2026, 4, 10),
            reason="委托评估",
        )
        clock.move_to(AFTER_THE_WAIT)
        (only,) = refused_conditions(case, judge)
        assert "possible from 2026-06-13" in only  # ten days of appraisal are not counted
        clock.move_to(at(2026, 6, 13))
        proposal = propose(case, judge)
        assert proposal.status == ClosureProposal.Status.PROPOSED

    def test_the_closing_page_shows_the_earliest_day_and_how_it_was_counted(self, client, case, judge):
        client.force_login(judge)
        html = client.get(reverse("case-close", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="closure-earliest"' in html and "2026-06-03" in html
        assert "How it was counted" in html


# --- Each condition ----------------------------------------------------------------------------------------

# Every condition but the wait (TestTheEarliestDay), each met by the records of its app or by evidence.
CORE_CONDITIONS = sorted({kind for kind, _label in Kind.choices} - {Kind.TIME_SINCE_FILING})


class TestEachCondition:
    @pytest.mark.parametrize("missing", CORE_CONDITIONS)
    def test_refused_while_one_condition_is_missing_naming_it(self, clock, case, judge, missing):
        meet_terminate_round_conditions(case, judge, skip=frozenset({missing}))
        clock.move_to(AFTER_THE_WAIT)
        (only,) = refused_conditions(case, judge)
        assert ClosureRequirement(kind=missing).get_kind_display() in only
        still_open(case)

    def test_every_condition_met_is_proposed(self, clock, case, judge):
        meet_terminate_round_conditions(case, judge)
        clock.move_to(AFTER_THE_WAIT)
        assert propose(case, judge).status == ClosureProposal.Status.PROPOSED

    def test_refused_without_the_applicants_interview_then_allowed_with_it(self, clock, case, judge):
        meet_terminate_round_conditions(case, judge, skip=frozenset({Kind.APPLICANT_INTERVIEWED}))
        clock.move_to(AFTER_THE_WAIT)
        assert refused_conditions(case, judge) == [
            "Applicant interviewed about the closure: "
            "Interview the applicant about the closure and record it."
        ]
        interview_applicant(case, judge)
        assert propose(case, judge).status == ClosureProposal.Status.PROPOSED

    def test_a_lead_still_waiting_to_be_verified_refuses_it(self, clock, case, judge):
        from enforcement.services.deadlines import open_deadline
        from portal.leads import VERIFY_NODE

        meet_terminate_round_conditions(case, judge)
        open_deadline(case=case, code=VERIFY_NODE, anchor_at=START, actor=None)
        clock.move_to(AFTER_THE_WAIT)
        (only,) = refused_conditions(case, judge)
        assert "1 lead is still waiting to be verified." in only

    def test_evidence_withdrawn_no_longer_meets_its_condition(self, clock, case, judge):
        meet_terminate_round_conditions(case, judge)
        evidence = case.closure_evidence.get(kind=Kind.DEBTOR_SEARCHED)
        closure_review.withdraw_evidence(actor=judge, evidence=evidence)
        clock.move_to(AFTER_THE_WAIT)
        (only,) = refused_conditions(case, judge)
        assert "A missing debtor searched for" in only

    def test_evidence_does_not_meet_a_condition_the_system_checks(self, case, judge):
        with pytest.raises(ValidationError) as refused:
            closure_review.record_evidence(
                actor=judge, case=case, kind=Kind.NOTICE_AND_ORDER_SERVED, note="已送达"
            )
        assert "kind" in refused.value.message_dict

    def test_a_court_may_switch_a_condition_off(self, clock, court, case, judge):
        meet_terminate_round_conditions(case, judge, skip=frozenset({Kind.DEBTOR_SEARCHED}))
        ClosureRequirement.objects.create(
            closure=TERMINATE_ROUND, kind=Kind.DEBTOR_SEARCHED, court=court, is_active=False
        )
        clock.move_to(AFTER_THE_WAIT)
        assert propose(case, judge).status == ClosureProposal.Status.PROPOSED


# --- The review ---------------------------------------------------------------------------------------------


@pytest.fixture
def proposal(clock, case, judge) -> ClosureProposal:
    meet_terminate_round_conditions(case, judge)
    clock.move_to(AFTER_THE_WAIT)
    return propose(case, judge, note="穷尽财产调查措施，未发现可供执行财产")


class TestTheReview:
    def test_closing_directly_is_refused_it_is_proposed(self, clock, case, judge):
        meet_terminate_round_conditions(case, judge)
        clock.move_to(AFTER_THE_WAIT)
        with pytest.raises(ValidationError) as refused:
            close_case(actor=judge, case=case, closure=TERMINATE_ROUND, ruling_number=RULING)
        assert refused.value.message_dict["closure"] == [
            "This way of closing is proposed by the judge and approved by a second person."
        ]

    def test_the_proposer_may_not_approve_his_own(self, proposal, judge):
        with pytest.raises(PermissionDenied):
            closure_review.approve_closure(actor=judge, proposal=proposal, confirm_steps=True)
        proposal.refresh_from_db()
        assert proposal.status == ClosureProposal.Status.PROPOSED
        assert proposal.case.status == Case.Status.FILED

    def test_a_team_lead_may_not_approve(self, proposal, team_lead):
        with pytest.raises(PermissionDenied):
            closure_review.approve_closure(actor=team_lead, proposal=proposal, confirm_steps=True)

    @pytest.mark.parametrize("reviewer", ["supervisor", "president"])
    def test_a_second_person_approves_and_the_review_is_on_record(self, request, proposal, judge, reviewer):
        approver = request.getfixturevalue(reviewer)
        closed = closure_review.approve_closure(
            actor=approver, proposal=proposal, note="经审查符合终本条件", confirm_steps=True
        )
        assert closed.status == Case.Status.CLOSED and closed.closure == TERMINATE_ROUND
        assert closed.closure_ruling_number == RULING
        proposal.refresh_from_db()
        assert proposal.status == ClosureProposal.Status.APPROVED
        assert proposal.decided_by == approver and proposal.decision_note == "经审查符合终本条件"
        assert proposal.history.count() == 2
        closing = closed.events.get(kind=CaseEvent.Kind.CASE_CLOSED)
        assert closing.data["reviewed_by"] == approver.pk and closing.data["proposal"] == proposal.pk
        reviewed = closed.events.get(kind=CaseEvent.Kind.CLOSURE_REVIEWED)
        assert reviewed.text == "Closing as Terminated for this round (no executable property): Approved"

    def test_the_approval_checks_everything_again(self, proposal, judge, supervisor):
        interview = proposal.case.closure_interviews.get()
        interview.delete()
        with pytest.raises(ValidationError) as refused:
            closure_review.approve_closure(actor=supervisor, proposal=proposal, confirm_steps=True)
        assert any("Applicant interviewed" in m for m in refused.value.message_dict["closure"])
        proposal.refresh_from_db()
        assert proposal.status == ClosureProposal.Status.PROPOSED  # the decision rolled back with the closure

    def test_a_rejection_says_why_and_the_case_stays_open(self, proposal, judge, supervisor):
        with pytest.raises(ValidationError):
            closure_review.reject_closure(actor=supervisor, proposal=proposal, note="  ")
        closure_review.reject_closure(actor=supervisor, proposal=proposal, note="财产调查未穷尽：未查询车辆")
        proposal.refresh_from_db()
        assert proposal.status == ClosureProposal.Status.REJECTED
        assert proposal.case.status == Case.Status.FILED
        again = propose(proposal.case, judge)
        assert again.status == ClosureProposal.Status.PROPOSED

    def test_one_proposal_at_a_time_and_a_decided_one_is_not_decided_again(self, proposal, judge, supervisor):
        with pytest.raises(ValidationError):
            propose(proposal.case, judge)
        closure_review.withdraw_closure(actor=judge, proposal=proposal)
        with pytest.raises(ValidationError):
            closure_review.approve_closure(actor=supervisor, proposal=proposal, confirm_steps=True)

    def test_terminating_enforcement_names_its_ground_and_ruling(self, case, judge, supervisor):
        with pytest.raises(ValidationError) as refused:
            propose(case, judge, closure_mode=TERMINATED, ruling_number="")
        assert set(refused.value.message_dict) == {"ground", "ruling_number"}
        proposal = propose(
            case, judge, closure_mode=TERMINATED, ground=Case.TerminationGround.APPLICANT_WITHDREW
        )
        closed = closure_review.approve_closure(actor=supervisor, proposal=proposal)
        assert closed.closure == TERMINATED and closed.closure_ground == "applicant_withdrew"

    def test_only_the_judges_of_the_case_propose(self, proposal, supervisor, clerk):
        closure_review.withdraw_closure(actor=proposal.proposed_by, proposal=proposal)
        for actor in (supervisor, clerk):
            with pytest.raises(PermissionDenied):
                propose(proposal.case, actor)


# --- After the closure: the ruling served ---------------------------------------------------------------


class TestService:
    def test_not_before_the_case_is_closed(self, case, judge):
        with pytest.raises(ValidationError):
            closure_review.record_service(
                actor=judge, case=case, served_to="张三", served_on=START.date(), method="in_person"
            )

    def test_recorded_on_the_timeline_for_the_parties(self, proposal, judge, supervisor, clerk):
        closed = closure_review.approve_closure(actor=supervisor, proposal=proposal, confirm_steps=True)
        service = closure_review.record_service(
            actor=clerk,
            case=closed,
            served_to="申请人张三",
            served_on=AFTER_THE_WAIT.date(),
            method="in_person",
        )
        assert service.document_number == RULING
        event = closed.events.get(kind=CaseEvent.Kind.CLOSURE_SERVED)
        assert event.public
        assert "was served on 2026-06-03, In person" in event.text
        assert ClosureService.objects.filter(case=closed).count() == 1


# --- Pages and API ------------------------------------------------------------------------------------------


class TestPages:
    def test_the_judge_proposes_on_the_page_and_the_supervisor_approves_there(
        self, client, proposal, judge, supervisor
    ):
        case = proposal.case
        closure_review.withdraw_closure(actor=judge, proposal=proposal)
        client.force_login(judge)
        url = reverse("case-close", args=[case.pk])
        response = client.post(url, {"closure": TERMINATE_ROUND, "ruling_number": RULING, "ground": ""})
        assert response.status_code == 302
        waiting = ClosureProposal.objects.get(case=case, status=ClosureProposal.Status.PROPOSED)
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "A closure is waiting for approval" in html and 'id="closure-review-form"' not in html

        client.force_login(supervisor)
        queue = client.get(reverse("closure-reviews"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert case.number in queue
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="closure-review-form"' in html
        response = client.post(
            reverse("closure-review", args=[waiting.pk]),
            {"decision": "approve", "note": "", "confirm_steps": "on"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED
        closed_page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="closure-review-record"' in closed_page and 'id="closure-not-served"' in closed_page

    def test_the_reviewer_is_reminded_at_home_and_the_judge_is_not(self, client, proposal, judge, supervisor):
        client.force_login(supervisor)
        home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="home-closure-reviews"' in home and "1 closure is waiting for your review." in home
        client.force_login(judge)
        assert 'id="home-closure-reviews"' not in client.get(reverse("home")).content.decode()

    def test_the_checklist_shows_each_condition_met_or_not(self, client, case, judge):
        client.force_login(judge)
        html = client.get(reverse("case-close", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-kind="notice_and_order_served"' in html
        assert "Not recorded as served yet: the enforcement notice" in html
        assert html.count('class="checklist-line unmet"') >= 5

    def test_evidence_and_the_interview_are_recorded_on_the_pages(self, client, case, judge):
        client.force_login(judge)
        response = client.post(
            reverse("case-closure-evidence", args=[case.pk]),
            {"kind": Kind.DEBTOR_SEARCHED, "note": "走访户籍地及经常居住地，被执行人下落已查明"},
        )
        assert response.status_code == 302 and case.closure_evidence.count() == 1
        response = client.post(
            reverse("case-closure-interview", args=[case.pk]),
            {
                "applicant_name": "李四",
                "interviewed_on": START.date().isoformat(),
                "measures_told": "网络查控",
                "property_told": "未发现财产",
                "consequences_told": "终本后定期查控",
                "applicant_view": "同意",
            },
        )
        assert response.status_code == 302
        interview = case.closure_interviews.get()
        record = client.get(
            reverse("closure-interview-record", args=[interview.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Applicant (signature)" in record.content.decode()

    def test_clerks_do_not_see_the_closing_page_of_an_open_case_outsiders_get_404(
        self, client, case, clerk, outsider
    ):
        url = reverse("case-close", args=[case.pk])
        client.force_login(clerk)
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("closure-reviews")).status_code == 200
        )  # an empty queue, nothing of the case


@pytest.mark.pdf
def test_the_interview_record_is_a_pdf_ready_for_signature(client, case, judge):
    interview_applicant(case, judge)
    client.force_login(judge)
    interview = case.closure_interviews.get()
    response = client.get(reverse("closure-interview-pdf", args=[interview.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


class TestApi:
    def test_the_checklist_the_proposal_and_the_review(self, client, clock, case, judge, supervisor):
        client.force_login(judge)
        checklist = client.get(
            f"/api/v1/cases/{case.pk}/closure-checklist/", HTTP_ACCEPT_LANGUAGE="en"
        ).json()
        assert checklist["possible"] is False and checklist["earliest"] == "2026-06-03"
        assert {line["kind"] for line in checklist["lines"]} >= {
            "notice_and_order_served",
            "applicant_interviewed",
        }

        body = client.post(
            f"/api/v1/cases/{case.pk}/closure-proposals/",
            {"closure": TERMINATE_ROUND, "ruling_number": RULING},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert body.status_code == 400 and len(body.json()["errors"]["closure"]) >= 5

        meet_terminate_round_conditions(case, judge)
        clock.move_to(AFTER_THE_WAIT)
        created = client.post(
            f"/api/v1/cases/{case.pk}/closure-proposals/",
            {"closure": TERMINATE_ROUND, "ruling_number": RULING},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        approve = f"/api/v1/closure-proposals/{pk}/approve/"
        assert (
            client.post(approve, {"confirm_steps": True}, content_type="application/json").status_code == 403
        )
        client.force_login(supervisor)
        assert [p["id"] for p in client.get("/api/v1/closure-reviews/").json()] == [pk]
        done = client.post(approve, {"confirm_steps": True, "note": "合格"}, content_type="application/json")
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "closed" and done.json()["closure_ruling_number"] == RULING

    def test_an_outsider_gets_404(self, client, case, outsider):
        client.force_login(outsider)
        assert client.get(f"/api/v1/cases/{case.pk}/closure-checklist/").status_code == 404
        response = client.post(
            f"/api/v1/cases/{case.pk}/closure-proposals/",
            {"closure": TERMINATE_ROUND, "ruling_number": RULING},
            content_type="application/json",
        )
        assert response.status_code == 404


def test_the_pool_team_is_one_of_the_courts_own(court, other_court):
    from enforcement.models import Team, TeamKind

    theirs = Team.objects.create(
        court=other_court, kind=TeamKind.objects.get(code="ordinary"), name="终本团队"
    )
    court.pool_team = theirs
    with pytest.raises(ValidationError) as refused:
        court.full_clean()
    assert "pool_team" in refused.value.message_dict
    ours = Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="终本团队")
    court.pool_team = ours
    court.full_clean()


def test_the_reviews_are_read_in_the_admin_and_never_changed_there(client, proposal):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", roles=[], courts=[])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    for model in ("closureproposal", "closureinterview", "closureevidence", "closureservice", "court"):
        assert client.get(f"/admin/enforcement/{model}/").status_code == 200, model
    assert client.get(f"/admin/enforcement/closureproposal/{proposal.pk}/change/").status_code == 200
    assert client.get("/admin/enforcement/closureproposal/add/").status_code == 403
