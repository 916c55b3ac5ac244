"""The deadline engine: calendar arithmetic, deductions, extensions, meeting and cancelling clocks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcement.duedates import Budget, DeductedPeriod, compute_due_date, describe
from enforcement.models import Alert, Case, Deadline, Extension
from enforcement.scan import scan_deadlines
from enforcement.services import cases as case_services
from enforcement.services import deadlines as engine
from enforcement.workcalendar import WorkingCalendar
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def due(
    anchor: datetime.date, amount: int, unit: str = "days", working: bool = False, **kwargs
) -> datetime.date:
    result = compute_due_date(
        anchor=anchor,
        budget=Budget(amount, unit, working),
        calendar=WorkingCalendar(None),
        today=kwargs.pop("today", D(2026, 11, 21)),
        **kwargs,
    )
    return result.last_day


def file_at(when: datetime.datetime, court, clerk, n: int = 1, **overrides) -> Case:
    with time_machine.travel(when, tick=False):
        return intake.file_case(actor=clerk, application=application(court, n, **overrides)).case


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The explanations are checked in English (the interface defaults to Chinese)."""
    with translation.override("en"):
        yield


class TestCalendarArithmetic:
    def test_a_period_ending_on_the_national_day_holiday_ends_on_the_next_working_day(self):
        assert due(D(2026, 9, 28), 7) == D(2026, 10, 8)

    def test_the_explanation_names_the_holiday_and_the_roll_over(self):
        result = compute_due_date(
            anchor=D(2026, 9, 28),
            budget=Budget(7, "days"),
            calendar=WorkingCalendar(None),
            today=D(2026, 9, 28),
        )
        words = [describe(step) for step in result.explanation]
        assert words[0].startswith("Clock started on 2026-09-28")
        assert "2026-10-05" in words[1]
        assert "2026-10-05" in words[2] and "国庆节" in words[2] and "2026-10-08" in words[2]

    def test_the_make_up_saturday_is_a_working_day(self):
        assert due(D(2026, 10, 3), 7) == D(2026, 10, 10)

    def test_an_ordinary_sunday_rolls_to_monday(self):
        assert due(D(2026, 10, 4), 7) == D(2026, 10, 12)

    def test_working_days_skip_the_holiday_and_count_the_make_up_saturday(self):
        assert due(D(2026, 9, 30), 3, working=True) == D(2026, 10, 10)

    def test_a_month_period_lands_on_the_same_day_of_the_month(self):
        assert due(D(2026, 3, 16), 6, "months") == D(2026, 9, 16)

    def test_a_month_period_lands_on_the_last_day_of_a_shorter_month(self):
        assert due(D(2026, 3, 31), 6, "months") == D(2026, 9, 30)

    def test_month_end_into_february_of_a_year_not_loaded_rolls_off_the_weekend_and_says_so(self):
        result = compute_due_date(
            anchor=D(2026, 8, 31),
            budget=Budget(6, "months"),
            calendar=WorkingCalendar(None),
            today=D(2026, 9, 1),
        )
        assert result.last_day == D(2027, 3, 1)  # 2027-02-28 is a Sunday
        words = " ".join(describe(step) for step in result.explanation)
        assert "its last day" in words
        assert "holiday notice for 2027 is not loaded yet" in words

    def test_a_finished_deduction_adds_its_days_both_ends_included(self):
        # It starts while the clock runs (its last day, 10-05, rolls to 10-09 off the National Day holiday);
        # one starting after that would count nothing (tests/enforcement/test_deductions_rules.py).
        period = DeductedPeriod("appraisal", D(2026, 10, 2), D(2026, 10, 13))
        # 10-05 + 12 days = 10-17, a Saturday: 10-19.
        assert due(D(2026, 9, 28), 7, deductions=[period]) == D(2026, 10, 19)

    def test_a_running_deduction_counts_up_to_today_and_pauses_the_clock(self):
        result = compute_due_date(
            anchor=D(2026, 11, 2),
            budget=Budget(7, "days"),
            calendar=WorkingCalendar(None),
            deductions=[DeductedPeriod("audit", D(2026, 11, 5), None)],
            today=D(2026, 11, 9),
        )
        assert result.paused
        assert result.last_day == D(2026, 11, 16)
        assert "still running" in describe(result.explanation[2])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    anchor=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)),
    amount=st.integers(min_value=1, max_value=40),
    months=st.booleans(),
)
def test_a_rolled_due_date_is_never_a_rest_day_nor_earlier_than_anchor_plus_budget(anchor, amount, months):
    calendar = WorkingCalendar(None)
    unit = "months" if months else "days"
    amount = amount % 12 + 1 if months else amount
    result = compute_due_date(anchor=anchor, budget=Budget(amount, unit), calendar=calendar, today=anchor)
    plain = anchor + (datetime.timedelta(days=amount) if not months else datetime.timedelta(days=0))
    if months:
        from dateutil.relativedelta import relativedelta

        plain = anchor + relativedelta(months=amount)
    assert not calendar.is_rest_day(result.last_day)
    assert result.last_day >= plain


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    anchor=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 10, 31)),
    amount=st.integers(min_value=1, max_value=200),
    start_offset=st.integers(min_value=0, max_value=60),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=90)),
    working=st.booleans(),
)
def test_adding_a_deduction_never_makes_a_deadline_earlier(anchor, amount, start_offset, length, working):
    calendar = WorkingCalendar(None)
    start = anchor + datetime.timedelta(days=start_offset)
    end = None if length is None else start + datetime.timedelta(days=length)
    today = max(start, end or start) + datetime.timedelta(days=1)
    budget = Budget(amount, "days", working)
    without = compute_due_date(anchor=anchor, budget=budget, calendar=calendar, today=today)
    with_it = compute_due_date(
        anchor=anchor,
        budget=budget,
        calendar=calendar,
        today=today,
        deductions=[DeductedPeriod("audit", start, end)],
    )
    assert with_it.last_day >= without.last_day


