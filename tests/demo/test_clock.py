"""The demo's clock (``demo.clock``) and its forecast of the deadline engine (``demo.forecast``)."""

import datetime

import pytest
from django.utils import timezone

from demo.clock import Clock
from demo.forecast import NEARING, ON_TIME, OVERDUE, Forecast
from enforcement.services.deadlines import node_type_for, open_deadline, projected_times
from enforcement.workcalendar import WorkingCalendar
from tests.factories import CaseFactory

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def beijing(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


def test_a_step_today_falls_in_the_office_hours_already_past_in_order(db: None, court) -> None:
    clock = Clock(beijing(2026, 12, 2, 10, 0))
    early, late = clock.moment(clock.today, 30), clock.moment(clock.today, 450)
    assert beijing(2026, 12, 2, 9, 0) <= early < late < clock.now


def test_a_step_on_an_earlier_day_is_at_its_minute_of_office_hours(db: None) -> None:
    clock = Clock(beijing(2026, 12, 2, 10, 0))
    assert clock.moment(datetime.date(2026, 12, 1), 90) == beijing(2026, 12, 1, 10, 30)


def test_today_is_no_day_for_steps_before_the_office_has_been_open_a_while(db: None, court) -> None:
    assert Clock(beijing(2026, 12, 2, 9, 10)).latest_day(court) == datetime.date(2026, 12, 1)
    assert Clock(beijing(2026, 12, 2, 9, 40)).latest_day(court) == datetime.date(2026, 12, 2)


def test_working_days_skip_the_national_day_week_and_count_its_make_up_saturday(db: None, court) -> None:
    clock = Clock(beijing(2026, 10, 12, 10, 0))
    assert clock.working_day_before(court, datetime.date(2026, 10, 8)) == datetime.date(2026, 9, 30)
    assert clock.working_day_after(court, datetime.date(2026, 9, 30)) == datetime.date(2026, 10, 8)
    assert clock.working_day_after(court, datetime.date(2026, 10, 9)) == datetime.date(2026, 10, 10)
    assert clock.latest_day(court) == datetime.date(2026, 10, 12)
    assert datetime.date(2026, 10, 11) not in clock.working_days_back(court, 5)


def test_services_called_at_a_moment_act_then(db: None) -> None:
    clock = Clock(beijing(2026, 12, 2, 10, 0))
    moment = beijing(2026, 11, 30, 14, 5)
    with clock.at(moment):
        assert timezone.now() == moment
    assert timezone.now() != moment


def test_the_clock_refuses_a_step_in_the_future(db: None) -> None:
    clock = Clock(beijing(2026, 12, 2, 10, 0))
    with pytest.raises(ValueError, match="future"), clock.at(beijing(2026, 12, 2, 10, 1)):
        pass


def test_the_projected_times_are_those_open_deadline_stores(db: None, court) -> None:
    case = CaseFactory(court=court)
    anchor = beijing(2026, 9, 28, 15, 0)  # three days of notice run into the National Day week
    opened = open_deadline(case=case, code="enforcement_notice", anchor_at=anchor)
    projected = projected_times(
        node=node_type_for(court, "enforcement_notice"),
        anchor_at=anchor,
        calendar=WorkingCalendar.for_court(court),
    )
    assert projected == (opened.warn_at, opened.due_at)


def test_the_forecast_says_what_the_scan_will_find_at_the_clocks_now(db: None, court) -> None:
    # Filed on Friday 27 November, the seven days to assign a judge run out on Friday 4 December.
    forecast = Forecast(Clock(beijing(2026, 12, 2, 10, 0)))
    filed_on = datetime.date(2026, 11, 27)
    assert forecast.level(court, "assign_judge", filed_on) == ON_TIME
    forecast = Forecast(Clock(beijing(2026, 12, 3, 10, 0)))
    assert forecast.level(court, "assign_judge", filed_on) == NEARING
    forecast = Forecast(Clock(beijing(2026, 12, 5, 10, 0)))
    assert forecast.level(court, "assign_judge", filed_on) == OVERDUE
