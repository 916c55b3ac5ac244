"""The 终本 pool (issue 14, point 3): ten re-search rounds opened by a 终本 closure, their alerts, their
results told to the applicant, and the leads parties send after the closure."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assignment import pool
from assignment.models import PoolRound
from assignment.selectors import next_pool_search, pool_overview, pool_rounds
from enforcement.models import Alert, Case, CaseEvent, Deadline, OutboxMessage, SmsMessage, TeamMembership
from enforcement.notify import recipients_for
from enforcement.scan import scan_deadlines
from enforcement.services.cases import close_case
from tests.closing import RULING, meet_terminate_round_conditions, terminate_round
from tests.factories import UserFactory
from tests.pool import (
    APPLICANT_PHONE,
    CLOSED,
    RESPONDENT_PHONE,
    at,
    pool_team,
    reviewer_of,
)

pytestmark = pytest.mark.django_db


def rounds_of(case: Case) -> list[Deadline]:
    return list(Deadline.objects.filter(case=case, node_type__code=pool.POOL_NODE).order_by("due_at"))


class TestOpening:
    def test_a_terminated_closure_opens_ten_rounds_six_months_apart_from_the_closure_day(self, pooled):
        clocks = rounds_of(pooled)
        assert len(clocks) == 10
        assert all(c.status == Deadline.Status.OPEN for c in clocks)
        # Round k: 6k months after 2026-06-03, moved off a rest day (2026-12-03 is a Thursday).
        assert clocks[0].due_date == datetime.date(2026, 12, 3)
        assert clocks[1].due_date == datetime.date(2027, 6, 3)
        assert [c.budget for c in clocks] == [6 * k for k in range(1, 11)]
        assert {timezone_date(c.anchor_at) for c in clocks} == {CLOSED.date()}
        rounds = list(PoolRound.objects.filter(case=pooled))
        assert [r.number for r in rounds] == list(range(1, 11))
        assert rounds[1].opens_on == datetime.date(2026, 12, 3)

    def test_the_rounds_are_anchored_on_the_closure_so_month_ends_do_not_drift(self, clock, open_case, judge):
        meet_terminate_round_conditions(open_case, judge)
        clock.move_to(at(2026, 8, 31))
        terminate_round(open_case, judge, reviewer_of(open_case))
        clocks = rounds_of(open_case)
        due = [c.due_date for c in clocks]
        # 31 August + 6 months is 28 February (month's last day), yet round 2 is 31 August again, not 28.
        assert due[0] == datetime.date(2027, 3, 1)  # 2027-02-28 is a Sunday: the next working day
        assert due[1] == datetime.date(2027, 8, 31)
        assert all(c.explanation for c in clocks)  # every due date explains itself

    def test_the_closing_page_lists_what_the_pool_will_do_and_the_closure_needs_it_confirmed(
        self, clock, open_case, judge
    ):
        meet_terminate_round_conditions(open_case, judge)
        clock.move_to(CLOSED)
        steps = pool.pending(open_case)
        assert len(steps) == 1 and "10" in steps[0].message and "2026-12-03" in steps[0].message
        with pytest.raises(ValidationError) as refused:
            terminate_round(open_case, judge, reviewer_of(open_case), confirm_steps=False)
        assert "confirm_steps" in refused.value.message_dict
        assert not rounds_of(open_case)

    def test_closing_another_way_opens_no_round(self, clock, open_case, judge):
        close_case(actor=judge, case=open_case, closure="dismissed", ruling_number=RULING)
        assert not rounds_of(open_case) and not PoolRound.objects.exists()

    def test_the_rounds_outlive_the_closure(self, pooled):
        pooled.refresh_from_db()
        assert pooled.status == Case.Status.CLOSED
        assert Deadline.objects.filter(case=pooled, node_type__code="case_limit").get().status == "met"
        assert all(c.is_active for c in rounds_of(pooled))


def timezone_date(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


class TestAlerts:
    def test_scanning_twice_raises_one_alert_per_round_and_level(self, clock, pooled):
        clock.move_to(at(2026, 11, 25))  # within the 15 days' warning of round 1
        first = scan_deadlines()
        again = scan_deadlines()
        assert first.alerts == 1 and again.alerts == 0
        alerts = Alert.objects.filter(case=pooled)
        assert [(a.level, a.node_type.code) for a in alerts] == [("nearing", "pool_research")]
        # The pool's re-search is not an urgent node: its alert waits for the keeper's daily digest.
        assert not OutboxMessage.objects.filter(alert__case=pooled).exists()
        clock.move_to(at(2026, 12, 4))
        assert scan_deadlines().alerts == 1 and scan_deadlines().alerts == 0
        assert Alert.objects.filter(case=pooled, level="overdue").count() == 1

    def test_the_alert_goes_to_the_case_judge_without_a_pool_team(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 25))
        scan_deadlines()
        assert recipients_for(Alert.objects.get(case=pooled)).users == [judge]

    def test_the_alert_goes_to_the_pool_team_when_the_court_has_one(self, clock, pooled, court, pool_lead):
        keeper = UserFactory(username="keeper", roles=["judge"], courts=[court])
        assistant = UserFactory(username="helper", roles=["assistant"], courts=[court])
        pool_team(court, (pool_lead, TeamMembership.Role.LEAD), (keeper, "judge"), (assistant, "assistant"))
        clock.move_to(at(2026, 11, 25))
        scan_deadlines()
        assert recipients_for(Alert.objects.get(case=pooled)).users == [pool_lead, keeper]


class TestRecording:
    def test_a_round_found_nothing_reaches_the_applicant_only(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        recorded = pool.record_round(actor=judge, case=pooled, outcome="nothing", note="总对总查控无结果")
        assert recorded.number == 1 and recorded.recorded
        assert rounds_of(pooled)[0].status == Deadline.Status.MET
        event = pooled.events.get(kind=CaseEvent.Kind.POOL_SEARCH_RECORDED)
        assert event.public and event.detail == ""
        sms = SmsMessage.objects.filter(event=event)
        assert [m.phone for m in sms] == [APPLICANT_PHONE]  # never the respondent's
        assert pooled.number in sms[0].text and "（第1次）" in sms[0].text  # in the court's language
        assert not SmsMessage.objects.filter(event=event, phone=RESPONDENT_PHONE).exists()

    def test_property_found_must_say_what_and_the_public_text_does_not(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        with pytest.raises(ValidationError) as refused:
            pool.record_round(actor=judge, case=pooled, outcome="found")
        assert "property_found" in refused.value.message_dict
        pool.record_round(actor=judge, case=pooled, outcome="found", property_found="工商银行账户存款3万元")
        event = pooled.events.get(kind=CaseEvent.Kind.POOL_SEARCH_RECORDED)
        assert "工商银行" not in event.text and "工商银行" not in str(event.text_params)
        assert PoolRound.objects.get(case=pooled, number=1).property_found == "工商银行账户存款3万元"

    def test_the_next_round_is_not_recorded_before_its_window_opens(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        pool.record_round(actor=judge, case=pooled, outcome="nothing")
        with pytest.raises(ValidationError) as refused:
            pool.record_round(actor=judge, case=pooled, outcome="nothing")
        assert "第2次" in " ".join(refused.value.messages) and "2026-12-03" in " ".join(
            refused.value.messages
        )

    def test_an_overdue_round_is_recorded_late_and_moves_no_later_round(self, clock, pooled, judge):
        clock.move_to(at(2027, 1, 15))
        recorded = pool.record_round(actor=judge, case=pooled, outcome="nothing")
        assert recorded.number == 1
        clocks = rounds_of(pooled)
        assert clocks[0].status == "met" and clocks[0].met_late
        assert clocks[1].due_date == datetime.date(2027, 6, 3)

    def test_the_progress_reads_the_next_search(self, clock, pooled, judge):
        assert next_pool_search(pooled.pk).due_date == datetime.date(2026, 12, 3)
        clock.move_to(at(2026, 11, 20))
        pool.record_round(actor=judge, case=pooled, outcome="nothing")
        found = next_pool_search(pooled.pk)
        assert (found.due_date, found.round, found.rounds) == (datetime.date(2027, 6, 3), 2, 10)

    @pytest.mark.parametrize("persona", ["clerk", "supervisor", "outsider", "finance"])
    def test_only_the_keeper_records_a_round(self, request, clock, pooled, persona):
        clock.move_to(at(2026, 11, 20))
        with pytest.raises(PermissionDenied):
            pool.record_round(actor=request.getfixturevalue(persona), case=pooled, outcome="nothing")
        assert not PoolRound.objects.filter(case=pooled).exclude(outcome="").exists()

    def test_with_a_pool_team_its_members_record_and_the_old_judge_no_longer(
        self, clock, pooled, court, judge, pool_lead
    ):
        pool_team(court, (pool_lead, TeamMembership.Role.LEAD))
        clock.move_to(at(2026, 11, 20))
        with pytest.raises(PermissionDenied):
            pool.record_round(actor=judge, case=pooled, outcome="nothing")
        pool.record_round(actor=pool_lead, case=pooled, outcome="nothing")

    def test_an_open_case_has_no_pool_round_to_record(self, open_case, judge):
        with pytest.raises(ValidationError):
            pool.record_round(actor=judge, case=open_case, outcome="nothing")


class TestOverview:
    def test_due_this_month_overdue_and_leads_are_listed(self, clock, pooled, supervisor):
        clock.move_to(at(2026, 12, 1))
        view = pool_overview(supervisor)
        assert [r.round.number for r in view.due_this_month] == [1] and view.overdue == []
        clock.move_to(at(2027, 1, 5))
        view = pool_overview(supervisor)
        assert [r.round.number for r in view.overdue] == [1] and view.due_this_month == []
        assert view.cases == 1

    def test_the_panel_rows_say_each_rounds_state(self, clock, pooled, judge):
        clock.move_to(at(2026, 11, 20))
        pool.record_round(actor=judge, case=pooled, outcome="nothing")
        clock.move_to(at(2026, 12, 10))
        states = [row.status for row in pool_rounds(pooled)]
        assert states[:3] == ["recorded", "due", "later"]
