"""Deducted periods that cannot be are refused, and the engine counts the ones there are once each.

- overlapping periods count once, as the union of their days, in the due date and in the explanation;
- a period counts only from the day after the clock started, and one that ended by then is refused;
- a period starting after the limit ran out is refused (and counts nothing in the engine);
- 暂缓执行 (deferral) lasts at most 3 months, and 3 more with an additional period approved by a second
  person; both numbers are data (``DeductionRule``).

Every test sets the clock (time_machine), so it holds on any day.
"""

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
from enforcement.models import CalendarDay, CalendarYear, Case, Deadline, Deduction, DeductionRule
from enforcement.services import deadlines as engine
from enforcement.workcalendar import WorkingCalendar
from intake import services as intake
from tests.factories import CourtFactory, UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
DEFERRAL = Deduction.Kind.DEFERRAL

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def in_english_with_2027_as_in_the_package():
    """Messages in English; 2027 without its notice (as the chinesecalendar package has it today), so the
    case limits that end in 2027 have the same last day whatever the package learns."""
    CalendarDay.objects.filter(date__year=2027, court=None).delete()
    CalendarYear.objects.filter(year=2027).delete()
    with translation.override("en"):
        yield


def file_at(when: datetime.datetime, court, clerk, n: int = 1) -> Case:
    with time_machine.travel(when, tick=False):
        return intake.file_case(actor=clerk, application=application(court, n)).case


@pytest.fixture
def case(court, clerk) -> Case:
    """Filed on Monday 2026-09-28: "assign a judge" ends 2026-10-08 (10-05 rolls off the National Day
    holiday), the case limit 2027-03-29 (03-28 is a Sunday)."""
    return file_at(at(2026, 9, 28), court, clerk)


def clock(case: Case, code: str) -> Deadline:
    return Deadline.objects.get(case=case, node_type__code=code)


def words(deadline: Deadline) -> list[str]:
    return [describe(step) for step in deadline.explanation]


def steps(deadline: Deadline, code: str) -> list[dict]:  # type: ignore[type-arg]
    return [step for step in deadline.explanation if step["code"] == code]


def deduct(
    actor, deadline: Deadline, kind: str, start: D, end: D | None, when: datetime.datetime
) -> Deduction:
    with time_machine.travel(when, tick=False):
        return engine.add_deduction(
            actor=actor, deadline=deadline, kind=kind, start_date=start, end_date=end, reason="依法扣除"
        )


