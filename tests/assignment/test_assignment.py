"""Triage and assignment services: every rule, overrides, capacity, absence, recusal, steps, visibility."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from assignment import services
from assignment.models import Absence, Assignment, Recusal, TriageRule
from assignment.triage import describe_decision, facts_of
from enforcement.models import Case, Deadline, PropertyKind, Team, TeamKind, TeamMembership
from enforcement.selectors import cases_visible_to
from intake import services as intake
from intake.models import FirstInterview
from tests.factories import UserFactory, resident_id
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_lead(court):
    return UserFactory(username="lead", roles=["team_lead"], courts=[court])


@pytest.fixture
def quick(court, team_lead):
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=team, user=team_lead, role="lead")
    return team


@pytest.fixture
def ordinary(court):
    return Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队")


def judges(team: Team, count: int, capacity: int = 10, start: int = 1) -> list:  # type: ignore[type-arg]
    made = []
    for n in range(start, start + count):
        user = UserFactory(username=f"{team.kind.code}-judge{n}", roles=["judge"], courts=[team.court])
        TeamMembership.objects.create(team=team, user=user, role="judge", capacity=capacity)
        made.append(user)
    return made


def file(court, clerk, n: int = 1, **overrides) -> Case:
    return intake.file_case(actor=clerk, application=application(court, n, **overrides)).case


def interview(case: Case, clerk, willingness: str = "unknown", leads=(), risks=()) -> None:
    intake.save_first_interview(
        actor=clerk,
        case=case,
        values={"willingness": willingness},
        leads=[intake.LeadInput(kind=k, detail="线索") for k in leads],
        risks=intake.Risks(kinds=tuple(risks)),
    )


class TestTriage:
    @pytest.mark.parametrize(
        ("setup", "condition", "stream"),
        [
            ({"interview": {"willingness": "refuses"}}, "debtor_refuses", "complex"),
            ({"interview": {"risks": ["obstruction"]}}, "obstruction", "complex"),
            ({"interview": {"leads": [PropertyKind.REAL_ESTATE]}}, "property_to_dispose", "complex"),
            (
                {
                    "claim_amount": Decimal("900000.00"),
                    "preservation_in_place": True,
                    "preservation_amount": Decimal("900000.00"),
                },
                "preservation_covers",
                "simple",
            ),
            ({"claim_amount": Decimal("30000.00")}, "amount_below", "simple"),
            (
                {"claim_amount": Decimal("90000.00"), "interview": {"willingness": "negotiate"}},
                "debtor_willing",
                "simple",
            ),
            (
                {"claim_amount": Decimal("90000.00"), "interview": {"leads": [PropertyKind.WAGES]}},
                "income_deductible",
                "simple",
            ),
            (
                {"claim_kind": "act", "claim_amount": None, "claim_description": "腾退房屋"},
                "simple_act",
                "simple",
            ),
        ],
    )
    def test_each_rule_routes_its_case_and_names_itself(
        self, court, clerk, team_lead, setup, condition, stream
    ):
        setup = dict(setup)
        talk = setup.pop("interview", None)
        case = file(court, clerk, **setup)
        if talk:
            interview(case, clerk, **talk)
        decision = services.triage_case(actor=team_lead, case=case)
        assert decision.rule is not None and decision.rule.condition == condition
        assert decision.stream == stream
        case.refresh_from_db()
        assert case.stream == stream
        assert decision.rule.name in describe_decision(decision)
        assert decision.facts == facts_of(case)

    def test_many_parties_route_to_the_complex_stream(self, court, clerk, team_lead):
        many = [
            intake.PartyInput(
                kind="person", name=f"申请人{n}", id_type="resident_id", id_number=resident_id(n)
            )
            for n in range(1, 5)
        ]
        case = file(court, clerk, applicants=many, claim_amount=Decimal("10000.00"))
        assert services.triage_case(actor=team_lead, case=case).rule.condition == "many_parties"

    def test_a_case_no_rule_sorts_goes_to_the_complex_stream_and_says_so(self, court, clerk, team_lead):
        case = file(court, clerk, claim_amount=Decimal("90000.00"))
        decision = services.triage_case(actor=team_lead, case=case)
        assert decision.rule is None
        assert decision.stream == Case.Stream.COMPLEX
        assert "No rule fired" in describe_decision(decision) or "默认" in describe_decision(decision)

    def test_a_courts_own_rule_is_data_and_wins_on_priority(self, court, clerk, team_lead):
        TriageRule.objects.create(
            court=court,
            name="本院：10万元以下速执",
            condition="amount_below",
            threshold=Decimal("100000.00"),
            stream="simple",
            priority=5,
        )
        case = file(court, clerk, claim_amount=Decimal("90000.00"))
        assert services.triage_case(actor=team_lead, case=case).rule.name == "本院：10万元以下速执"

    def test_a_supervisor_overrides_with_a_reason_and_both_are_kept(
        self, court, clerk, team_lead, supervisor
    ):
        case = file(court, clerk, claim_amount=Decimal("30000.00"))
        decision = services.triage_case(actor=team_lead, case=case)
        services.override_triage(actor=supervisor, decision=decision, stream="complex", reason="关联案件多")
        decision.refresh_from_db()
        assert (decision.rule_stream, decision.override_stream, decision.stream) == (
            "simple",
            "complex",
            "complex",
        )
        assert "关联案件多" in describe_decision(decision)
        case.refresh_from_db()
        assert case.stream == "complex"
        with pytest.raises(ValidationError):
            services.override_triage(actor=supervisor, decision=decision, stream="simple", reason=" ")
        with pytest.raises(PermissionDenied):
            services.override_triage(actor=team_lead, decision=decision, stream="simple", reason="x")


class TestAssignment:
    def test_the_judge_with_the_lowest_load_relative_to_capacity_gets_the_case(
        self, court, clerk, team_lead, quick
    ):
        small, large = judges(quick, 1, capacity=4) + judges(quick, 1, capacity=20, start=2)
        Case.objects.filter(pk=file(court, clerk, 90).pk).update(responsible_judge=small)
        Case.objects.filter(pk=file(court, clerk, 91).pk).update(responsible_judge=large)
        case = file(court, clerk, claim_amount=Decimal("1000.00"))
        assignment = services.assign_case(actor=team_lead, case=case)
        assert assignment.judge == large  # 1/20 < 1/4
        assert assignment.team == quick
        assert assignment.method == Assignment.Method.AUTOMATIC

    def test_ties_are_broken_the_same_way_every_time(self, court, clerk, team_lead, quick):
        first, second = judges(quick, 2)
        picks = [
            services.assign_case(
                actor=team_lead, case=file(court, clerk, n, claim_amount=Decimal("100.00"))
            ).judge
            for n in range(1, 5)
        ]
        assert picks == [first, second, first, second]

    def test_absent_and_recused_judges_get_nothing(self, court, clerk, team_lead, quick):
        away, recused, present = judges(quick, 3)
        Absence.objects.create(
            user=away, first_day=datetime.date(2026, 1, 1), last_day=datetime.date(2099, 1, 1)
        )
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        respondent = case.respondents()[0]
        Recusal.objects.create(
            user=recused, party_name="某人", party_id_number=respondent.id_number, reason="近亲属"
        )
        assert services.assign_case(actor=team_lead, case=case).judge == present

    def test_a_full_team_refuses_with_a_clear_reason(self, court, clerk, team_lead, quick):
        (only,) = judges(quick, 1, capacity=1)
        services.assign_case(actor=team_lead, case=file(court, clerk, 1, claim_amount=Decimal("100.00")))
        refused = file(court, clerk, 2, claim_amount=Decimal("100.00"))
        with pytest.raises(ValidationError):
            services.assign_case(actor=team_lead, case=refused)
        assert Case.objects.filter(responsible_judge=only).count() == 1
        refused.refresh_from_db()
        assert refused.stream == "simple"  # the triage stays though no judge could take the case
        assert refused.triage_decisions.count() == 1

    def test_the_stream_picks_the_team(self, court, clerk, team_lead, quick, ordinary):
        judges(quick, 1)
        (complex_judge,) = judges(ordinary, 1)
        case = file(court, clerk, claim_amount=Decimal("900000.00"))
        assert services.assign_case(actor=team_lead, case=case).judge == complex_judge

    def test_assignment_meets_the_assignment_deadline_and_opens_the_next_two(
        self, court, clerk, team_lead, quick
    ):
        judges(quick, 1)
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        services.assign_case(actor=team_lead, case=case)
        status = dict(case.deadlines.values_list("node_type__code", "status"))
        assert status["assign_judge"] == Deadline.Status.MET
        assert status["enforcement_notice"] == Deadline.Status.OPEN
        assert status["ask_leads"] == Deadline.Status.OPEN
        case.refresh_from_db()
        assert case.team == quick and case.responsible_judge is not None
        assert case.events.filter(kind="assigned", public=True).exists()

    def test_a_case_is_assigned_only_once_then_reassigned_with_a_reason(self, court, clerk, team_lead, quick):
        first, second = judges(quick, 2)
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        services.assign_case(actor=team_lead, case=case, judge=second)
        with pytest.raises(ValidationError):
            services.assign_case(actor=team_lead, case=case)
        with pytest.raises(ValidationError):
            services.reassign_case(actor=team_lead, case=case, judge=first, reason="")
        services.reassign_case(actor=team_lead, case=case, judge=first, reason="原承办法官调岗")
        history = list(
            case.assignments.order_by("assigned_at", "pk").values_list("judge", "ended_at", "method")
        )
        assert [(j, e is None, m) for j, e, m in history] == [
            (second.pk, False, "manual"),
            (first.pk, True, "reassigned"),
        ]
        assert case.deadlines.filter(node_type__code="enforcement_notice").count() == 1

    def test_only_team_leads_and_supervisors_assign(self, court, clerk, judge, quick):
        judges(quick, 1)
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        for actor in (clerk, judge):
            with pytest.raises(PermissionDenied):
                services.assign_case(actor=actor, case=case)

    def test_bulk_assignment_reports_each_refusal(self, court, clerk, team_lead, quick):
        judges(quick, 1, capacity=2)
        cases = [file(court, clerk, n, claim_amount=Decimal("100.00")) for n in range(1, 4)]
        result = services.bulk_assign(actor=team_lead, cases=cases)
        assert len(result.assigned) == 2
        assert list(result.refused) == [cases[2].pk]


class TestWork:
    @pytest.fixture
    def assigned(self, court, clerk, team_lead, quick):
        (judge_of_case,) = judges(quick, 1)
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        services.assign_case(actor=team_lead, case=case)
        return case, judge_of_case

    def test_notice_and_report_order_together_meet_the_enforcement_notice_deadline(self, assigned):
        case, judge = assigned
        services.record_step(actor=judge, case=case, step=services.Step.NOTICE_SERVED)
        assert case.deadlines.get(node_type__code="enforcement_notice").status == Deadline.Status.OPEN
        services.record_step(actor=judge, case=case, step=services.Step.REPORT_ORDER_SERVED)
        assert case.deadlines.get(node_type__code="enforcement_notice").status == Deadline.Status.MET
        assert case.events.filter(kind="notice_served", public=True).exists()

    def test_asking_for_leads_meets_its_deadline(self, assigned):
        case, judge = assigned
        services.record_step(actor=judge, case=case, step=services.Step.LEADS_REQUESTED)
        assert case.deadlines.get(node_type__code="ask_leads").status == Deadline.Status.MET

    def test_search_results_need_a_description(self, assigned):
        case, judge = assigned
        with pytest.raises(ValidationError):
            services.record_step(actor=judge, case=case, step=services.Step.ONLINE_SEARCH_RESULTS)
        event = services.record_step(
            actor=judge, case=case, step=services.Step.ONLINE_SEARCH_RESULTS, detail="工商银行存款1.2万元"
        )
        assert not event.public

    def test_only_the_cases_workers_act_on_it(self, assigned, court):
        case, _judge = assigned
        other = UserFactory(username="other-judge", roles=["judge"], courts=[court])
        with pytest.raises(PermissionDenied):
            services.record_step(actor=other, case=case, step=services.Step.NOTICE_SERVED)
        with pytest.raises(PermissionDenied):
            services.add_note(actor=other, case=case, text="x")

    def test_a_complex_case_needs_its_plan_before_compulsory_measures(
        self, court, clerk, team_lead, ordinary
    ):
        (judge,) = judges(ordinary, 1)
        case = file(court, clerk, claim_amount=Decimal("900000.00"))
        services.assign_case(actor=team_lead, case=case)
        case.refresh_from_db()
        assert not services.may_take_compulsory_measures(case)
        with pytest.raises(ValidationError):
            services.record_plan(actor=judge, case=case, risk_assessment="", enforcement_plan="x")
        services.record_plan(
            actor=judge, case=case, risk_assessment="被执行人可能转移财产", enforcement_plan="先冻结后查封"
        )
        assert services.may_take_compulsory_measures(case)

    def test_notes_go_on_the_case_and_the_timeline(self, assigned):
        case, judge = assigned
        services.add_note(actor=judge, case=case, text="申请人来电询问进度")
        assert case.notes.get().text == "申请人来电询问进度"
        assert case.events.filter(kind="note_added", public=False).exists()


class TestVisibility:
    def test_a_judge_sees_his_teams_cases_a_supervisor_his_courts(
        self, court, other_court, clerk, team_lead, quick, supervisor
    ):
        mine, theirs = judges(quick, 1)[0], UserFactory(username="j-other", roles=["judge"], courts=[court])
        case = file(court, clerk, claim_amount=Decimal("100.00"))
        unassigned = file(court, clerk, 2, claim_amount=Decimal("100.00"))
        services.assign_case(actor=team_lead, case=case)
        assert list(cases_visible_to(mine)) == [case]
        assert list(cases_visible_to(theirs)) == []
        assert set(cases_visible_to(supervisor)) == {case, unassigned}
        # The team lead sees his team's case, and the unassigned one he is to triage.
        assert set(cases_visible_to(team_lead)) == {case, unassigned}


def test_the_assignment_deadline_goes_overdue_when_nobody_assigns(court, clerk):
    from enforcement.scan import scan_deadlines

    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC), tick=False):
        case = file(court, clerk, claim_amount=Decimal("100.00"))
    scan_deadlines(now=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC))
    assert case.deadlines.get(node_type__code="assign_judge").status == Deadline.Status.OVERDUE
    assert FirstInterview.objects.count() == 0


def test_a_triage_a_supervisor_overrode_is_not_redone_by_the_rules(court, clerk, supervisor):
    lead = UserFactory(username="lead2", roles=["team_lead"], courts=[court])
    case = file(court, clerk, claim_amount=Decimal("30000.00"))
    decision = services.triage_case(actor=lead, case=case)
    services.override_triage(actor=supervisor, decision=decision, stream="complex", reason="案情复杂")
    with pytest.raises(ValidationError):
        services.triage_case(actor=lead, case=case)
    case.refresh_from_db()
    assert case.stream == "complex"
