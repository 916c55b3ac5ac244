"""The demo's clock: the courts' working days, office hours on them, and services called at a moment.

Every step of the demo happens on a working day of its court's calendar (State Council holidays and
make-up working days included, ``enforcement.workcalendar``), in office hours, Beijing time, and never
after the moment the seed started. ``Clock.at`` stops time there (time-machine) while services run, so
the rows, timeline events and history they write carry that moment, and the deadline engine counts its
clocks from it. Nothing is dated afterwards.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone

from enforcement.models import Court
from enforcement.workcalendar import WorkingCalendar

OPENS = datetime.time(9, 0)
OFFICE_MINUTES = 8 * 60  # from 9:00 to 17:00: a step's minute counts from the opening
# Today counts as a day steps happened on once the office has been open this long.
ENOUGH_OF_TODAY = datetime.timedelta(minutes=30)


class Clock:
    """The present (when the seed started), and the working days and office moments before it."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self._calendars: dict[int, WorkingCalendar] = {}

    def calendar(self, court: Court) -> WorkingCalendar:
        if court.pk not in self._calendars:
            self._calendars[court.pk] = WorkingCalendar.for_court(court)
        return self._calendars[court.pk]

    def is_working_day(self, court: Court, day: datetime.date) -> bool:
        return not self.calendar(court).is_rest_day(day)

    def latest_day(self, court: Court) -> datetime.date:
        """The last day a step can have happened on: today once its office hours have begun, else the
        working day before."""
        if self.is_working_day(court, self.today) and self.now - opening(self.today) >= ENOUGH_OF_TODAY:
            return self.today
        return self.working_day_before(court, self.today)

    def working_day_before(self, court: Court, day: datetime.date, count: int = 1) -> datetime.date:
        """The ``count``-th working day before ``day``."""
        while count > 0:
            day -= datetime.timedelta(days=1)
            if self.is_working_day(court, day):
                count -= 1
        return day

    def working_day_after(self, court: Court, day: datetime.date, count: int = 1) -> datetime.date:
        return self.calendar(court).add_working_days(day, count)

    def working_days_back(self, court: Court, days: int) -> list[datetime.date]:
        """The working days from the latest one back over ``days`` calendar days, newest first."""
        latest = self.latest_day(court)
        span = (latest - datetime.timedelta(days=n) for n in range(days + 1))
        return [day for day in span if self.is_working_day(court, day)]

    def moment(self, day: datetime.date, minute: int) -> datetime.datetime:
        """``minute`` minutes into the office hours of ``day``. Today's office hours are squeezed into
        the part already past, keeping the order of the moments, so that none is in the future."""
        start = opening(day)
        seconds = min(max(minute, 0), OFFICE_MINUTES - 1) * 60
        if day == self.today:
            past = min((self.now - start).total_seconds() - 60, OFFICE_MINUTES * 60)
            seconds = int(seconds * past / (OFFICE_MINUTES * 60))
        return start + datetime.timedelta(seconds=seconds)

    @contextmanager
    def at(self, moment: datetime.datetime) -> Iterator[None]:
        """Time stands at ``moment`` inside the block: the services called there act then."""
        if moment > self.now:
            raise ValueError(f"a demo step at {moment.isoformat()} would be in the future")
        with time_machine.travel(moment, tick=False):
            yield


def opening(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, OPENS, tzinfo=timezone.get_current_timezone())
