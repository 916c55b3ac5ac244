"""A year whose State Council notice is not loaded still knows the statutory holidays of
《全国年节及纪念日放假办法》 (2024 revision, in force 2025), from the lunar calendar (lunar_python).

Each test decides whether 2027 is loaded (the chinesecalendar package may learn it one day) and sets the
clock (time_machine), so it holds on any day.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from enforcement.duedates import Budget, compute_due_date, describe
from enforcement.models import CalendarDay, CalendarYear, Case, Deadline
from enforcement.services import deadlines as engine
from enforcement.services.calendar import load_year_notice, parse_notice
from enforcement.workcalendar import WorkingCalendar, package_years, statutory_holidays
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def without_2027():
    """2027's notice is not loaded, whatever the installed package knows."""
    CalendarDay.objects.filter(date__year=2027, court=None).delete()
    CalendarYear.objects.filter(year=2027).delete()
    with translation.override("en"):
        yield


@pytest.fixture
def administrator(db):
    return UserFactory(username="calendar-admin", roles=["administrator"])


def due(anchor: D, amount: int, working: bool = False) -> tuple[D, list[str], list[dict]]:  # type: ignore[type-arg]
    result = compute_due_date(
        anchor=anchor,
        budget=Budget(amount, "days", working_days=working),
        calendar=WorkingCalendar(None),
        today=anchor,
    )
    return result.last_day, [describe(step) for step in result.explanation], result.explanation


class TestTheStatutoryDays:
    def test_2027s_statutory_holidays_from_the_lunar_calendar(self):
        days = statutory_holidays(2027)
        # 2027's 正月初一 is Saturday 6 February; 除夕 is the day before (the 12th month has 29 days).
        assert [d for d, name in sorted(days.items()) if name == "春节"] == [
            D(2027, 2, 5),
            D(2027, 2, 6),
            D(2027, 2, 7),
            D(2027, 2, 8),
        ]
        assert days[D(2027, 1, 1)] == "元旦"
        assert days[D(2027, 4, 5)] == "清明节"
        assert days[D(2027, 5, 1)] == days[D(2027, 5, 2)] == "劳动节"
        assert D(2027, 5, 3) not in days
        assert days[D(2027, 6, 9)] == "端午节"
        assert days[D(2027, 9, 15)] == "中秋节"
        assert [days.get(D(2027, 10, day)) for day in range(1, 5)] == ["国庆节", "国庆节", "国庆节", None]
        assert len(days) == 13

    @pytest.mark.parametrize(
        ("year", "eve", "new_year"),
        [
            (2025, D(2025, 1, 28), D(2025, 1, 29)),  # a 12th month of 29 days
            (2026, D(2026, 2, 16), D(2026, 2, 17)),
            (2028, D(2028, 1, 25), D(2028, 1, 26)),
            (2031, D(2031, 1, 22), D(2031, 1, 23)),
        ],
    )
    def test_the_eve_is_the_day_before_the_first_day_of_the_first_lunar_month(self, year, eve, new_year):
        days = statutory_holidays(year)
        assert days[eve] == days[new_year] == "春节"
        assert eve - datetime.timedelta(days=1) not in days

    def test_the_package_agrees_with_the_statutory_days_of_the_years_it_knows(self):
        # Each statutory day of 2025 and 2026 is a rest day in the State Council notices the package holds.
        calendar = WorkingCalendar(None)
        for year in (2025, 2026):
            for day in statutory_holidays(year):
                assert calendar.is_rest_day(day), day

    def test_before_the_2024_revision_there_are_none(self):
        assert statutory_holidays(2024) == {}


class TestAYearNotLoaded:
    def test_three_working_days_from_2026_12_31_skip_new_years_day_and_the_weekend(self):
        assert not CalendarYear.objects.filter(year=2027).exists()
        last_day, words, _ = due(D(2026, 12, 31), 3, working=True)
        # 1 January is 元旦, 2 and 3 January a weekend: 4, 5, 6 January. Weekends only gave 2027-01-05.
        assert last_day == D(2027, 1, 6)
        assert "3 working days → 2027-01-06" in words

    def test_seven_days_from_2027_02_01_roll_off_the_spring_festival(self):
        last_day, words, explanation = due(D(2027, 2, 1), 7)
        # 2027-02-08 is 初三, the last day of 春节: the next working day is Tuesday 2027-02-09.
        assert last_day == D(2027, 2, 9)
        rolled = next(step for step in explanation if step["code"] == "rolled")
        assert rolled == {"code": "rolled", "from": "2027-02-08", "name": "春节", "date": "2027-02-09"}
        assert "2027-02-08 is a rest day (春节); moved to the next working day, 2027-02-09." in words

    def test_the_explanation_says_these_are_the_statutory_days_only_pending_the_notice(self):
        _, words, explanation = due(D(2027, 2, 1), 7)
        assert {"code": "year_not_loaded", "year": 2027, "statutory": True} in explanation
        note = next(w for w in words if "2027" in w and "notice" in w)
        assert "not loaded yet" in note
        assert "statutory holidays" in note
        assert "make-up working days are not known until it is loaded" in note

    def test_an_explanation_stored_before_keeps_its_words(self):
        old = {"code": "year_not_loaded", "year": 2027}
        assert describe(old) == (
            "The holidays of 2027 are not loaded: only weekends were counted as rest days in 2027."
        )

    def test_weekends_still_rest_and_no_saturday_is_a_make_up_working_day(self):
        calendar = WorkingCalendar(None)
        assert calendar.is_rest_day(D(2027, 1, 9))  # a Saturday
        assert calendar.is_rest_day(D(2027, 1, 10))  # a Sunday
        assert not calendar.is_rest_day(D(2027, 1, 11))
        assert calendar.rest_day_name(D(2027, 10, 2)) == "国庆节"

    def test_a_courts_own_rest_day_and_a_national_row_still_count(self, court, administrator):
        from enforcement.services.calendar import set_calendar_day

        set_calendar_day(actor=administrator, date=D(2027, 1, 4), kind="rest", name="本地", court=court)
        set_calendar_day(actor=administrator, date=D(2027, 1, 1), kind="workday", name="")
        assert WorkingCalendar.for_court(court).add_working_days(D(2026, 12, 31), 3) == D(2027, 1, 6)
        assert WorkingCalendar(None).add_working_days(D(2026, 12, 31), 3) == D(2027, 1, 5)