def refused(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def engine_due(anchor: D, amount: int, periods: list[DeductedPeriod], today: D) -> tuple[D, list[dict]]:  # type: ignore[type-arg]
    result = compute_due_date(
        anchor=anchor,
        budget=Budget(amount, "days"),
        calendar=WorkingCalendar(None),
        deductions=periods,
        today=today,
    )
    return result.last_day, result.explanation


def test_the_case_fixture_is_what_the_tests_say(case):
    assert clock(case, "assign_judge").due_date == D(2026, 10, 8)
    assert clock(case, "case_limit").due_date == D(2027, 3, 29)


# --- Overlaps -------------------------------------------------------------------------------------------


class TestOverlappingPeriods:
    def test_two_overlapping_deductions_count_their_shared_16_days_once(self, case, supervisor):
        limit = clock(case, "case_limit")
        deduct(supervisor, limit, "appraisal", D(2026, 10, 1), D(2026, 10, 20), at(2026, 11, 2))
        deduct(supervisor, limit, "audit", D(2026, 10, 5), D(2026, 10, 24), at(2026, 11, 2))
        limit.refresh_from_db()
        # 20 + 20 days with 10-05..10-20 (16 days) shared: the union 10-01..10-24 is 24 days.
        # 2027-03-28 + 24 = 2027-04-21 (a Wednesday); counted twice it was 2027-05-07.
        assert limit.due_date == D(2027, 4, 21)
        first, second = steps(limit, "deduction")
        assert (first["kind"], first["days"]) == ("appraisal", 20)
        assert "overlap" not in first
        assert (second["kind"], second["days"], second["overlap"]) == ("audit", 4, 16)

    def test_the_explanation_says_how_many_days_each_period_added_once_overlaps_are_removed(
        self, case, supervisor
    ):
        limit = clock(case, "case_limit")
        deduct(supervisor, limit, "appraisal", D(2026, 10, 1), D(2026, 10, 20), at(2026, 11, 2))
        deduct(supervisor, limit, "audit", D(2026, 10, 5), D(2026, 10, 24), at(2026, 11, 2))
        limit.refresh_from_db()
        text = words(limit)
        assert "+20 days deducted: Appraisal and valuation, 2026-10-01 to 2026-10-20 → 2027-04-17" in text
        assert (
            "+4 days deducted: Audit, 2026-10-05 to 2026-10-24 → 2027-04-21 "
            "(16 days already counted by an earlier overlapping period)"
        ) in text

    def test_a_period_inside_another_adds_no_day_and_says_so(self):
        inner = DeductedPeriod("audit", D(2026, 10, 5), D(2026, 10, 8))
        outer = DeductedPeriod("appraisal", D(2026, 10, 1), D(2026, 10, 20))
        last_day, explanation = engine_due(D(2026, 9, 28), 30, [inner, outer], today=D(2026, 11, 1))
        # 10-28 + 20 days = 11-17 (a Tuesday); the inner period's 4 days are inside the outer one's.
        assert last_day == D(2026, 11, 17)
        audit = next(s for s in explanation if s.get("kind") == "audit")
        assert (audit["days"], audit["overlap"]) == (0, 4)

    def test_a_running_period_overlapping_a_finished_one_counts_only_its_new_days(self):
        finished = DeductedPeriod("appraisal", D(2026, 10, 1), D(2026, 10, 10))
        running = DeductedPeriod("jurisdiction", D(2026, 10, 6), None)
        result = compute_due_date(
            anchor=D(2026, 9, 28),
            budget=Budget(30, "days"),
            calendar=WorkingCalendar(None),
            deductions=[finished, running],
            today=D(2026, 10, 15),
        )
        # 10 days, then 10-11..10-15 (5 new days): 10-28 + 15 = 11-12.
        assert result.paused
        assert result.last_day == D(2026, 11, 12)
        step = next(s for s in result.explanation if s["code"] == "deduction_running")
        assert (step["days"], step["overlap"]) == (5, 5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offsets=st.lists(
        st.tuples(st.integers(min_value=-20, max_value=40), st.integers(min_value=0, max_value=30)),
        min_size=1,
        max_size=4,
    ),
    budget=st.integers(min_value=5, max_value=60),
)
def test_the_due_date_is_the_same_in_any_order_and_with_any_period_repeated(offsets, budget):
    anchor = D(2026, 3, 2)
    periods = [
        DeductedPeriod(
            "audit", anchor + datetime.timedelta(days=start), anchor + datetime.timedelta(days=start + n)
        )
        for start, n in offsets
    ]
    today = D(2026, 12, 1)
    once, _ = engine_due(anchor, budget, periods, today)
    assert engine_due(anchor, budget, list(reversed(periods)), today)[0] == once
    assert engine_due(anchor, budget, periods + periods[:1], today)[0] == once
    # Never more than the union of their days after the anchor (and a roll-off), however they overlap.
    union = {
        p.start + datetime.timedelta(days=i)
        for p in periods
        for i in range((p.end - p.start).days + 1)  # type: ignore[operator]
        if p.start + datetime.timedelta(days=i) > anchor
    }
    without, _ = engine_due(anchor, budget, [], today)
    assert once <= without + datetime.timedelta(days=len(union) + 10)
    assert once >= without


# --- The anchor ------------------------------------------------------------------------------------------


class TestPeriodsAndTheAnchor:
    def test_a_deduction_lying_wholly_before_filing_is_refused_and_nothing_is_saved(self, case, supervisor):
        limit = clock(case, "case_limit")
        before = (limit.due_date, limit.explanation)
        with pytest.raises(ValidationError) as error:
            deduct(supervisor, limit, "appraisal", D(2026, 8, 1), D(2026, 8, 30), at(2026, 10, 1))
        assert "the day this clock started" in refused(error.value)["end_date"][0]
        assert "2026-09-28" in refused(error.value)["end_date"][0]
        limit.refresh_from_db()
        assert (limit.due_date, limit.explanation) == before
        assert not Deduction.objects.exists()

    def test_a_period_ending_on_the_anchor_day_itself_is_refused(self, case, supervisor):
        with pytest.raises(ValidationError) as error:
            deduct(
                supervisor, clock(case, "case_limit"), "audit", D(2026, 9, 1), D(2026, 9, 28), at(2026, 10, 1)
            )
        assert "end_date" in refused(error.value)

    def test_the_engine_counts_nothing_for_a_period_before_the_anchor(self):
        # 30 days before filing used to add 30 days.
        period = DeductedPeriod("appraisal", D(2026, 8, 1), D(2026, 8, 30))
        last_day, explanation = engine_due(D(2026, 9, 28), 7, [period], today=D(2026, 10, 1))
        assert last_day == D(2026, 10, 8)  # as without it
        assert explanation[2]["code"] == "deduction_before_anchor"
        assert "it ended by 2026-09-28, the day the clock started" in describe(explanation[2])

    def test_a_period_that_began_before_the_anchor_counts_from_the_day_after_it(self, case, supervisor):
        assign = clock(case, "assign_judge")
        deduct(supervisor, assign, "jurisdiction", D(2026, 9, 20), D(2026, 10, 5), at(2026, 10, 6))
        assign.refresh_from_db()
        # Kept as recorded; counted 09-29..10-05, 7 days: 10-05 + 7 = 10-12 (10-10 is a make-up Saturday,
        # 10-11 a Sunday). Counted from 09-20 it was 16 days.
        assert assign.deductions.get().start_date == D(2026, 9, 20)
        assert assign.due_date == D(2026, 10, 12)
        step = steps(assign, "deduction")[0]
        assert (step["days"], step["counted_from"]) == (7, "2026-09-29")
        assert "counted from 2026-09-29, the day after the clock started" in describe(step)

    def test_a_running_period_that_began_before_the_anchor_pauses_from_the_anchor(self):
        result = compute_due_date(
            anchor=D(2026, 11, 2),
            budget=Budget(15, "days"),
            calendar=WorkingCalendar(None),
            deductions=[DeductedPeriod("payout_hold", D(2026, 10, 20), None)],
            today=D(2026, 11, 2),
        )
        assert result.paused
        assert result.last_day == D(2026, 11, 17)  # no day counted yet


# --- The due date ----------------------------------------------------------------------------------------


class TestPeriodsAfterTheLimitRanOut:
    def test_a_deduction_starting_after_the_deadline_expired_is_refused(self, case, supervisor):
        assign = clock(case, "assign_judge")  # ran out on 2026-10-08
        with pytest.raises(ValidationError) as error:
            deduct(supervisor, assign, "public_notice", D(2026, 10, 10), D(2026, 10, 15), at(2026, 10, 20))
        message = refused(error.value)["start_date"][0]
        assert "ran out on 2026-10-08" in message and "extended" in message
        assign.refresh_from_db()
        assert assign.due_date == D(2026, 10, 8)
        assert not Deduction.objects.exists()

    def test_a_running_deduction_starting_after_expiry_is_refused_too(self, case, supervisor):
        with pytest.raises(ValidationError) as error:
            deduct(supervisor, clock(case, "assign_judge"), "audit", D(2026, 10, 9), None, at(2026, 10, 9))
        assert "start_date" in refused(error.value)
        assert not clock(case, "assign_judge").paused

    def test_a_period_starting_on_the_last_day_is_accepted(self, case, supervisor):
        assign = clock(case, "assign_judge")
        deduct(supervisor, assign, "audit", D(2026, 10, 8), D(2026, 10, 9), at(2026, 10, 9))
        assign.refresh_from_db()
        # The clock held at its last day, 10-08; the period's 2 days end it on 10-10, a make-up Saturday.
        assert assign.due_date == D(2026, 10, 10)

    def test_the_engine_does_not_move_an_expired_due_date(self):
        late = DeductedPeriod("audit", D(2026, 10, 10), D(2026, 10, 15))
        last_day, explanation = engine_due(D(2026, 9, 28), 7, [late], today=D(2026, 10, 20))
        assert last_day == D(2026, 10, 8)
        assert explanation[2]["code"] == "deduction_after_expiry"
        assert "had already run out on 2026-10-08" in describe(explanation[2])

    def test_a_period_starting_on_the_rolled_over_days_never_ends_after_the_due_date(self):
        # 10-05 is in the National Day holiday: the limit's working last day is 10-08. A period from 10-07
        # holds the clock at 10-08; its 3 days then end it on 10-11, a Sunday: 10-12.
        period = DeductedPeriod("audit", D(2026, 10, 7), D(2026, 10, 9))
        last_day, _ = engine_due(D(2026, 9, 28), 7, [period], today=D(2026, 10, 20))
        assert last_day == D(2026, 10, 12)


# --- 暂缓执行 -----------------------------------------------------------------------------------------------


@pytest.fixture
def second_supervisor(court):
    return UserFactory(username="supervisor2", roles=["supervisor"], courts=[court])


def running_deferral(case: Case, supervisor) -> Deduction:
    """A 暂缓执行 of the case limit from 2026-10-10: its 3 months end on 2027-01-10, 3 more on 2027-04-10."""
    return deduct(supervisor, clock(case, "case_limit"), DEFERRAL, D(2026, 10, 10), None, at(2026, 10, 10))


class TestDeferralLimits:
    def test_the_rule_is_data_seeded_by_the_migration(self):
        rule = DeductionRule.objects.get(kind=DEFERRAL, court=None)
        assert (rule.months_without_approval, rule.additional_months) == (3, 3)
        assert "暂缓执行" in rule.basis

    def test_a_deferral_recorded_longer_than_three_months_is_refused(self, case, supervisor):
        with pytest.raises(ValidationError) as error:
            deduct(
                supervisor,
                clock(case, "case_limit"),
                DEFERRAL,
                D(2026, 10, 10),
                D(2027, 1, 20),
                at(2027, 1, 25),
            )
        message = refused(error.value)["end_date"][0]
        assert "at most 3 months without the approval of an additional period" in message
        assert "2027-01-10" in message
        assert not Deduction.objects.exists()

    def test_three_months_exactly_are_accepted(self, case, supervisor):
        deduct(
            supervisor, clock(case, "case_limit"), DEFERRAL, D(2026, 10, 10), D(2027, 1, 10), at(2027, 1, 25)
        )
        assert Deduction.objects.get().months_without_approval == 3

    def test_ending_a_running_deferral_beyond_three_months_without_approval_is_refused(
        self, case, supervisor
    ):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 25), tick=False), pytest.raises(ValidationError) as error:
            engine.end_deduction(actor=supervisor, deduction=deferral, end_date=D(2027, 1, 20))
        message = refused(error.value)["end_date"][0]
        assert "have the additional period approved, or end it on 2027-01-10 at the latest" in message
        deferral.refresh_from_db()
        assert deferral.end_date is None

    def test_the_recorder_may_not_approve_the_additional_period_himself(self, case, supervisor):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False), pytest.raises(PermissionDenied):
            engine.approve_additional_period(
                actor=supervisor, deduction=deferral, months=3, reason="和解履行中"
            )
        deferral.refresh_from_db()
        assert deferral.additional_months is None

    def test_a_judge_may_not_approve_it(self, case, supervisor, judge):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False), pytest.raises(PermissionDenied):
            engine.approve_additional_period(actor=judge, deduction=deferral, months=3, reason="x")

    def test_a_second_approver_approves_at_most_three_more_months_and_is_recorded(
        self, case, supervisor, president
    ):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False):
            with pytest.raises(ValidationError) as error:
                engine.approve_additional_period(actor=president, deduction=deferral, months=4, reason="x")
            assert "at most 3 months" in refused(error.value)["months"][0]
            with pytest.raises(ValidationError) as error:
                engine.approve_additional_period(actor=president, deduction=deferral, months=3, reason=" ")
            assert "reason" in refused(error.value)
            engine.approve_additional_period(
                actor=president, deduction=deferral, months=3, reason="担保期限延长"
            )
        deferral.refresh_from_db()
        assert deferral.additional_months == 3
        assert deferral.additional_approved_by == president
        assert deferral.additional_approved_at == at(2027, 1, 5)
        assert deferral.latest_end == D(2027, 4, 10)
        assert deferral.history.first().history_user == president
        with time_machine.travel(at(2027, 1, 6), tick=False), pytest.raises(ValidationError):
            engine.approve_additional_period(actor=president, deduction=deferral, months=1, reason="再次")

    def test_with_the_additional_period_it_ends_at_most_six_months_after_it_began(
        self, case, supervisor, second_supervisor
    ):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False):
            engine.approve_additional_period(
                actor=second_supervisor, deduction=deferral, months=3, reason="特殊事由"
            )
        with time_machine.travel(at(2027, 4, 25), tick=False):
            with pytest.raises(ValidationError) as error:
                engine.end_deduction(actor=supervisor, deduction=deferral, end_date=D(2027, 4, 20))
            assert "at most 6 months in all, that is until 2027-04-10" in refused(error.value)["end_date"][0]
            engine.end_deduction(actor=supervisor, deduction=deferral, end_date=D(2027, 4, 10))
        limit = clock(case, "case_limit")
        # 2026-10-10..2027-04-10 is 183 days: 2027-03-28 + 183 = 2027-09-27 (a Monday).
        assert limit.due_date == D(2027, 9, 27)

    def test_an_additional_period_is_approved_before_the_term_ends_not_afterwards(
        self, case, supervisor, president
    ):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 11), tick=False), pytest.raises(ValidationError) as error:
            engine.approve_additional_period(actor=president, deduction=deferral, months=3, reason="x")
        assert "ended on 2027-01-10" in error.value.messages[0]

    def test_a_deferral_left_running_past_its_term_stops_pausing_the_clock(self, case, supervisor):
        running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False):
            engine.refresh_paused_deadlines()
        assert clock(case, "case_limit").paused
        with time_machine.travel(at(2027, 1, 15), tick=False):
            engine.refresh_paused_deadlines()
        limit = clock(case, "case_limit")
        assert not limit.paused
        # Counted 2026-10-10..2027-01-10, 93 days: 2027-03-28 + 93 = 2027-06-29.
        assert limit.due_date == D(2027, 6, 29)
        capped = steps(limit, "deduction_capped")[0]
        assert capped["latest_end"] == "2027-01-10"
        assert "counted until 2027-01-10, the longest it may last" in describe(capped)

    def test_the_kinds_without_a_rule_have_no_longest_term(self, case, supervisor):
        deduct(
            supervisor, clock(case, "case_limit"), "suspension", D(2026, 10, 1), D(2027, 6, 1), at(2027, 6, 2)
        )
        assert Deduction.objects.get().latest_end is None

    def test_an_edited_rule_applies_to_periods_recorded_afterwards(self, case, supervisor, court):
        earlier = running_deferral(case, supervisor)
        DeductionRule.objects.filter(kind=DEFERRAL, court=None).update(months_without_approval=2)
        assign_case = file_at(at(2026, 10, 12), court, UserFactory(roles=["clerk"], courts=[court]), n=2)
        later = deduct(
            supervisor, clock(assign_case, "case_limit"), DEFERRAL, D(2026, 10, 13), None, at(2026, 10, 13)
        )
        earlier.refresh_from_db()
        assert earlier.term_end == D(2027, 1, 10)
        assert later.term_end == D(2026, 12, 13)

    def test_a_courts_own_rule_overrides_the_default(self, case, supervisor, court):
        DeductionRule.objects.create(
            kind=DEFERRAL, court=court, months_without_approval=1, additional_months=0
        )
        other = CourtFactory(code="蒙0304", name="乌海市乌达区人民法院")
        assert engine.deduction_rule_for(court, DEFERRAL).months_without_approval == 1
        assert engine.deduction_rule_for(other, DEFERRAL).months_without_approval == 3
        deferral = running_deferral(case, supervisor)
        assert not deferral.may_get_additional_period  # the court allows no additional period


