"""What the deadline engine gained for custody: a budget chosen per clock, "exact" counting (a last day on
a rest day stays where it falls, and says so), and limits counted in hours (no calendar, no deductions).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from enforcement.duedates import Budget, compute_due_date, describe, hours_after
from enforcement.models import CalendarDay, Case, Deadline, NodeType
from enforcement.services import deadlines as engine
from enforcement.workcalendar import WorkingCalendar
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
FREEZE = "measure_freeze_deposit"
NOTICE = "detention_family_notice"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def in_english(steps: list[dict]) -> list[str]:  # type: ignore[type-arg]
    with translation.override("en"):
        return [describe(step) for step in steps]


@pytest.fixture
def case(court):
    return CaseFactory(court=court)


def open_on(case: Case, code: str, anchor: datetime.datetime, budget: int | None = None) -> Deadline:
    return engine.open_deadline(case=case, code=code, anchor_at=anchor, budget=budget)


# --- The budget chosen per clock ----------------------------------------------------------------------------


class TestBudgetOverride:
    def test_the_chosen_budget_is_recorded_and_counted(self, case):
        anchor = engine.local_midnight(D(2026, 3, 2))
        chosen = open_on(case, FREEZE, anchor, budget=5)
        assert chosen.budget == 5
        assert chosen.due_date == D(2026, 8, 2)
        assert any(s["code"] == "budget_months" and s["months"] == 5 for s in chosen.explanation)
        default = open_on(case, FREEZE, anchor)
        assert default.budget == engine.node_type_for(case.court, FREEZE).budget == 12
        assert default.due_date == D(2027, 3, 2)

    @pytest.mark.parametrize("budget", [0, -3])
    def test_a_budget_below_one_is_refused(self, case, budget):
        with pytest.raises(ValueError, match="at least 1"):
            open_on(case, FREEZE, engine.local_midnight(D(2026, 3, 2)), budget=budget)
        assert not Deadline.objects.exists()

    def test_the_chosen_budget_survives_a_recomputation(self, case):
        deadline = open_on(case, FREEZE, engine.local_midnight(D(2026, 3, 2)), budget=2)
        stale = engine.local_midnight(D(2026, 3, 4))
        Deadline.objects.filter(pk=deadline.pk).update(due_date=D(2026, 3, 3), due_at=stale, explanation=[])
        assert engine.recompute(deadline) is True
        deadline.refresh_from_db()
        assert (deadline.budget, deadline.due_date) == (2, D(2026, 5, 2))

    def test_the_chosen_budget_also_counts_hours(self, case):
        deadline = open_on(case, NOTICE, at(2026, 3, 2, 9, 30), budget=48)
        assert deadline.due_at == at(2026, 3, 4, 9, 30)


# --- Exact counting -----------------------------------------------------------------------------------------


class TestExactCounting:
    def test_a_last_day_on_a_saturday_stays_and_a_calendar_limit_rolls(self, case, court):
        anchor = engine.local_midnight(D(2026, 2, 14))
        exact = open_on(case, FREEZE, anchor, budget=1)
        assert exact.counting == NodeType.Counting.EXACT
        assert exact.due_date == D(2026, 3, 14) and exact.due_date.weekday() == 5
        assert exact.due_at == engine.local_midnight(D(2026, 3, 15))
        assert [s["code"] for s in exact.explanation] == ["anchor", "budget_months", "not_rolled"]
        assert exact.explanation[-1]["date"] == "2026-03-14"
        calendar = open_on(case, "case_limit", anchor, budget=1)  # counted in calendar months
        assert calendar.counting == NodeType.Counting.CALENDAR
        assert calendar.due_date == D(2026, 3, 16)
        assert "rolled" in [s["code"] for s in calendar.explanation]
        assert "not_rolled" not in [s["code"] for s in calendar.explanation]

    def test_a_last_day_on_a_holiday_stays_and_names_it(self):
        result = compute_due_date(
            anchor=D(2026, 9, 1),
            budget=Budget(1, "months", rolls_off_rest_days=False),
            calendar=WorkingCalendar(None),
            today=D(2026, 9, 1),
        )
        assert result.last_day == D(2026, 10, 1)
        step = result.explanation[-1]
        assert step["code"] == "not_rolled" and step["date"] == "2026-10-01"
        assert step["name"] == "国庆节"

    def test_a_last_day_on_a_working_day_needs_no_word(self):
        result = compute_due_date(
            anchor=D(2026, 3, 2),
            budget=Budget(6, "months", rolls_off_rest_days=False),
            calendar=WorkingCalendar(None),
            today=D(2026, 3, 2),
        )
        assert result.last_day == D(2026, 9, 2)
        assert [s["code"] for s in result.explanation] == ["anchor", "budget_months"]

    def test_a_court_rest_day_added_later_leaves_an_exact_last_day_where_it_was(self, case, court):
        deadline = open_on(case, FREEZE, engine.local_midnight(D(2026, 3, 2)), budget=6)
        assert deadline.due_date == D(2026, 9, 2)  # a Wednesday
        CalendarDay.objects.create(
            date=D(2026, 9, 2), court=court, kind=CalendarDay.Kind.REST, name="本院休息日"
        )
        engine.recompute_open_deadlines(day=D(2026, 9, 2), court=court)
        deadline.refresh_from_db()
        assert deadline.due_date == D(2026, 9, 2)
        assert deadline.explanation[-1] == {"code": "not_rolled", "date": "2026-09-02", "name": "本院休息日"}


# --- Hours --------------------------------------------------------------------------------------------------


class TestHours:
    def test_hours_after_is_the_exact_time_with_one_step(self):
        end, steps = hours_after(at(2026, 3, 2, 10, 15), 24)
        assert end == at(2026, 3, 3, 10, 15)
        assert steps == [
            {"code": "hours", "hours": 24, "start": "2026-03-02 10:15", "end": "2026-03-03 10:15"}
        ]

    def test_an_hours_clock_ignores_rest_days(self, case):
        deadline = open_on(case, NOTICE, at(2026, 9, 30, 20))  # the eve of the National Day
        assert deadline.unit == NodeType.Unit.HOURS
        assert deadline.due_at == at(2026, 10, 1, 20)
        assert deadline.due_date == D(2026, 10, 1)
        assert deadline.warn_at == deadline.due_at  # warned 0 days ahead
        assert [s["code"] for s in deadline.explanation] == ["hours"]
        assert not deadline.paused

    def test_an_hours_clock_ignores_deductions(self, case, court):
        supervisor = UserFactory(username="supervisor", roles=["supervisor"], courts=[court])
        deadline = open_on(case, NOTICE, at(2026, 9, 30, 20))
        with time_machine.travel(at(2026, 10, 1, 8), tick=False):
            engine.add_deduction(
                actor=supervisor,
                deadline=deadline,
                kind="public_notice",
                start_date=D(2026, 9, 30),
                end_date=D(2026, 10, 1),
                reason="公告",
            )
            engine.add_deduction(
                actor=supervisor,
                deadline=deadline,
                kind="appraisal",
                start_date=D(2026, 10, 1),
                reason="评估",
            )
        deadline.refresh_from_db()
        assert deadline.deductions.count() == 2
        assert deadline.due_at == at(2026, 10, 1, 20)
        assert not deadline.paused
        assert [s["code"] for s in deadline.explanation] == ["hours"]
        assert engine.refresh_paused_deadlines() == 0


# --- Words --------------------------------------------------------------------------------------------------


class TestWords:
    def test_the_hours_step_in_english(self):
        _end, steps = hours_after(at(2026, 3, 2, 10, 15), 24)
        assert in_english(steps) == ["24 hours from 2026-03-02 10:15 → 2026-03-03 10:15"]
        _end, steps = hours_after(at(2026, 3, 2, 10, 15), 1)
        assert in_english(steps) == ["1 hour from 2026-03-02 10:15 → 2026-03-02 11:15"]

    def test_the_not_rolled_step_in_english(self):
        step = {"code": "not_rolled", "date": "2026-03-14", "name": ""}
        assert in_english([step]) == [
            "2026-03-14 is a rest day; a term of a measure ends on it all the same."
        ]

    @pytest.mark.parametrize(
        "step",
        [
            {"code": "hours", "hours": 24, "start": "2026-03-02 10:15", "end": "2026-03-03 10:15"},
            {"code": "hours", "hours": 1, "start": "2026-03-02 10:15", "end": "2026-03-02 11:15"},
            {"code": "not_rolled", "date": "2026-10-01", "name": "国庆节"},
        ],
    )
    def test_the_new_steps_render_in_chinese(self, step):
        with translation.override("zh-hans"):
            words = describe(step)
        assert isinstance(words, str) and words != str(step)
        assert (step.get("date") or step["end"]) in words
        assert words != in_english([step])[0]  # translated, not the English fallback

    def test_a_whole_exact_explanation_renders_in_both_languages(self, case):
        deadline = open_on(case, FREEZE, engine.local_midnight(D(2026, 2, 14)), budget=1)
        english = in_english(deadline.explanation)
        assert english[-1].startswith("2026-03-14 is a rest day")
        with translation.override("zh-hans"):
            chinese = [describe(step) for step in deadline.explanation]
        assert len(chinese) == len(english) and all(chinese)
