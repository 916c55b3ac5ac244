"""The working calendar: which days are rest days for a court, from data.

Saturdays and Sundays are rest days unless the State Council made them make-up working days (调休);
national holidays are rest days; a court may add rest days of its own. A year whose holidays are not
loaded counts weekends only, and says so (``missing_years``).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

import chinese_calendar
from django.db.models import Q

from .models import CalendarDay, CalendarYear, Court

# chinesecalendar names holidays in English; the calendar shows the official Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days() -> Iterator[tuple[datetime.date, str, str]]:
    """(date, kind, name) for every holiday and make-up working day the chinesecalendar package knows."""
    for day, name in sorted(chinese_calendar.holidays.items()):
        yield day, CalendarDay.Kind.REST, HOLIDAY_NAMES.get(name, name)
    for day, name in sorted(chinese_calendar.workdays.items()):
        yield day, CalendarDay.Kind.WORKDAY, HOLIDAY_NAMES.get(name, name)


def package_years() -> range:
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@dataclass
class WorkingCalendar:
    """The rest days of one court, read from the database a year at a time and kept for the instance."""

    court_id: int | None
    _years: dict[int, tuple[bool, dict[datetime.date, str], dict[datetime.date, str]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def for_court(cls, court: Court | None) -> "WorkingCalendar":
        return cls(court_id=court.pk if court else None)

    def _year(self, year: int) -> tuple[bool, dict[datetime.date, str], dict[datetime.date, str]]:
        if year not in self._years:
            loaded = CalendarYear.objects.filter(year=year).exists()
            rest: dict[datetime.date, str] = {}
            work: dict[datetime.date, str] = {}
            days = CalendarDay.objects.filter(date__year=year).filter(self._scope())
            # National rows first, so a court's own row for the same date wins.
            for day in sorted(days, key=lambda d: d.court_id is not None):
                target, other = (rest, work) if day.kind == CalendarDay.Kind.REST else (work, rest)
                target[day.date] = day.name
                other.pop(day.date, None)
            self._years[year] = (loaded, rest, work)
        return self._years[year]

    def _scope(self) -> Q:
        """The national rows, and the court's own."""
        national = Q(court__isnull=True)
        return national if self.court_id is None else national | Q(court_id=self.court_id)

    def is_loaded(self, year: int) -> bool:
        return self._year(year)[0]

    def is_rest_day(self, day: datetime.date) -> bool:
        _loaded, rest, work = self._year(day.year)
        if day in rest:
            return True
        if day in work:
            return False
        return day.weekday() >= 5

    def rest_day_name(self, day: datetime.date) -> str:
        _loaded, rest, _work = self._year(day.year)
        return rest.get(day, "")

    def next_working_day(self, day: datetime.date) -> datetime.date:
        while self.is_rest_day(day):
            day += datetime.timedelta(days=1)
        return day

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        while count > 0:
            day += datetime.timedelta(days=1)
            if not self.is_rest_day(day):
                count -= 1
        return day