# --- The pages -------------------------------------------------------------------------------------------


class TestAdditionalPeriodPage:
    """The sessions are opened inside the travelled-to day: a staff session lasts a working day."""

    def test_a_president_approves_the_additional_period_from_the_case_page(
        self, client, case, supervisor, president
    ):
        deferral = running_deferral(case, supervisor)
        url = reverse("deduction-additional-period", args=[case.pk, deferral.pk])
        with time_machine.travel(at(2027, 1, 5), tick=False):
            client.force_login(supervisor)
            page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
            assert url in page.content.decode()
            assert "counts until 2027-01-10 at the latest" in page.content.decode()
            client.force_login(president)
            response = client.post(
                url, {"months": "2", "reason": "担保人申请延长"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
            )
        assert response.status_code == 200
        deferral.refresh_from_db()
        assert (deferral.additional_months, deferral.additional_approved_by) == (2, president)
        body = response.content.decode()
        assert "Additional period of 2 months approved by" in body
        assert "counts until 2027-03-10 at the latest" in body
        assert url not in body  # approved once

    def test_the_recorder_is_refused_on_the_page_with_the_reason(self, client, case, supervisor):
        deferral = running_deferral(case, supervisor)
        with time_machine.travel(at(2027, 1, 5), tick=False):
            client.force_login(supervisor)
            response = client.post(
                reverse("deduction-additional-period", args=[case.pk, deferral.pk]),
                {"months": "3", "reason": "x"},
                follow=True,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        assert "someone other than the person who recorded" in " ".join(
            str(m) for m in response.context["messages"]
        )
        deferral.refresh_from_db()
        assert deferral.additional_months is None

    def test_another_courts_staff_get_a_404(self, client, case, supervisor, outsider):
        deferral = running_deferral(case, supervisor)
        client.force_login(outsider)
        url = reverse("deduction-additional-period", args=[case.pk, deferral.pk])
        assert client.post(url, {"months": "3", "reason": "x"}).status_code == 404

    def test_the_admin_edits_the_rules(self, client, court):
        admin = UserFactory(username="admin", roles=["administrator"], is_staff=True, is_superuser=True)
        client.force_login(admin)
        page = client.get(reverse("admin:enforcement_deductionrule_changelist"), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert "Deferred enforcement" in page.content.decode()
        rule = DeductionRule.objects.get(kind=DEFERRAL, court=None)
        response = client.post(
            reverse("admin:enforcement_deductionrule_change", args=[rule.pk]),
            {
                "kind": DEFERRAL,
                "court": "",
                "months_without_approval": "3",
                "additional_months": "2",
                "basis": rule.basis,
            },
        )
        assert response.status_code == 302
        rule.refresh_from_db()
        assert rule.additional_months == 2
