"""The working calendar: which days are rest days for a court, from data.

Saturdays and Sundays are rest days unless the State Council made them make-up working days (调休);
national holidays are rest days; a court may add rest days of its own.

A year whose State Council notice is not loaded still knows its statutory holidays (``statutory_holidays``,
from 《全国年节及纪念日放假办法》), and counts them and the weekends as rest days; the notice's bridging
days off and make-up working days are unknown until it is loaded, and the explanation says so.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from django.db.models import Q
from lunar_python import Lunar, Solar

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


# The 2024 revision of 《全国年节及纪念日放假办法》 (国务院令第795号) is in force from 2025-01-01. Earlier
# years had other rules (no 除夕, one day of 劳动节), and every year 2004–2026 is loaded from the package
# anyway, so the statutory days are derived for unloaded years from 2025 on only.
STATUTORY_RULES_FROM = 2025


def _from_lunar(year: int, month: int, day: int) -> datetime.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The rest days 《全国年节及纪念日放假办法》 (2024 revision, art. 2) gives everyone in ``year``.

    The lunar dates come from lunar_python (6tail's lunar library: pure Python, maintained, the same
    tables as its Java and JavaScript versions, covering the solar terms). 除夕 is the day before 正月初一,
    so it is right whether the twelfth month has 29 or 30 days. An empty dict before the revision.
    """
    if year < STATUTORY_RULES_FROM:
        return {}
    new_year = _from_lunar(year, 1, 1)
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    days = {
        datetime.date(year, 1, 1): "元旦",
        **{new_year + datetime.timedelta(days=offset): "春节" for offset in (-1, 0, 1, 2)},
        datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()): "清明节",
        datetime.date(year, 5, 1): "劳动节",
        datetime.date(year, 5, 2): "劳动节",
        _from_lunar(year, 5, 5): "端午节",
        _from_lunar(year, 8, 15): "中秋节",
        **{datetime.date(year, 10, day): "国庆节" for day in (1, 2, 3)},
    }
    # 中秋 may fall on 1–3 October (2028-10-03): it is then one rest day, named 国庆节 (the later key wins);
    # how the two are joined into a longer break is the notice's to say.
    return days


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
            # Until the year's notice is loaded, the statutory holidays stand in for it; the notice's rows
            # replace them (a loaded year is exactly what its rows and weekdays say).
            rest: dict[datetime.date, str] = {} if loaded else dict(statutory_holidays(year))
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
