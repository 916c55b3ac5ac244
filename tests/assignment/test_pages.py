"""Pages of triage and assignment: the triage desk, the judges' queue and the workbench panel of the case.

Permissions by persona, each action through its page, and query counts that do not grow with the data.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignment import services
from assignment.models import Assignment, CaseNote, CasePlan, TriageDecision
from enforcement.models import Case, CaseEvent, Deadline, Team, TeamKind, TeamMembership
from enforcement.urgency import refresh_case_urgency
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db


# --- Data -------------------------------------------------------------------------------------------------


@pytest.fixture
def team_lead(court):
    return UserFactory(username="lead", roles=["team_lead"], courts=[court])


@pytest.fixture
def quick(court, team_lead, judge):
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=team, user=team_lead, role="lead")
    TeamMembership.objects.create(team=team, user=judge, role="judge", capacity=60)
    return team


@pytest.fixture
def ordinary(court, team_lead):
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队")
    TeamMembership.objects.create(team=team, user=team_lead, role="lead")
    return team


@pytest.fixture
def second_judge(court, quick):
    user = UserFactory(username="judge2", roles=["judge"], courts=[court])
    TeamMembership.objects.create(team=quick, user=user, role="judge", capacity=60)
    return user


@pytest.fixture
def complex_judge(court, ordinary):
    user = UserFactory(username="judge3", roles=["judge"], courts=[court])
    TeamMembership.objects.create(team=ordinary, user=user, role="judge", capacity=60)
    return user


def file(court, clerk, n: int = 1, **overrides) -> Case:
    return intake.file_case(actor=clerk, application=application(court, n, **overrides)).case


def assigned(court, clerk, team_lead, n: int = 1, **overrides) -> Case:
    case = file(court, clerk, n, **overrides)
    services.assign_case(actor=team_lead, case=case)
    case.refresh_from_db()
    return case


def as_user(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


DESK = reverse("assignment:desk")
QUEUE = reverse("assignment:queue")


# --- Triage desk ------------------------------------------------------------------------------------------


class TestDesk:
    @pytest.mark.parametrize(("persona", "status"), [("team_lead", 200), ("supervisor", 200)])
    def test_team_leads_and_supervisors_open_the_desk(self, client, request, court, persona, status):
        user = request.getfixturevalue(persona)
        assert as_user(client, user).get(DESK).status_code == status

    @pytest.mark.parametrize("persona", ["judge", "clerk", "finance", "stranger"])
    def test_other_personas_are_refused_the_desk(self, client, request, persona):
        assert as_user(client, request.getfixturevalue(persona)).get(DESK).status_code == 403

    def test_the_desk_lists_the_cases_awaiting_a_judge_with_their_triage_in_words(
        self, client, court, clerk, team_lead
    ):
        waiting, triaged = file(court, clerk, 1), file(court, clerk, 2)
        services.triage_case(actor=team_lead, case=triaged)
        body = as_user(client, team_lead).get(DESK).content.decode()
        assert waiting.number in body and triaged.number in body
        assert "执行标的额在5万元以下" in body  # the rule that fired, by name
        assert "申请人1" in body and "被执行公司2" in body

    def test_another_courts_team_lead_sees_none_of_its_cases(self, client, court, other_court, clerk):
        case = file(court, clerk, 1)
        lead = UserFactory(username="other-lead", roles=["team_lead"], courts=[other_court])
        response = as_user(client, lead).get(DESK)
        assert case.number not in response.content.decode()
        post = client.post(reverse("assignment:triage", args=[case.pk]))
        assert post.status_code == 404
        assert not TriageDecision.objects.exists()

    def test_the_triage_button_triages_the_case(self, client, court, clerk, team_lead):
        case = file(court, clerk, 1)
        response = as_user(client, team_lead).post(
            reverse("assignment:triage", args=[case.pk]), {"next": DESK}, follow=True
        )
        case.refresh_from_db()
        assert case.stream == Case.Stream.SIMPLE
        assert response.redirect_chain[-1][0] == DESK
        assert TriageDecision.objects.get(case=case).rule is not None

    def test_assign_by_load_gives_the_case_to_the_judge_of_its_stream(
        self, client, court, clerk, team_lead, judge, quick
    ):
        case = file(court, clerk, 1)
        as_user(client, team_lead).post(reverse("assignment:assign", args=[case.pk]), {"next": DESK})
        case.refresh_from_db()
        assert (case.team, case.responsible_judge) == (quick, judge)
        assert Assignment.objects.get(case=case).method == Assignment.Method.AUTOMATIC
        assert f'id="desk-case-{case.pk}"' not in client.get(DESK).content.decode()

    def test_assign_by_hand_gives_the_case_to_the_judge_chosen(
        self, client, court, clerk, team_lead, judge, second_judge
    ):
        case = file(court, clerk, 1)
        body = as_user(client, team_lead).get(DESK).content.decode()
        assert f'value="{second_judge.pk}"' in body
        client.post(reverse("assignment:assign", args=[case.pk]), {"judge": second_judge.pk})
        case.refresh_from_db()
        assert case.responsible_judge == second_judge
        assert Assignment.objects.get(case=case).method == Assignment.Method.MANUAL

    def test_bulk_assignment_reports_how_many_and_why_one_was_refused(
        self, client, court, clerk, team_lead, judge, quick
    ):
        simple = [file(court, clerk, n) for n in (1, 2)]
        refused = file(court, clerk, 3, claim_amount=Decimal("900000.00"))  # complex, and no complex team
        response = as_user(client, team_lead).post(
            reverse("assignment:bulk-assign"),
            {"cases": [c.pk for c in [*simple, refused]], "next": DESK},
            follow=True,
        )
        assert Case.objects.filter(responsible_judge=judge).count() == 2
        shown = messages_of(response)
        assert any("2" in m for m in shown)
        assert any(refused.number in m for m in shown)
        refused.refresh_from_db()
        assert refused.responsible_judge is None

    def test_bulk_assignment_ignores_cases_of_other_courts(self, client, court, other_court, clerk, quick):
        case = file(court, clerk, 1)
        lead = UserFactory(username="other-lead", roles=["team_lead"], courts=[other_court])
        as_user(client, lead).post(reverse("assignment:bulk-assign"), {"cases": [case.pk]})
        case.refresh_from_db()
        assert case.responsible_judge is None

    def test_the_desk_costs_the_same_queries_for_3_or_25_cases(self, client, court, clerk, team_lead, quick):
        for n in range(1, 4):
            services.triage_case(actor=team_lead, case=file(court, clerk, n))
        as_user(client, team_lead)
        few = count_queries(client, DESK)
        for n in range(4, 26):
            services.triage_case(actor=team_lead, case=file(court, clerk, n))
        assert count_queries(client, DESK) == few


# --- The judge's queue ------------------------------------------------------------------------------------


def queue_numbers(response) -> list[str]:
    return [c.number for c in response.context["page"].object_list]


class TestQueue:
    def test_only_judges_assistants_and_team_leads_have_a_queue(self, client, clerk, finance, judge):
        assert as_user(client, clerk).get(QUEUE).status_code == 403
        assert as_user(client, finance).get(QUEUE).status_code == 403
        assert as_user(client, judge).get(QUEUE).status_code == 200

    def test_an_empty_queue_says_so(self, client, judge):
        response = as_user(client, judge).get(QUEUE)
        assert queue_numbers(response) == []
        assert response.context["counts"].total == 0

    def test_a_judge_sees_his_cases_the_most_urgent_first(
        self, client, court, clerk, team_lead, judge, quick
    ):
        first, second = (assigned(court, clerk, team_lead, n) for n in (1, 2))
        # The first case's short clocks are all met (the online search too, whose three working days can
        # end on the day the second case's notice clock rolls to): only its six-month limit runs, so the
        # second leads on every date.
        for step in (
            services.Step.NOTICE_SERVED,
            services.Step.REPORT_ORDER_SERVED,
            services.Step.LEADS_REQUESTED,
            services.Step.ONLINE_SEARCH_STARTED,
        ):
            services.record_step(actor=judge, case=first, step=step)
        response = as_user(client, judge).get(QUEUE)
        assert queue_numbers(response) == [second.number, first.number]
        body = response.content.decode()
        assert "发出执行通知书及报告财产令" in body  # the second case's most urgent deadline, by name

    def test_filters_by_stream_node_overdue_status_and_search(
        self, client, court, clerk, team_lead, judge, quick, ordinary
    ):
        TeamMembership.objects.create(team=ordinary, user=judge, role="judge", capacity=60)
        simple = assigned(court, clerk, team_lead, 1)
        complex_ = assigned(court, clerk, team_lead, 2, claim_amount=Decimal("900000.00"))
        services.record_step(actor=judge, case=complex_, step=services.Step.LEADS_REQUESTED)
        Deadline.objects.filter(case=simple, node_type__code="enforcement_notice").update(status="overdue")
        refresh_case_urgency([simple.pk])  # the level was set by hand, not by the scan
        as_user(client, judge)
        assert queue_numbers(client.get(QUEUE, {"stream": "complex"})) == [complex_.number]
        assert queue_numbers(client.get(QUEUE, {"node": "ask_leads"})) == [simple.number]
        assert queue_numbers(client.get(QUEUE, {"overdue": "on"})) == [simple.number]
        assert queue_numbers(client.get(QUEUE, {"q": "被执行公司2"})) == [complex_.number]
        assert queue_numbers(client.get(QUEUE, {"q": simple.number})) == [simple.number]
        Case.objects.filter(pk=simple.pk).update(status=Case.Status.CLOSED)
        assert queue_numbers(client.get(QUEUE, {"status": "closed"})) == [simple.number]

    def test_the_counts_at_the_top(self, client, court, clerk, team_lead, judge, quick):
        cases = [assigned(court, clerk, team_lead, n) for n in (1, 2, 3)]
        Deadline.objects.filter(case=cases[0], node_type__code="ask_leads").update(status="overdue")
        Deadline.objects.filter(case=cases[1], node_type__code="ask_leads").update(status="nearing")
        refresh_case_urgency([c.pk for c in cases])  # the levels were set by hand, not by the scan
        counts = as_user(client, judge).get(QUEUE).context["counts"]
        assert (counts.total, counts.overdue, counts.nearing) == (3, 1, 1)

    def test_a_team_lead_sees_his_teams_cases_in_the_team_view(
        self, client, court, clerk, team_lead, judge, second_judge, quick
    ):
        mine = assigned(court, clerk, team_lead, 1)
        services.assign_case(actor=team_lead, case=file(court, clerk, 2), judge=second_judge)
        as_user(client, team_lead)
        assert queue_numbers(client.get(QUEUE)) == []  # he is responsible for none himself
        team = client.get(QUEUE, {"view": "team"})
        assert len(queue_numbers(team)) == 2 and mine.number in queue_numbers(team)

    def test_a_judge_of_another_team_does_not_see_them(
        self, client, court, clerk, team_lead, judge, quick, complex_judge
    ):
        assigned(court, clerk, team_lead, 1)
        response = as_user(client, complex_judge).get(QUEUE, {"view": "team"})
        assert queue_numbers(response) == []

    def test_the_queue_costs_the_same_queries_for_3_or_25_cases(
        self, client, court, clerk, team_lead, judge, quick
    ):
        for n in range(1, 4):
            assigned(court, clerk, team_lead, n)
        as_user(client, judge)
        few = count_queries(client, QUEUE)
        for n in range(4, 26):
            assigned(court, clerk, team_lead, n)
        assert count_queries(client, QUEUE) == few
        assert count_queries(client, f"{QUEUE}?view=team&q=申请人") == count_queries(
            client, f"{QUEUE}?q=申请人"
        )


# --- The workbench: the assignment panel of the case page -------------------------------------------------


def page_of(client, case: Case) -> str:
    response = client.get(reverse("case-detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestWorkbench:
    def test_the_panel_shows_the_stream_decision_and_judge(
        self, client, court, clerk, team_lead, judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        body = page_of(as_user(client, judge), case)
        assert 'id="assignment-panel"' in body
        assert "执行标的额在5万元以下" in body
        assert "速执团队" in body
        assert body.index('id="assignment-panel"') < body.index('id="intake-panel"')

    def test_a_supervisor_overrides_triage_with_a_reason_and_the_page_shows_both(
        self, client, court, clerk, team_lead, supervisor, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, supervisor)
        assert 'id="override-form"' in page_of(client, case)
        client.post(
            reverse("assignment:override", args=[case.pk]), {"stream": "complex", "reason": "隐匿财产迹象"}
        )
        case.refresh_from_db()
        assert case.stream == Case.Stream.COMPLEX
        body = page_of(client, case)
        assert "执行标的额在5万元以下" in body and "隐匿财产迹象" in body

    def test_a_judge_does_not_see_the_override_form_nor_may_override(
        self, client, court, clerk, team_lead, judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, judge)
        assert 'id="override-form"' not in page_of(client, case)
        client.post(reverse("assignment:override", args=[case.pk]), {"stream": "complex", "reason": "想要"})
        case.refresh_from_db()
        assert case.stream == Case.Stream.SIMPLE

    def test_a_team_lead_reassigns_with_a_reason_and_the_history_stays(
        self, client, court, clerk, team_lead, judge, second_judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, team_lead)
        client.post(
            reverse("assignment:reassign", args=[case.pk]),
            {"judge": second_judge.pk, "reason": "原承办人调岗"},
        )
        case.refresh_from_db()
        assert case.responsible_judge == second_judge
        assert Assignment.objects.filter(case=case).count() == 2
        body = page_of(client, case)
        assert 'id="assignment-history"' in body and "原承办人调岗" in body

    def test_a_reassignment_without_a_reason_changes_nothing(
        self, client, court, clerk, team_lead, judge, second_judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, team_lead)
        client.post(reverse("assignment:reassign", args=[case.pk]), {"judge": second_judge.pk, "reason": ""})
        case.refresh_from_db()
        assert case.responsible_judge == judge

    def test_a_complex_case_warns_until_the_plan_is_recorded_then_shows_it(
        self, client, court, clerk, team_lead, complex_judge
    ):
        case = assigned(court, clerk, team_lead, 1, claim_amount=Decimal("900000.00"))
        as_user(client, complex_judge)
        assert "plan-missing" in page_of(client, case)
        client.post(
            reverse("assignment:plan", args=[case.pk]),
            {"risk_assessment": "被执行人可能转移财产", "enforcement_plan": "先冻结账户，再评估拍卖"},
        )
        assert CasePlan.objects.get(case=case).recorded_by == complex_judge
        body = page_of(client, case)
        assert "plan-missing" not in body and "先冻结账户" in body
        assert services.may_take_compulsory_measures(case)

    def test_a_simple_case_needs_no_plan(self, client, court, clerk, team_lead, judge, quick):
        case = assigned(court, clerk, team_lead, 1)
        assert 'id="plan-status"' not in page_of(as_user(client, judge), case)

    def test_notice_and_report_order_served_meet_the_enforcement_notice_deadline(
        self, client, court, clerk, team_lead, judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, judge)
        notice = Deadline.objects.get(case=case, node_type__code="enforcement_notice")
        client.post(reverse("assignment:step", args=[case.pk, "notice_served"]))
        notice.refresh_from_db()
        assert notice.status != Deadline.Status.MET
        client.post(reverse("assignment:step", args=[case.pk, "report_order_served"]))
        notice.refresh_from_db()
        assert notice.status == Deadline.Status.MET
        kinds = set(case.events.values_list("kind", flat=True))
        assert {CaseEvent.Kind.NOTICE_SERVED, CaseEvent.Kind.REPORT_ORDER_SERVED} <= kinds

    def test_asking_for_leads_meets_its_deadline(self, client, court, clerk, team_lead, judge, quick):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, judge).post(reverse("assignment:step", args=[case.pk, "leads_requested"]))
        assert Deadline.objects.get(case=case, node_type__code="ask_leads").status == Deadline.Status.MET
        assert case.events.filter(kind=CaseEvent.Kind.LEADS_REQUESTED).exists()

    def test_search_results_and_verified_leads_need_a_description(
        self, client, court, clerk, team_lead, judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, judge)
        client.post(reverse("assignment:step", args=[case.pk, "online_search_started"]))
        response = client.post(
            reverse("assignment:step", args=[case.pk, "online_search_results"]), {"detail": ""}, follow=True
        )
        assert messages_of(response) and not case.events.filter(kind="online_search_results").exists()
        client.post(
            reverse("assignment:step", args=[case.pk, "online_search_results"]), {"detail": "银行存款2万元"}
        )
        client.post(reverse("assignment:step", args=[case.pk, "lead_verified"]), {"detail": "车辆登记属实"})
        body = page_of(client, case)
        assert "银行存款2万元" in body and "车辆登记属实" in body  # on the timeline
        assert case.events.filter(kind="online_search_started").exists()

    def test_an_unknown_step_is_not_found(self, client, court, clerk, team_lead, judge, quick):
        case = assigned(court, clerk, team_lead, 1)
        assert (
            as_user(client, judge).post(reverse("assignment:step", args=[case.pk, "seize"])).status_code
            == 404
        )

    def test_notes_are_listed_newest_first(self, client, court, clerk, team_lead, judge, quick):
        case = assigned(court, clerk, team_lead, 1)
        as_user(client, judge)
        for text in ("第一条备注", "第二条备注"):
            client.post(reverse("assignment:note", args=[case.pk]), {"text": text})
        assert CaseNote.objects.filter(case=case).count() == 2
        body = page_of(client, case)
        notes = body[body.index('class="timeline notes"') :]
        assert notes.index("第二条备注") < notes.index("第一条备注")

    @pytest.mark.parametrize(
        ("name", "args", "data"),
        [
            ("override", [], {"stream": "complex", "reason": "x"}),
            ("reassign", [], {"judge": 1, "reason": "x"}),
            ("plan", [], {"risk_assessment": "x", "enforcement_plan": "y"}),
            ("step", ["notice_served"], {}),
            ("step", ["lead_verified"], {"detail": "x"}),
            ("note", [], {"text": "x"}),
            ("triage", [], {}),
            ("assign", [], {}),
        ],
    )
    def test_an_outsider_gets_404_posting_any_action(
        self, client, court, clerk, team_lead, quick, outsider, name, args, data
    ):
        case = assigned(court, clerk, team_lead, 1)
        events = case.events.count()
        response = as_user(client, outsider).post(reverse(f"assignment:{name}", args=[case.pk, *args]), data)
        assert response.status_code == 404
        assert case.events.count() == events

    def test_the_case_page_costs_the_same_queries_for_3_or_30_notes_and_events(
        self, client, court, clerk, team_lead, judge, second_judge, quick
    ):
        case = assigned(court, clerk, team_lead, 1)
        for n in range(3):
            services.add_note(actor=judge, case=case, text=f"备注{n}")
        url = reverse("case-detail", args=[case.pk])
        for persona in (judge, team_lead):
            as_user(client, persona)
            few = count_queries(client, url)
            for n in range(27):
                services.add_note(actor=second_judge, case=case, text=f"更多备注{n}")
                services.record_step(
                    actor=judge, case=case, step=services.Step.LEAD_VERIFIED, detail=f"线索{n}"
                )
            assert count_queries(client, url) == few, persona


def test_a_team_lead_opens_an_unassigned_case_from_the_desk_and_assigns_it_there(
    client, court, clerk, team_lead, judge, quick
):
    case = file(court, clerk, 1)
    body = page_of(as_user(client, team_lead), case)
    assert reverse("assignment:assign", args=[case.pk]) in body
    client.post(
        reverse("assignment:assign", args=[case.pk]), {"next": reverse("case-detail", args=[case.pk])}
    )
    case.refresh_from_db()
    assert case.responsible_judge == judge