def file_at(when: datetime.datetime, court, clerk, n: int = 1) -> Case:
    with time_machine.travel(when, tick=False):
        return intake.file_case(actor=clerk, application=application(court, n)).case


class TestOpenDeadlines:
    def test_a_deadline_opened_in_a_year_not_loaded_skips_its_statutory_holidays(self, court, clerk):
        case = file_at(at(2027, 2, 1), court, clerk)
        assign = Deadline.objects.get(case=case, node_type__code="assign_judge")
        assert assign.due_date == D(2027, 2, 9)
        assert "year_not_loaded" in [step["code"] for step in assign.explanation]

    def test_a_working_day_clock_from_new_years_eve(self, court, clerk):
        case = file_at(at(2026, 12, 31), court, clerk)
        with time_machine.travel(at(2026, 12, 31, 11), tick=False):
            payout = engine.open_deadline(case=case, code="payout_approve", anchor_at=at(2026, 12, 31, 11))
        assert payout.due_date == D(2027, 1, 6)

    def test_loading_the_notice_replaces_the_statutory_days_and_moves_the_deadlines_computed_before(
        self, court, clerk, administrator
    ):
        case = file_at(at(2027, 2, 1), court, clerk)
        assign = Deadline.objects.get(case=case, node_type__code="assign_judge")
        assert assign.due_date == D(2027, 2, 9)
        notice = """
        2027-01-01 rest 元旦
        2027-02-05..2027-02-11 rest 春节
        2027-02-20 workday 春节调休
        """
        with time_machine.travel(at(2027, 2, 2), tick=False):
            year = load_year_notice(actor=administrator, year=2027, days=parse_notice(notice))
        assert year.deadlines_moved >= 1
        assign.refresh_from_db()
        # 02-08 is now inside a 春节 of seven days: the next working day is Friday 02-12.
        assert assign.due_date == D(2027, 2, 12)
        assert "year_not_loaded" not in [step["code"] for step in assign.explanation]

    def test_a_loaded_notice_is_all_there_is_a_statutory_day_it_leaves_out_is_a_working_day(
        self, court, clerk, administrator
    ):
        case = file_at(at(2026, 12, 31), court, clerk)
        with time_machine.travel(at(2026, 12, 31, 11), tick=False):
            payout = engine.open_deadline(case=case, code="payout_approve", anchor_at=at(2026, 12, 31, 11))
        assert payout.due_date == D(2027, 1, 6)
        with time_machine.travel(at(2027, 1, 2), tick=False):
            load_year_notice(
                actor=administrator, year=2027, days=parse_notice("2027-02-05..2027-02-11 休 春节")
            )
        payout.refresh_from_db()
        assert payout.due_date == D(2027, 1, 5)  # 1 January is a working day in this (made-up) notice
        assert not WorkingCalendar(None).is_rest_day(D(2027, 1, 1))


class TestThePackageYears:
    def test_the_package_years_stay_loaded_as_before(self):
        years = package_years()
        assert years.start == 2004
        assert set(CalendarYear.objects.filter(year__in=list(years)).values_list("source", flat=True)) == {
            CalendarYear.Source.PACKAGE
        }
        calendar = WorkingCalendar(None)
        assert calendar.is_loaded(2026)
        # The package's 2026: the National Day week to 10-07 (the statute says 1-3 only), and its
        # make-up Saturday 10-10 a working day.
        assert calendar.is_rest_day(D(2026, 10, 7))
        assert not calendar.is_rest_day(D(2026, 10, 8))
        assert not calendar.is_rest_day(D(2026, 10, 10))
        assert calendar.rest_day_name(D(2026, 10, 7)) == "国庆节"

    def test_a_loaded_year_gets_no_statutory_day_added(self, administrator):
        # A (made-up) notice for 2026 that leaves 元旦 out: the year is what its notice says.
        load_year_notice(actor=administrator, year=2026, days=[(D(2026, 10, 1), "rest", "国庆节")])
        calendar = WorkingCalendar(None)
        assert not calendar.is_rest_day(D(2026, 1, 1))
        assert calendar.is_rest_day(D(2026, 10, 1))
