"""The one engine that computes every legal due date, and explains how.

A due date is derived from: the anchor (the day of the event, which is not counted), the node type's
budget (days or months; calendar days, or working days only), approved extensions, deducted periods, and
the working calendar: a period whose last day is a rest day ends on the next working day. Each step is
recorded as a code with parameters, so the explanation can be shown in any language.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Deduction
from .workcalendar import WorkingCalendar


@dataclass(frozen=True)
class Budget:
    amount: int
    unit: str  # "days" or "months"
    working_days: bool = False
    # False for terms of measures: a last day on a rest day stays where it is (NodeType.Counting.EXACT).
    rolls_off_rest_days: bool = True


@dataclass(frozen=True)
class DeductedPeriod:
    kind: str  # a Deduction.Kind value; shown in the reader's language by ``describe``
    start: datetime.date
    end: datetime.date | None  # None while it runs


@dataclass(frozen=True)
class Step:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class DueDate:
    last_day: datetime.date
    steps: tuple[Step, ...]
    paused: bool  # a deducted period is still running

    @property
    def explanation(self) -> list[dict[str, Any]]:
        return [step.as_dict() for step in self.steps]


def deducted_days(period: DeductedPeriod, today: datetime.date) -> int:
    """Days of a deducted period, both ends included; a running one counts up to today."""
    end = period.end or today
    return max((end - period.start).days + 1, 0)


def hours_after(start: datetime.datetime, hours: int) -> tuple[datetime.datetime, list[dict[str, Any]]]:
    """A limit counted in hours (the family told within 24 hours of a detention): the exact time, with
    its explanation; calendars, rest days and deductions play no part."""
    end = start + datetime.timedelta(hours=hours)
    step = Step("hours", {"hours": hours, "start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}"})
    return end, [step.as_dict()]


def compute_due_date(
    *,
    anchor: datetime.date,
    budget: Budget,
    calendar: WorkingCalendar,
    extension_months: Sequence[int] = (),
    deductions: Sequence[DeductedPeriod] = (),
    today: datetime.date,
) -> DueDate:
    steps: list[Step] = [Step("anchor", {"date": anchor.isoformat()})]
    day = _apply_budget(anchor, budget, calendar, steps)
    for months in extension_months:
        day = _add_months(day, months, steps, "extension")
    for period in deductions:
        days = deducted_days(period, today)
        day += datetime.timedelta(days=days)
        code = "deduction" if period.end else "deduction_running"
        steps.append(
            Step(
                code,
                {
                    "kind": period.kind,
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat() if period.end else None,
                    "days": days,
                    "date": day.isoformat(),
                },
            )
        )
    if budget.rolls_off_rest_days:
        day = _roll_off_rest_days(day, calendar, steps)
    elif calendar.is_rest_day(day):
        steps.append(Step("not_rolled", {"date": day.isoformat(), "name": calendar.rest_day_name(day)}))
    _note_missing_years(anchor, day, calendar, steps)
    return DueDate(last_day=day, steps=tuple(steps), paused=any(p.end is None for p in deductions))


def _apply_budget(
    anchor: datetime.date, budget: Budget, calendar: WorkingCalendar, steps: list[Step]
) -> datetime.date:
    if budget.unit == "months":
        return _add_months(anchor, budget.amount, steps, "budget_months")
    if budget.working_days:
        day = calendar.add_working_days(anchor, budget.amount)
        steps.append(Step("budget_working_days", {"days": budget.amount, "date": day.isoformat()}))
        return day
    day = anchor + datetime.timedelta(days=budget.amount)
    steps.append(Step("budget_days", {"days": budget.amount, "date": day.isoformat()}))
    return day


def _add_months(day: datetime.date, months: int, steps: list[Step], code: str) -> datetime.date:
    # relativedelta lands on the same day of the month, or on the month's last day when it has none.
    result = day + relativedelta(months=months)
    steps.append(
        Step(code, {"months": months, "date": result.isoformat(), "month_end": result.day != day.day})
    )
    return result


def _roll_off_rest_days(day: datetime.date, calendar: WorkingCalendar, steps: list[Step]) -> datetime.date:
    working = calendar.next_working_day(day)
    if working != day:
        steps.append(
            Step(
                "rolled",
                {"from": day.isoformat(), "name": calendar.rest_day_name(day), "date": working.isoformat()},
            )
        )
    return working


def _note_missing_years(
    start: datetime.date, end: datetime.date, calendar: WorkingCalendar, steps: list[Step]
) -> None:
    for year in range(start.year, end.year + 1):
        if not calendar.is_loaded(year):
            steps.append(Step("year_not_loaded", {"year": year}))


# --- Words ------------------------------------------------------------------------------------------------


def describe(step: dict[str, Any]) -> str:
    """One step of an explanation in the active language."""
    code = step.get("code")
    describer = _DESCRIBERS.get(str(code))
    if describer is None:
        return str(step)
    if step.get("kind") in Deduction.Kind.values:
        step = {**step, "kind": Deduction.Kind(step["kind"]).label}
    return describer(step)


def _month_end(step: dict[str, Any]) -> str:
    return _(" (the month has no such day: its last day)") if step.get("month_end") else ""


_DESCRIBERS = {
    "anchor": lambda s: _("Clock started on %(date)s; that day is not counted.") % s,
    "budget_days": lambda s: ngettext("%(days)d day → %(date)s", "%(days)d days → %(date)s", s["days"]) % s,
    "budget_working_days": lambda s: (
        ngettext("%(days)d working day → %(date)s", "%(days)d working days → %(date)s", s["days"]) % s
    ),
    "budget_months": lambda s: (
        (ngettext("%(months)d month → %(date)s", "%(months)d months → %(date)s", s["months"]) % s)
        + _month_end(s)
    ),
    "extension": lambda s: (
        (
            ngettext(
                "+%(months)d month approved extension → %(date)s",
                "+%(months)d months approved extension → %(date)s",
                s["months"],
            )
            % s
        )
        + _month_end(s)
    ),
    "deduction": lambda s: (
        ngettext(
            "+%(days)d day deducted: %(kind)s, %(start)s to %(end)s → %(date)s",
            "+%(days)d days deducted: %(kind)s, %(start)s to %(end)s → %(date)s",
            s["days"],
        )
        % s
    ),
    "deduction_running": lambda s: (
        ngettext(
            "+%(days)d day so far: %(kind)s since %(start)s, still running; the clock is paused → %(date)s",
            "+%(days)d days so far: %(kind)s since %(start)s, still running; the clock is paused → %(date)s",
            s["days"],
        )
        % s
    ),
    "rolled": lambda s: (
        (_("%(from)s is a rest day (%(name)s); moved to the next working day, %(date)s.") % s)
        if s.get("name")
        else (_("%(from)s is a rest day; moved to the next working day, %(date)s.") % s)
    ),
    "not_rolled": lambda s: _("%(date)s is a rest day; a term of a measure ends on it all the same.") % s,
    "hours": lambda s: (
        ngettext(
            "%(hours)d hour from %(start)s → %(end)s", "%(hours)d hours from %(start)s → %(end)s", s["hours"]
        )
        % s
    ),
    "year_not_loaded": lambda s: (
        _("The holidays of %(year)s are not loaded: only weekends were counted as rest days in %(year)s.") % s
    ),
}