class TestFilingOpensDeadlines:
    def test_filing_opens_the_assignment_and_the_six_month_limit(self, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        deadlines = {d.node_type.code: d for d in case.deadlines.all()}
        assert set(deadlines) == {"assign_judge", "case_limit"}
        assert deadlines["assign_judge"].due_date == D(2026, 10, 8)
        assert deadlines["assign_judge"].due_at == datetime.datetime(2026, 10, 9, tzinfo=SHANGHAI)
        assert deadlines["case_limit"].due_date == D(2027, 3, 29)  # 03-28 is a Sunday
        assert all(d.status == Deadline.Status.OPEN for d in deadlines.values())

    def test_a_non_litigation_title_gets_three_months(self, court, clerk):
        case = file_at(at(2026, 9, 1), court, clerk, title_kind=Case.TitleKind.ARBITRATION)
        limit = case.deadlines.get(node_type__code="case_limit_non_litigation")
        assert limit.due_date == D(2026, 12, 1)

    def test_a_courts_own_node_type_overrides_the_default(self, court, clerk):
        default = engine.node_type_for(court, "assign_judge")
        default.pk, default.court, default.budget = None, court, 5
        default.save()
        case = file_at(at(2026, 11, 2), court, clerk)
        assert case.deadlines.get(node_type__code="assign_judge").due_date == D(2026, 11, 9)  # 11-07 Sat

    def test_the_api_lists_deadlines_with_their_explanation(self, client, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        client.force_login(clerk)
        body = client.get(reverse("api-case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
        assign = next(d for d in body["deadlines"] if d["node"] == "assign_judge")
        assert assign["due_date"] == "2026-10-08"
        assert assign["status"] == "open"
        assert assign["due_at"] == "2026-10-09T00:00:00+08:00"
        assert any("2026-10-08" in line for line in assign["explanation"])

    def test_the_case_page_explains_each_deadline(self, client, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        client.force_login(clerk)
        html = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="deadlines"' in html
        assert "moved to the next working day, 2026-10-08" in html


class TestMeetAndCancel:
    def test_meeting_a_deadline_resolves_its_alert(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))
        alert = Alert.objects.get(case=case, level=Alert.Level.OVERDUE)
        met = engine.meet_deadline(case=case, code="assign_judge", actor=judge)
        assert [d.status for d in met] == [Deadline.Status.MET]
        alert.refresh_from_db()
        assert alert.resolved_at is not None
        assert engine.meet_deadline(case=case, code="assign_judge", actor=judge) == []

    def test_closing_the_case_meets_its_limit_cancels_its_step_clocks_and_resolves_alerts(
        self, court, clerk, judge
    ):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))
        case_services.close_case(actor=judge, case=case, closure=Case.Closure.PERFORMED, note="已履行完毕")
        statuses = dict(case.deadlines.values_list("node_type__code", "status"))
        assert statuses.pop("case_limit") == Deadline.Status.MET
        assert set(statuses.values()) == {Deadline.Status.CANCELLED}
        assert not Alert.objects.filter(resolved_at__isnull=True).exists()
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED
        assert case.events.filter(kind="case_closed", public=True).exists()
        with pytest.raises(ValidationError):
            case_services.close_case(actor=judge, case=case, closure=Case.Closure.PERFORMED)

    def test_a_clerk_may_not_close_a_case(self, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        with pytest.raises(PermissionDenied):
            case_services.close_case(actor=clerk, case=case, closure=Case.Closure.PERFORMED)


class TestDeductions:
    def test_a_supervisor_deducts_a_finished_period_and_the_due_date_moves(self, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        limit = case.deadlines.get(node_type__code="case_limit")
        with time_machine.travel(at(2026, 11, 21), tick=False):
            engine.add_deduction(
                actor=supervisor,
                deadline=limit,
                kind="appraisal",
                start_date=D(2026, 10, 12),
                end_date=D(2026, 10, 23),
                reason="委托评估",
            )
        limit.refresh_from_db()
        assert limit.due_date == D(2027, 4, 9)  # 03-28 + 12 days
        assert any("Appraisal" in describe(s) or "评估" in describe(s) for s in limit.explanation)
        assert limit.deductions.get().history.count() == 1

    def test_a_running_deduction_pauses_the_clock_until_it_ends(self, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        assign = case.deadlines.get(node_type__code="assign_judge")
        with time_machine.travel(at(2026, 10, 1), tick=False):
            deduction = engine.add_deduction(
                actor=supervisor,
                deadline=assign,
                kind="jurisdiction",
                start_date=D(2026, 10, 1),
                reason="管辖异议",
            )
        assign.refresh_from_db()
        assert assign.paused
        result = scan_deadlines(now=at(2026, 10, 20))
        assign.refresh_from_db()
        assert assign.status == Deadline.Status.OPEN
        assert result.overdue == 0
        with time_machine.travel(at(2026, 10, 20), tick=False):
            engine.end_deduction(actor=supervisor, deduction=deduction, end_date=D(2026, 10, 14))
        assign.refresh_from_db()
        assert not assign.paused
        assert assign.due_date == D(2026, 10, 19)  # 10-05 + 14 days

    def test_only_supervisors_approve_deductions(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        with pytest.raises(PermissionDenied):
            engine.add_deduction(
                actor=judge,
                deadline=case.deadlines.first(),
                kind="audit",
                start_date=D(2026, 10, 1),
                reason="x",
            )

    def test_a_deduction_that_ends_before_it_starts_is_refused(self, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        with pytest.raises(ValidationError):
            engine.add_deduction(
                actor=supervisor,
                deadline=case.deadlines.first(),
                kind="audit",
                start_date=D(2026, 10, 10),
                end_date=D(2026, 10, 1),
                reason="审计",
            )

    def test_an_overdue_deadline_given_a_deduction_is_no_longer_overdue_and_its_alert_resolved(
        self, court, clerk, supervisor
    ):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))
        assign = case.deadlines.get(node_type__code="assign_judge")
        assert assign.status == Deadline.Status.OVERDUE
        with time_machine.travel(at(2026, 10, 9, 2), tick=False):
            engine.add_deduction(
                actor=supervisor,
                deadline=assign,
                kind="public_notice",
                start_date=D(2026, 10, 1),
                end_date=D(2026, 10, 7),
                reason="公告送达",
            )
        assign.refresh_from_db()
        assert assign.status == Deadline.Status.OPEN
        assert assign.generation == 1
        assert not Alert.objects.filter(deadline=assign, resolved_at__isnull=True).exists()
        # It can become overdue again later, and then it gets a new alert.
        scan_deadlines(now=at(2026, 10, 20))
        assert Alert.objects.filter(deadline=assign, level="overdue").count() == 2


class TestExtensions:
    @pytest.fixture
    def president(self, court):
        return UserFactory(username="president", roles=["president"], courts=[court])

    def test_an_extension_approved_by_a_president_moves_the_limit(self, court, clerk, judge, president):
        case = file_at(at(2026, 9, 28), court, clerk)
        limit = case.deadlines.get(node_type__code="case_limit")
        with time_machine.travel(at(2027, 3, 1), tick=False):
            request = engine.request_extension(actor=judge, deadline=limit, months=3, reason="财产尚在拍卖")
            engine.decide_extension(actor=president, extension=request, approve=True, note="同意")
        limit.refresh_from_db()
        assert limit.due_date == D(2027, 6, 28)
        request.refresh_from_db()
        assert request.status == Extension.Status.APPROVED
        assert request.history.count() == 2

    def test_an_extension_must_be_asked_for_at_least_five_days_before_expiry(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        limit = case.deadlines.get(node_type__code="case_limit")
        with time_machine.travel(at(2027, 3, 25), tick=False), pytest.raises(ValidationError):
            engine.request_extension(actor=judge, deadline=limit, months=3, reason="x")

    def test_only_a_president_decides_and_never_on_his_own_request(
        self, court, clerk, judge, supervisor, president
    ):
        case = file_at(at(2026, 9, 28), court, clerk)
        limit = case.deadlines.get(node_type__code="case_limit")
        with time_machine.travel(at(2026, 12, 1), tick=False):
            request = engine.request_extension(actor=judge, deadline=limit, months=3, reason="x")
            with pytest.raises(PermissionDenied):
                engine.decide_extension(actor=supervisor, extension=request, approve=True)
            own = UserFactory(username="vp", roles=["president", "judge"], courts=[court])
            engine.decide_extension(actor=president, extension=request, approve=False, note="理由不足")
            second = engine.request_extension(actor=own, deadline=limit, months=1, reason="y")
            with pytest.raises(PermissionDenied):
                engine.decide_extension(actor=own, extension=second, approve=True)

    def test_a_node_that_is_not_extendable_cannot_be_extended(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        with time_machine.travel(at(2026, 9, 29), tick=False), pytest.raises(ValidationError):
            engine.request_extension(
                actor=judge, deadline=case.deadlines.get(node_type__code="assign_judge"), months=1, reason="x"
            )


class TestCasePageActions:
    def test_a_supervisor_records_a_deduction_from_the_case_page(self, client, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        limit = case.deadlines.get(node_type__code="case_limit")
        client.force_login(supervisor)
        url = reverse("deduction-add", args=[case.pk, limit.pk])
        with time_machine.travel(at(2026, 10, 12), tick=False):  # a period that has ended
            response = client.post(
                url, {"kind": "audit", "start_date": "2026-10-01", "end_date": "2026-10-10", "reason": "审计"}
            )
        assert response.status_code == 302
        limit.refresh_from_db()
        assert limit.deductions.count() == 1

    def test_a_judge_cannot_record_a_deduction_and_sees_why(self, client, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        Case.objects.filter(pk=case.pk).update(responsible_judge=judge)
        limit = case.deadlines.get(node_type__code="case_limit")
        client.force_login(judge)
        response = client.post(
            reverse("deduction-add", args=[case.pk, limit.pk]),
            {"kind": "audit", "start_date": "2026-10-01", "reason": "x"},
            follow=True,
        )
        assert limit.deductions.count() == 0
        assert list(response.context["messages"])

    def test_another_courts_staff_get_a_404(self, client, court, clerk, outsider):
        case = file_at(at(2026, 9, 28), court, clerk)
        client.force_login(outsider)
        limit = case.deadlines.get(node_type__code="case_limit")
        assert client.post(reverse("deduction-add", args=[case.pk, limit.pk]), {}).status_code == 404
        assert client.post(reverse("case-close", args=[case.pk]), {}).status_code == 404

    def test_a_judge_closes_the_case_from_the_case_page(self, client, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        Case.objects.filter(pk=case.pk).update(responsible_judge=judge)
        client.force_login(judge)
        client.post(reverse("case-close", args=[case.pk]), {"closure": "performed", "note": "履行完毕"})
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED


class TestNodeTypeEdits:
    def test_editing_a_node_type_changes_new_deadlines_not_running_ones(self, court, clerk, supervisor):
        first = file_at(at(2026, 9, 28), court, clerk, 1)
        node = engine.node_type_for(court, "assign_judge")
        node.budget = 3
        node.save()
        second = file_at(at(2026, 9, 28), court, clerk, 2)
        running = first.deadlines.get(node_type__code="assign_judge")
        with time_machine.travel(at(2026, 9, 30), tick=False):
            engine.add_deduction(
                actor=supervisor,
                deadline=running,
                kind="audit",
                start_date=D(2026, 9, 29),
                end_date=D(2026, 9, 29),
                reason="审计",
            )
        running.refresh_from_db()
        assert running.budget == 7
        assert running.due_date == D(2026, 10, 8)  # 10-05 + 1 day = 10-06, a holiday
        assert second.deadlines.get(node_type__code="assign_judge").due_date == D(2026, 10, 8)  # 10-01 + roll

    def test_an_alert_that_stays_open_follows_its_deadlines_new_due_time(self, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))
        assign = case.deadlines.get(node_type__code="assign_judge")
        with time_machine.travel(at(2026, 10, 20), tick=False):
            engine.add_deduction(
                actor=supervisor,
                deadline=assign,
                kind="audit",
                start_date=D(2026, 10, 1),
                end_date=D(2026, 10, 5),
                reason="审计",
            )
        assign.refresh_from_db()
        alert = Alert.objects.get(deadline=assign)
        assert assign.due_date == D(2026, 10, 10)  # 10-05 + 5 days: the make-up Saturday
        assert assign.status == Deadline.Status.OVERDUE  # still overdue on 10-20
        assert alert.resolved_at is None
        assert alert.due_at == assign.due_at
