"""The assignment API: triage, assignment, queues, plans, steps and notes, by persona.

A judge sees his teams' cases, a supervisor his court's; anyone else gets 404 for a case, 403 for an act
his role may not do on a case he sees, and the anonymous get 401.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignment import services as assignment
from assignment.models import Assignment, CaseNote, CasePlan, TriageDecision
from enforcement.models import Case, CaseEvent, Deadline, Team, TeamKind, TeamMembership
from enforcement.urgency import refresh_case_urgency
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

QUEUE = "/api/v1/queue/"
BULK = "/api/v1/assignments/bulk/"


def case_url(case, action: str) -> str:
    return f"/api/v1/cases/{case.pk}/{action}/"


def post(client, url, payload=None):
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def as_user(client, user):
    client.force_login(user)
    return client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


class World:
    """One court with a quick team (the judge, a second judge, a lead) and an ordinary team."""

    def __init__(self, court, other_court, clerk, judge, supervisor, outsider):
        self.court, self.other_court = court, other_court
        self.clerk, self.judge, self.supervisor, self.outsider = clerk, judge, supervisor, outsider
        self.quick = Team.objects.create(
            court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队"
        )
        self.ordinary = Team.objects.create(
            court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队"
        )
        self.colleague = UserFactory(username="colleague", roles=["judge"], courts=[court])
        self.other_judge = UserFactory(username="other_judge", roles=["judge"], courts=[court])
        self.lead = UserFactory(username="lead", roles=["team_lead"], courts=[court])
        for team, user, role in [
            (self.quick, judge, "judge"),
            (self.quick, self.colleague, "judge"),
            (self.quick, self.lead, "lead"),
            (self.ordinary, self.other_judge, "judge"),
        ]:
            TeamMembership.objects.create(team=team, user=user, role=role, capacity=10)
        self.n = 0

    def file(self, court=None, **overrides) -> Case:
        self.n += 1
        court = court or self.court
        clerk = self.clerk if court == self.court else self.outsider
        return intake.file_case(actor=clerk, application=application(court, self.n, **overrides)).case

    def assigned(self, judge=None, **overrides) -> Case:
        case = self.file(**overrides)
        judge = judge or self.judge
        if judge == self.other_judge:
            case.stream = Case.Stream.COMPLEX
            case.save(update_fields=["stream"])
        assignment.assign_case(actor=self.supervisor, case=case, judge=judge)
        case.refresh_from_db()
        return case


@pytest.fixture
def world(court, other_court, clerk, judge, supervisor, outsider):
    return World(court, other_court, clerk, judge, supervisor, outsider)


# --- Queue -------------------------------------------------------------------------------------------------


class TestQueue:
    def test_a_judge_sees_his_cases_with_their_next_deadline_and_counts(self, client, world):
        mine = world.assigned()
        world.assigned(judge=world.other_judge)
        body = as_user(client, world.judge).get(QUEUE).json()
        assert body["count"] == 1
        assert body["counts"] == {"total": 1, "overdue": 0, "nearing": 0}
        row = body["results"][0]
        assert row["id"] == mine.pk and row["number"] == mine.number
        assert row["stream"] == "simple" and row["status"] == "filed"
        assert row["team"] == "速执团队"
        assert row["judge"] == world.judge.get_full_name()
        assert row["parties"] == {"applicant": ["申请人1"], "respondent": ["被执行公司1"], "third_party": []}
        assert row["next_deadline"]["node"] in {"enforcement_notice", "ask_leads"}
        assert set(row["next_deadline"]) == {"node", "name", "due_date", "status"}
        assert row["url"] == f"/api/v1/cases/{mine.pk}/"

    def test_the_team_view_shows_the_cases_of_the_teams_he_leads(self, client, world):
        a = world.assigned()
        b = world.assigned(judge=world.colleague)
        world.assigned(judge=world.other_judge)
        body = as_user(client, world.lead).get(QUEUE, {"view": "team"}).json()
        assert {row["id"] for row in body["results"]} == {a.pk, b.pk}
        assert body["counts"]["total"] == 2
        # A judge leads no team: his team view is empty.
        assert as_user(client, world.judge).get(QUEUE, {"view": "team"}).json()["count"] == 0

    def test_filters_narrow_the_results_and_counts_describe_the_whole_queue(self, client, world):
        a = world.assigned()
        b = world.assigned()
        Deadline.objects.filter(case=b, node_type__code="ask_leads").update(status=Deadline.Status.OVERDUE)
        Deadline.objects.filter(case=a, node_type__code="ask_leads").update(status=Deadline.Status.NEARING)
        refresh_case_urgency([a.pk, b.pk])  # the levels were set by hand, not by the scan
        api = as_user(client, world.judge)

        def ids(**params):
            body = api.get(QUEUE, params).json()
            assert body["counts"] == {"total": 2, "overdue": 1, "nearing": 1}
            return {row["id"] for row in body["results"]}

        assert ids() == {a.pk, b.pk}
        assert ids(overdue="true") == {b.pk}
        assert ids(overdue="false") == {a.pk, b.pk}
        assert ids(stream="simple") == {a.pk, b.pk}
        assert ids(stream="complex") == set()
        assert ids(status="closed") == set()
        assert ids(node="ask_leads") == {a.pk, b.pk}
        assert ids(node="verify_lead") == set()
        assert ids(q=b.number) == {b.pk}
        assert ids(q="被执行公司1") == {a.pk}

    def test_the_queue_is_paged(self, client, world):
        for _ in range(3):
            world.assigned()
        body = as_user(client, world.judge).get(QUEUE, {"page_size": 2}).json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        body = client.get(QUEUE, {"page_size": 2, "page": 2}).json()
        assert len(body["results"]) == 1 and body["previous"]

    @pytest.mark.parametrize(
        "params",
        [{"stream": "nonsense"}, {"overdue": "maybe"}, {"status": "x"}, {"view": "court"}, {"colour": "red"}],
    )
    def test_bad_query_parameters_are_refused(self, client, world, params):
        body = assert_error(as_user(client, world.judge).get(QUEUE, params), 400)
        assert set(body["errors"]) == set(params)

    def test_the_anonymous_are_refused(self, client, world):
        assert_error(client.get(QUEUE), 401)

    def test_an_outsider_sees_nothing_of_the_court(self, client, world):
        world.assigned()
        body = as_user(client, world.outsider).get(QUEUE).json()
        assert body["count"] == 0 and body["counts"]["total"] == 0

    def test_the_number_of_queries_does_not_grow_with_the_cases(self, client, world):
        api = as_user(client, world.judge)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert api.get(QUEUE).status_code == 200
            return len(captured.captured_queries)

        for _ in range(3):
            world.assigned()
        few = queries()
        TeamMembership.objects.filter(user=world.judge).update(capacity=100)
        for _ in range(22):
            world.assigned()
        assert api.get(QUEUE).json()["count"] == 25
        assert queries() == few


# --- Triage ------------------------------------------------------------------------------------------------


class TestTriage:
    def test_a_supervisor_triages_an_unassigned_case(self, client, world):
        case = world.file()
        response = post(as_user(client, world.supervisor), case_url(case, "triage"))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["stream"] == body["rule_stream"] == "simple"
        assert body["rule"] == "执行标的额在5万元以下"
        assert body["facts"]["amount"] == "1000.00"
        assert "执行标的额在5万元以下" in body["in_words"]
        assert body["override_stream"] == "" and body["overridden_by"] is None
        assert body["decided_by"] == world.supervisor.get_full_name()
        case.refresh_from_db()
        assert case.stream == "simple"

    def test_a_team_lead_triages_a_case_waiting_on_the_triage_desk(self, client, world):
        case = world.file()
        assert post(as_user(client, world.lead), case_url(case, "triage")).status_code == 201

    @pytest.mark.parametrize("persona", ["judge", "clerk"])
    def test_a_judge_or_a_clerk_may_not_triage(self, client, world, persona):
        case = world.assigned()
        assert_error(post(as_user(client, getattr(world, persona)), case_url(case, "triage")), 403)

    def test_cases_of_another_court_or_team_are_not_found(self, client, world):
        case = world.file()
        assert_error(post(as_user(client, world.outsider), case_url(case, "triage")), 404)
        assert_error(post(as_user(client, world.judge), case_url(case, "triage")), 404)
        assert_error(post(as_user(client, world.supervisor), "/api/v1/cases/999999/triage/"), 404)

    def test_the_anonymous_are_refused(self, client, world):
        assert_error(post(client, case_url(world.file(), "triage")), 401)

    def test_a_closed_case_is_not_triaged(self, client, world):
        case = world.file()
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
        assert_error(post(as_user(client, world.supervisor), case_url(case, "triage")), 400)


class TestTriageOverride:
    def test_a_supervisor_overrides_with_a_reason(self, client, world):
        case = world.file()
        api = as_user(client, world.supervisor)
        post(api, case_url(case, "triage"))
        response = post(
            api, case_url(case, "triage/override"), {"stream": "complex", "reason": "有隐匿财产迹象"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["stream"] == "complex" and body["rule_stream"] == "simple"
        assert body["override_reason"] == "有隐匿财产迹象"
        assert body["overridden_by"] == world.supervisor.get_full_name()
        assert "有隐匿财产迹象" in body["in_words"]
        case.refresh_from_db()
        assert case.stream == "complex"
        assert TriageDecision.objects.get(case=case).override_stream == "complex"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"stream": "complex"}, "reason"),
            ({"stream": "complex", "reason": ""}, "reason"),
            ({"stream": "", "reason": "因为"}, "stream"),
            ({"stream": "other", "reason": "因为"}, "stream"),
            ({"stream": "complex", "reason": "因为", "by": "me"}, "by"),
        ],
    )
    def test_bad_input_is_refused_by_field(self, client, world, payload, field):
        case = world.file()
        api = as_user(client, world.supervisor)
        post(api, case_url(case, "triage"))
        body = assert_error(post(api, case_url(case, "triage/override"), payload), 400)
        assert field in body["errors"]

    def test_a_blank_reason_is_refused_by_the_service(self, client, world):
        case = world.file()
        api = as_user(client, world.supervisor)
        post(api, case_url(case, "triage"))
        body = assert_error(
            post(api, case_url(case, "triage/override"), {"stream": "complex", "reason": "  "}), 400
        )
        assert "reason" in body["errors"]

    def test_an_untriaged_case_cannot_be_overridden(self, client, world):
        case = world.file()
        payload = {"stream": "complex", "reason": "因为"}
        assert_error(post(as_user(client, world.supervisor), case_url(case, "triage/override"), payload), 400)

    @pytest.mark.parametrize("persona", ["lead", "judge", "clerk"])
    def test_only_a_supervisor_overrides(self, client, world, persona):
        case = world.assigned()
        payload = {"stream": "complex", "reason": "因为"}
        assert_error(
            post(as_user(client, getattr(world, persona)), case_url(case, "triage/override"), payload), 403
        )

    def test_an_outsider_gets_404(self, client, world):
        case = world.assigned()
        payload = {"stream": "complex", "reason": "因为"}
        assert_error(post(as_user(client, world.outsider), case_url(case, "triage/override"), payload), 404)


# --- Assignment --------------------------------------------------------------------------------------------


class TestAssign:
    def test_by_load_the_case_is_triaged_and_goes_to_the_least_loaded_judge(self, client, world):
        world.assigned()  # the judge has one case already
        case = world.file()
        response = post(as_user(client, world.supervisor), case_url(case, "assign"))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["case"] == case.pk
        assert body["team"] == {"id": world.quick.pk, "name": "速执团队"}
        assert body["judge"] == {"id": world.colleague.pk, "name": world.colleague.get_full_name()}
        assert body["method"] == "automatic" and body["assigned_at"]
        case.refresh_from_db()
        assert case.stream == "simple" and case.responsible_judge == world.colleague

    def test_by_hand_a_team_lead_names_the_judge(self, client, world):
        case = world.file()
        response = post(as_user(client, world.lead), case_url(case, "assign"), {"judge": world.judge.pk})
        assert response.status_code == 201, response.content
        assert response.json()["method"] == "manual"
        assert response.json()["judge"]["id"] == world.judge.pk

    @pytest.mark.parametrize("judge_id", ["clerk", "outsider", 999999])
    def test_someone_who_is_not_a_judge_of_the_court_is_refused(self, client, world, judge_id):
        case = world.file()
        pk = judge_id if isinstance(judge_id, int) else getattr(world, judge_id).pk
        body = assert_error(
            post(as_user(client, world.supervisor), case_url(case, "assign"), {"judge": pk}), 400
        )
        assert "judge" in body["errors"]

    def test_an_assigned_case_is_not_assigned_again(self, client, world):
        case = world.assigned()
        assert_error(post(as_user(client, world.supervisor), case_url(case, "assign")), 400)

    def test_unknown_fields_and_bad_ids_are_refused(self, client, world):
        case = world.file()
        api = as_user(client, world.supervisor)
        assert "team" in assert_error(post(api, case_url(case, "assign"), {"team": 1}), 400)["errors"]
        assert "judge" in assert_error(post(api, case_url(case, "assign"), {"judge": "x"}), 400)["errors"]

    @pytest.mark.parametrize("persona", ["judge", "clerk"])
    def test_judges_and_clerks_may_not_assign(self, client, world, persona):
        case = world.assigned()
        Assignment.objects.all().update(ended_at="2026-01-01T00:00:00Z")
        assert_error(post(as_user(client, getattr(world, persona)), case_url(case, "assign")), 403)

    def test_an_outsider_and_the_anonymous_are_refused(self, client, world):
        case = world.file()
        assert_error(post(client, case_url(case, "assign")), 401)
        assert_error(post(as_user(client, world.outsider), case_url(case, "assign")), 404)


class TestReassign:
    def test_a_supervisor_reassigns_with_a_reason(self, client, world):
        case = world.assigned()
        payload = {"judge": world.colleague.pk, "reason": "原承办人调岗"}
        response = post(as_user(client, world.supervisor), case_url(case, "reassign"), payload)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["method"] == "reassigned" and body["reason"] == "原承办人调岗"
        assert body["judge"]["id"] == world.colleague.pk
        assert Assignment.objects.filter(case=case).count() == 2

    def test_the_team_lead_reassigns_within_his_team(self, client, world):
        case = world.assigned()
        payload = {"judge": world.colleague.pk, "reason": "均衡案件"}
        assert post(as_user(client, world.lead), case_url(case, "reassign"), payload).status_code == 201

    @pytest.mark.parametrize(
        ("payload", "field"),
        [({"judge": "me", "reason": "x"}, "judge"), ({"judge": 1}, "reason"), ({"reason": "x"}, "judge")],
    )
    def test_bad_input_is_refused(self, client, world, payload, field):
        case = world.assigned()
        body = assert_error(post(as_user(client, world.supervisor), case_url(case, "reassign"), payload), 400)
        assert field in body["errors"]

    def test_the_same_judge_is_refused(self, client, world):
        case = world.assigned()
        payload = {"judge": world.judge.pk, "reason": "x"}
        body = assert_error(post(as_user(client, world.supervisor), case_url(case, "reassign"), payload), 400)
        assert "judge" in body["errors"]

    def test_personas(self, client, world):
        case = world.assigned()
        payload = {"judge": world.colleague.pk, "reason": "x"}
        assert_error(post(as_user(client, world.judge), case_url(case, "reassign"), payload), 403)
        assert_error(post(as_user(client, world.clerk), case_url(case, "reassign"), payload), 403)
        assert_error(post(as_user(client, world.other_judge), case_url(case, "reassign"), payload), 404)
        assert_error(post(as_user(client, world.outsider), case_url(case, "reassign"), payload), 404)
        client.logout()
        assert_error(post(client, case_url(case, "reassign"), payload), 401)


class TestBulkAssign:
    def test_assigned_and_refused_each_on_its_own(self, client, world):
        a, b = world.file(), world.file()
        done = world.assigned()
        foreign = world.file(court=world.other_court)
        ids = [a.pk, done.pk, foreign.pk, 999999, b.pk, a.pk]
        response = post(as_user(client, world.supervisor), BULK, {"cases": ids})
        assert response.status_code == 200, response.content
        body = response.json()
        assert [row["case"] for row in body["assigned"]] == [a.pk, b.pk]
        assert all(row["method"] == "automatic" for row in body["assigned"])
        assert set(body["refused"]) == {str(done.pk), str(foreign.pk), "999999"}
        assert "reassign" in body["refused"][str(done.pk)] or "变更承办法官" in body["refused"][str(done.pk)]
        # Another court's case and a case that does not exist get the same answer.
        assert body["refused"][str(foreign.pk)] == body["refused"]["999999"]
        foreign.refresh_from_db()
        assert foreign.responsible_judge is None

    def test_a_team_lead_assigns_the_triage_desk(self, client, world):
        a = world.file()
        body = post(as_user(client, world.lead), BULK, {"cases": [a.pk]}).json()
        assert [row["case"] for row in body["assigned"]] == [a.pk] and body["refused"] == {}

    @pytest.mark.parametrize("payload", [{}, {"cases": []}, {"cases": ["a"]}, {"cases": [1], "all": True}])
    def test_bad_input_is_refused(self, client, world, payload):
        assert_error(post(as_user(client, world.supervisor), BULK, payload), 400)

    @pytest.mark.parametrize("persona", ["judge", "clerk", "outsider"])
    def test_roles_that_do_not_assign_are_refused(self, client, world, persona):
        case = world.file()
        assert_error(post(as_user(client, getattr(world, persona)), BULK, {"cases": [case.pk]}), 403)
        case.refresh_from_db()
        assert case.responsible_judge is None

    def test_the_anonymous_are_refused(self, client, world):
        assert_error(post(client, BULK, {"cases": [world.file().pk]}), 401)

    def test_a_supervisor_of_another_court_learns_nothing(self, client, world):
        mine = world.file()
        other_supervisor = UserFactory(roles=["supervisor"], courts=[world.other_court])
        body = post(as_user(client, other_supervisor), BULK, {"cases": [mine.pk, 999999]}).json()
        assert body["assigned"] == []
        assert body["refused"][str(mine.pk)] == body["refused"]["999999"]


# --- Plan, steps, notes ------------------------------------------------------------------------------------

PLAN = {"risk_assessment": "被执行人可能转移车辆", "enforcement_plan": "先行查封车辆，再约谈"}


class TestPlan:
    @pytest.mark.parametrize("persona", ["judge", "colleague", "lead", "supervisor"])
    def test_the_judge_his_team_and_supervisors_record_the_plan(self, client, world, persona):
        case = world.assigned()
        response = post(as_user(client, getattr(world, persona)), case_url(case, "plan"), PLAN)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["risk_assessment"] == PLAN["risk_assessment"]
        assert body["enforcement_plan"] == PLAN["enforcement_plan"]
        assert body["recorded_by"] == getattr(world, persona).get_full_name()
        assert CasePlan.objects.get(case=case).recorded_by == getattr(world, persona)

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"risk_assessment": "x"}, "enforcement_plan"),
            ({**PLAN, "risk_assessment": ""}, "risk_assessment"),
            ({**PLAN, "extra": 1}, "extra"),
        ],
    )
    def test_bad_input(self, client, world, payload, field):
        case = world.assigned()
        body = assert_error(post(as_user(client, world.judge), case_url(case, "plan"), payload), 400)
        assert field in body["errors"]

    def test_blank_texts_are_refused_by_the_service(self, client, world):
        case = world.assigned()
        payload = {"risk_assessment": " ", "enforcement_plan": "x"}
        assert_error(post(as_user(client, world.judge), case_url(case, "plan"), payload), 400)

    def test_personas_who_may_not(self, client, world):
        case = world.assigned()
        assert_error(post(as_user(client, world.clerk), case_url(case, "plan"), PLAN), 403)
        assert_error(post(as_user(client, world.other_judge), case_url(case, "plan"), PLAN), 404)
        assert_error(post(as_user(client, world.outsider), case_url(case, "plan"), PLAN), 404)
        client.logout()
        assert_error(post(client, case_url(case, "plan"), PLAN), 401)


class TestSteps:
    @pytest.mark.parametrize("step", list(assignment.STEPS))
    def test_each_step_goes_on_the_timeline(self, client, world, step):
        case = world.assigned()
        response = post(
            as_user(client, world.judge), case_url(case, "steps"), {"step": step, "detail": "已完成"}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["step"] == step and body["detail"] == "已完成"
        assert body["actor"] == world.judge.get_full_name()
        assert case.events.filter(kind=step).exists()

    def test_leads_requested_meets_its_deadline(self, client, world):
        case = world.assigned()
        post(as_user(client, world.judge), case_url(case, "steps"), {"step": "leads_requested"})
        assert Deadline.objects.get(case=case, node_type__code="ask_leads").status == Deadline.Status.MET

    def test_results_need_a_detail(self, client, world):
        case = world.assigned()
        payload = {"step": CaseEvent.Kind.ONLINE_SEARCH_RESULTS}
        body = assert_error(post(as_user(client, world.judge), case_url(case, "steps"), payload), 400)
        assert "detail" in body["errors"]

    @pytest.mark.parametrize("payload", [{}, {"step": "case_closed"}, {"step": "nonsense"}])
    def test_unknown_steps_are_refused(self, client, world, payload):
        case = world.assigned()
        body = assert_error(post(as_user(client, world.judge), case_url(case, "steps"), payload), 400)
        assert "step" in body["errors"]

    def test_personas_who_may_not(self, client, world):
        case = world.assigned()
        payload = {"step": "notice_served"}
        assert_error(post(as_user(client, world.clerk), case_url(case, "steps"), payload), 403)
        assert_error(post(as_user(client, world.other_judge), case_url(case, "steps"), payload), 404)
        assert_error(post(as_user(client, world.outsider), case_url(case, "steps"), payload), 404)

    def test_a_closed_case_takes_no_steps(self, client, world):
        case = world.assigned()
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
        assert_error(
            post(as_user(client, world.judge), case_url(case, "steps"), {"step": "notice_served"}), 400
        )


class TestNotes:
    def test_the_judge_adds_notes_and_reads_them_newest_first(self, client, world):
        case = world.assigned()
        api = as_user(client, world.judge)
        response = post(api, case_url(case, "notes"), {"text": "申请人来电询问进度"})
        assert response.status_code == 201, response.content
        first = response.json()
        assert first["text"] == "申请人来电询问进度" and first["author"] == world.judge.get_full_name()
        post(api, case_url(case, "notes"), {"text": "第二条"})
        body = api.get(case_url(case, "notes")).json()
        assert body["count"] == 2
        assert [n["text"] for n in body["results"]] == ["第二条", "申请人来电询问进度"]

    def test_the_supervisor_reads_the_notes_of_any_case_of_his_court(self, client, world):
        case = world.assigned(judge=world.other_judge)
        CaseNote.objects.create(case=case, author=world.other_judge, text="内部备注")
        body = as_user(client, world.supervisor).get(case_url(case, "notes")).json()
        assert [n["text"] for n in body["results"]] == ["内部备注"]

    def test_bad_input(self, client, world):
        case = world.assigned()
        api = as_user(client, world.judge)
        assert "text" in assert_error(post(api, case_url(case, "notes"), {}), 400)["errors"]
        assert "text" in assert_error(post(api, case_url(case, "notes"), {"text": "  "}), 400)["errors"]
        assert (
            "note"
            in assert_error(post(api, case_url(case, "notes"), {"text": "x", "note": 1}), 400)["errors"]
        )

    def test_personas_who_may_not(self, client, world):
        case = world.assigned()
        assert_error(post(as_user(client, world.clerk), case_url(case, "notes"), {"text": "x"}), 403)
        for user in (world.other_judge, world.outsider):
            api = as_user(client, user)
            assert_error(api.get(case_url(case, "notes")), 404)
            assert_error(post(api, case_url(case, "notes"), {"text": "x"}), 404)
        client.logout()
        assert_error(client.get(case_url(case, "notes")), 401)
        assert not CaseNote.objects.exists()


class TestVisibility:
    def test_a_judge_gets_404_for_a_case_of_another_team_and_the_supervisor_sees_the_court(
        self, client, world
    ):
        theirs = world.assigned(judge=world.other_judge)
        mine = world.assigned()
        foreign = world.file(court=world.other_court)
        judge = as_user(client, world.judge)
        assert judge.get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
        assert judge.get(case_url(theirs, "notes")).status_code == 404
        assert judge.get(case_url(mine, "notes")).status_code == 200
        colleague = as_user(client, world.colleague)
        assert colleague.get(case_url(mine, "notes")).status_code == 200
        supervisor = as_user(client, world.supervisor)
        for case in (theirs, mine):
            assert supervisor.get(case_url(case, "notes")).status_code == 200
        assert supervisor.get(case_url(foreign, "notes")).status_code == 404
