"""Writes of the working calendar: national holidays, make-up working days, courts' own rest days.

Used by the admin and the ``load_holidays`` management command. Every write is an administrator's
(``roles.ADMINISTRATOR`` or a superuser), runs in one transaction, and recomputes the open deadlines the
change may move (``recompute_open_deadlines``), so no due date is left computed from an old calendar.

The one exception is ``seed_from_package``: a system operation without a permission check, used by the
data migration and by ``load_holidays --from-package`` when the chinesecalendar package is upgraded.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..models import CalendarDay, CalendarYear, Court, Deadline
from ..workcalendar import WorkingCalendar, package_days, package_years
from .deadlines import local_midnight, recompute, recompute_open_deadlines

_T = TypeVar("_T")

# (date, kind, name): one line of a State Council notice.
NoticeDay = tuple[datetime.date, str, str]

# A holiday is at most a few days long; a longer range is almost certainly a typing mistake.
MAX_RANGE_DAYS = 31

KIND_WORDS = {
    "rest": CalendarDay.Kind.REST,
    "休": CalendarDay.Kind.REST,
    "workday": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
}


def is_calendar_administrator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or roles.has_role(user, roles.ADMINISTRATOR)


def check_calendar_administrator(user: AbstractBaseUser | AnonymousUser | None) -> None:
    if not is_calendar_administrator(user):
        raise PermissionDenied(_("Only an administrator may change the working calendar."))


def _with_moved(obj: _T, moved: int) -> _T:
    # How many deadlines recompute() changed (due time or explanation), for the caller's message; set like
    # a queryset annotation, since the model declares no such field.
    setattr(obj, "deadlines_moved", moved)  # noqa: B010 - an attribute the model does not declare
    return obj


# --- Single days ------------------------------------------------------------------------------------------


def set_calendar_day(
    *,
    actor: User,
    date: datetime.date,
    kind: str,
    name: str = "",
    court: Court | None = None,
) -> CalendarDay:
    """Create or change the calendar's row for ``date``: national (``court=None``) or one court's own.

    The returned row carries ``deadlines_moved``: how many open deadlines got a new due time or
    explanation.
    """
    check_calendar_administrator(actor)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose rest day or working day.")})
    with transaction.atomic():
        found = CalendarDay.objects.select_for_update().filter(date=date, court=court).first()
        day = found or CalendarDay(date=date, court=court)
        day.kind, day.name = kind, name.strip()
        day.full_clean()
        day._history_user = actor  # type: ignore[attr-defined]  # simple_history's per-save user
        day.save()
        moved = recompute_open_deadlines(day=date, court=court)
    return _with_moved(day, moved)


def remove_calendar_day(*, actor: User, day: CalendarDay) -> None:
    """Delete a row: the date is again what its weekday says (or what the national calendar says).

    ``day.deadlines_moved`` is set afterwards to how many open deadlines got a new due time or explanation.
    """
    check_calendar_administrator(actor)
    date, court = day.date, day.court
    with transaction.atomic():
        day._history_user = actor  # type: ignore[attr-defined]
        day.delete()
        moved = recompute_open_deadlines(day=date, court=court)
    _with_moved(day, moved)


# --- A year's State Council notice ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeResult:
    calendar_year: CalendarYear
    added: list[datetime.date] = field(default_factory=list)
    removed: list[datetime.date] = field(default_factory=list)
    changed: list[datetime.date] = field(default_factory=list)
    first_load: bool = False
    deadlines_moved: int = 0


def load_year_notice(*, actor: User, year: int, days: Sequence[NoticeDay], note: str = "") -> CalendarYear:
    """Load a year's State Council notice: its national rows become exactly ``days``.

    The returned year carries ``deadlines_moved``; ``apply_year_notice`` reports the changed dates too.
    """
    result = apply_year_notice(actor=actor, year=year, days=days, note=note)
    return _with_moved(result.calendar_year, result.deadlines_moved)


def apply_year_notice(*, actor: User, year: int, days: Sequence[NoticeDay], note: str = "") -> NoticeResult:
    """``load_year_notice``, reporting which dates were added, removed or changed."""
    check_calendar_administrator(actor)
    wanted = _validate_notice(year, days)
    with transaction.atomic():
        list(CalendarYear.objects.select_for_update().filter(year=year))
        first_load = not CalendarYear.objects.filter(year=year).exists()
        existing = {
            d.date: d for d in CalendarDay.objects.select_for_update().filter(date__year=year, court=None)
        }
        removed = sorted(set(existing) - set(wanted))
        added = sorted(set(wanted) - set(existing))
        changed = sorted(
            date
            for date in set(wanted) & set(existing)
            if (existing[date].kind, existing[date].name) != wanted[date]
        )
        for date in removed:
            existing[date]._history_user = actor  # type: ignore[attr-defined]
            existing[date].delete()
        for date in changed:
            row = existing[date]
            row.kind, row.name = wanted[date]
            row._history_user = actor  # type: ignore[attr-defined]
            row.save()
        for date in added:
            kind, name = wanted[date]
            row = CalendarDay(date=date, court=None, kind=kind, name=name)
            row._history_user = actor  # type: ignore[attr-defined]
            row.save()
        calendar_year = CalendarYear.objects.filter(year=year).first() or CalendarYear(year=year)
        calendar_year.source = CalendarYear.Source.NOTICE
        calendar_year.loaded_at = timezone.now()
        calendar_year.loaded_by = actor
        calendar_year.note = note.strip()
        calendar_year._history_user = actor  # type: ignore[attr-defined]
        calendar_year.save()
        moved = _recompute_dates([*removed, *added, *changed])
        if first_load:
            moved += _recompute_year(year)
    return NoticeResult(
        calendar_year=calendar_year,
        added=added,
        removed=removed,
        changed=changed,
        first_load=first_load,
        deadlines_moved=moved,
    )


def _validate_notice(year: int, days: Sequence[NoticeDay]) -> dict[datetime.date, tuple[str, str]]:
    errors: list[ValidationError] = []
    if not 1949 <= year <= 2100:
        raise ValidationError(_("%(year)s is not a year the calendar can hold."), params={"year": year})
    if not days:
        raise ValidationError(_("The notice lists no days; a year's notice names its holidays."))
    wanted: dict[datetime.date, tuple[str, str]] = {}
    for date, kind, name in days:
        if date.year != year:
            errors.append(
                ValidationError(
                    _("%(date)s is not in %(year)s."), params={"date": date.isoformat(), "year": year}
                )
            )
        if kind not in CalendarDay.Kind.values:
            errors.append(
                ValidationError(
                    _("%(date)s: “%(kind)s” is not a kind of day; use rest or workday."),
                    params={"date": date.isoformat(), "kind": kind},
                )
            )
        if len(name.strip()) > 50:
            errors.append(
                ValidationError(
                    _("%(date)s: the name is longer than 50 characters."), params={"date": date.isoformat()}
                )
            )
        if date in wanted:
            errors.append(ValidationError(_("%(date)s is listed twice."), params={"date": date.isoformat()}))
        wanted[date] = (kind, name.strip())
    if errors:
        raise ValidationError(errors)
    return wanted


def _recompute_dates(dates: Iterable[datetime.date], court: Court | None = None) -> int:
    return sum(recompute_open_deadlines(day=date, court=court) for date in sorted(set(dates)))


def _recompute_year(year: int) -> int:
    """Recompute the active deadlines whose counting touches ``year`` (its explanation names the year)."""
    first = datetime.date(year, 1, 1)
    touching = Deadline.objects.filter(
        status__in=Deadline.ACTIVE,
        anchor_at__lt=local_midnight(datetime.date(year + 1, 1, 1)),
        due_date__gte=first,
    )
    calendars: dict[int, WorkingCalendar] = {}
    moved = 0
    for deadline in touching.select_related("case__court").iterator():
        court = deadline.case.court
        moved += recompute(
            deadline, calendar=calendars.setdefault(court.pk, WorkingCalendar.for_court(court))
        )
    return moved


# --- The notice as an administrator pastes it -------------------------------------------------------------

_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_LINE = re.compile(
    rf"^(?P<start>{_DATE})(?:\s*\.\.\s*(?P<end>{_DATE}))?\s+(?P<kind>\S+)(?:\s+(?P<name>.*))?$"
)


def parse_notice(text: str) -> list[NoticeDay]:
    """Read a notice, one line each: ``2027-01-01 rest 元旦``, ``2027-02-15..2027-02-23 休 春节``.

    The kind is ``rest`` or ``休``, ``workday`` or ``班``; the name may be left out. Blank lines and
    ``#`` comments are ignored. Every mistake is reported with its line number, all at once.
    """
    days: list[NoticeDay] = []
    seen: dict[datetime.date, int] = {}
    errors: list[ValidationError] = []

    def error(number: int, message: str, **params: Any) -> None:
        errors.append(ValidationError(message, params={"line": number, **params}))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            error(
                number,
                _(
                    "Line %(line)d: write a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD), "
                    "then rest or workday, then the holiday's name."
                ),
            )
            continue
        start = _parse_date(match["start"])
        end = _parse_date(match["end"]) if match["end"] else start
        kind = KIND_WORDS.get(match["kind"].lower())
        if start is None or end is None:
            bad = match["start"] if start is None else match["end"]
            error(number, _("Line %(line)d: “%(value)s” is not a date."), value=bad)
            continue
        if kind is None:
            error(
                number,
                _("Line %(line)d: “%(value)s” is not a kind of day; write rest (休) or workday (班)."),
                value=match["kind"],
            )
            continue
        if end < start:
            error(number, _("Line %(line)d: the range ends before it starts."))
            continue
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            error(
                number,
                _("Line %(line)d: a range of more than %(max)d days is not a holiday; check the dates."),
                max=MAX_RANGE_DAYS,
            )
            continue
        name = (match["name"] or "").strip()
        day = start
        while day <= end:
            if day in seen:
                error(
                    number,
                    _("Line %(line)d: %(date)s is already listed on line %(first)d."),
                    date=day.isoformat(),
                    first=seen[day],
                )
            else:
                seen[day] = number
                days.append((day, str(kind), name))
            day += datetime.timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return days


def _parse_date(text: str) -> datetime.date | None:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- The chinesecalendar package (system operation) -------------------------------------------------------


@dataclass(frozen=True)
class PackageSeed:
    days_added: list[datetime.date]
    years_added: list[int]
    years: range  # the years the package covers


def seed_from_package(apps: Apps | None = None) -> PackageSeed:
    """Add the national rows and ``CalendarYear`` rows the chinesecalendar package knows and we lack.

    A system operation: NO permission check, and NO recomputation of deadlines — the data migration
    calls it with its historical ``apps`` (there are no deadlines yet), and ``refresh_from_package``
    wraps it for the management command. Only adds: a row already there is kept as it is, and a year
    loaded from a State Council notice is left alone (the administrator's notice wins).
    """
    registry = apps or global_apps
    day_model = registry.get_model("enforcement", "CalendarDay")
    year_model = registry.get_model("enforcement", "CalendarYear")
    notice_years = set(
        year_model.objects.filter(source=CalendarYear.Source.NOTICE).values_list("year", flat=True)
    )
    known = set(day_model.objects.filter(court=None).values_list("date", flat=True))
    new_days = [
        day_model(date=date, court=None, kind=str(kind), name=name)
        for date, kind, name in package_days()
        if date not in known and date.year not in notice_years
    ]
    if hasattr(day_model, "history"):  # the real model: keep its history
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(new_days, day_model)
    else:
        day_model.objects.bulk_create(new_days)
    years = package_years()
    have = set(year_model.objects.filter(year__in=list(years)).values_list("year", flat=True))
    years_added = [year for year in years if year not in have]
    for year in years_added:
        year_model.objects.create(year=year, source=CalendarYear.Source.PACKAGE)
    return PackageSeed(days_added=[d.date for d in new_days], years_added=years_added, years=years)


@dataclass(frozen=True)
class PackageRefresh:
    seed: PackageSeed
    deadlines_moved: int


def refresh_from_package(*, actor: User | None = None) -> PackageRefresh:
    """``seed_from_package`` and the recomputation it calls for, in one transaction.

    With an ``actor``, an administrator's operation (checked); without one, a system operation (the
    ``load_holidays --from-package`` command run by whoever deploys the package upgrade).
    """
    if actor is not None:
        check_calendar_administrator(actor)
    with transaction.atomic():
        seed = seed_from_package()
        moved = _recompute_dates(seed.days_added)
        for year in seed.years_added:
            moved += _recompute_year(year)
    return PackageRefresh(seed=seed, deadlines_moved=moved)
