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
from django.utils.translation import ngettext, pgettext

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
    # The last day it may count (暂缓执行: 3 months, or 3 + 3 with the additional period approved); a
    # running period that reaches it stops pausing the clock. None: no longest term.
    latest_end: datetime.date | None = None


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
    """Days of a deducted period on its own, both ends included; a running one counts up to today."""
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
    counter = _DeductionCounter(anchor=anchor, day=day, today=today, calendar=calendar, budget=budget)
    for period in sorted(deductions, key=lambda p: (p.start, p.end or datetime.date.max)):
        steps.append(counter.count(period))
    day = counter.day
    if budget.rolls_off_rest_days:
        day = _roll_off_rest_days(day, calendar, steps)
    elif calendar.is_rest_day(day):
        steps.append(Step("not_rolled", {"date": day.isoformat(), "name": calendar.rest_day_name(day)}))
    _note_missing_years(anchor, day, calendar, steps)
    return DueDate(last_day=day, steps=tuple(steps), paused=counter.paused)


@dataclass
class _DeductionCounter:
    """Adds deducted periods to a due date one by one, in the order they started, so that:

    - overlapping periods count once, as the union of their days: each period adds only the days no
      earlier period counted (its step says how many it added and how many were counted already);
    - only days after the anchor count: the clock was not running before, so there was nothing to pause.
      A period that started earlier and runs past the anchor is kept as recorded (the appraisal really
      began then) and counts from the day after the anchor; one that ended by the anchor counts nothing;
    - a period that starts after the due date reached so far counts nothing: that clock had run out, and
      an expired limit is extended with approval, not paused after the fact;
    - a period counts up to its ``latest_end`` at most; a running one past it no longer pauses the clock.

    The service refuses such periods before they are saved; the engine holds on its own for rows written
    otherwise (or before these rules).
    """

    anchor: datetime.date
    day: datetime.date
    today: datetime.date
    calendar: WorkingCalendar
    budget: Budget
    covered_until: datetime.date = datetime.date.min
    paused: bool = False

    def __post_init__(self) -> None:
        self.covered_until = self.anchor  # the anchor's day is never counted

    def count(self, period: DeductedPeriod) -> Step:
        base = {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat() if period.end else None,
        }
        end = period.end or self.today
        capped = period.latest_end is not None and end > period.latest_end
        if capped and period.latest_end is not None:
            end = period.latest_end
        running = period.end is None and not capped
        due_so_far = self._rolled(self.day)
        if period.start > due_so_far:
            return Step("deduction_after_expiry", {**base, "expired": due_so_far.isoformat()})
        if period.end is not None and end <= self.anchor:
            return Step("deduction_before_anchor", {**base, "anchor": self.anchor.isoformat()})
        if period.start > self.day:
            # It started on the days the last day was carried over (a rest day's roll-off): the clock
            # stood at its working last day, which the period then holds.
            self.day = due_so_far
        first_countable = max(period.start, self.anchor + datetime.timedelta(days=1))
        new_from = max(first_countable, self.covered_until + datetime.timedelta(days=1))
        days = max((end - new_from).days + 1, 0)
        overlap = max((min(end, self.covered_until) - first_countable).days + 1, 0)
        self.covered_until = max(self.covered_until, end)
        self.day += datetime.timedelta(days=days)
        self.paused = self.paused or running
        params: dict[str, Any] = {**base, "days": days, "date": self.day.isoformat()}
        if overlap:
            params["overlap"] = overlap
        if first_countable > period.start:
            params["counted_from"] = first_countable.isoformat()
        if capped and period.latest_end is not None:
            return Step("deduction_capped", {**params, "latest_end": period.latest_end.isoformat()})
        return Step("deduction_running" if running else "deduction", params)

    def _rolled(self, day: datetime.date) -> datetime.date:
        return self.calendar.next_working_day(day) if self.budget.rolls_off_rest_days else day


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
    # ``statutory``: the year's statutory holidays were counted (the wording before them said weekends only;
    # explanations stored then keep that wording until they are recomputed).
    for year in range(start.year, end.year + 1):
        if not calendar.is_loaded(year):
            steps.append(Step("year_not_loaded", {"year": year, "statutory": True}))


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


def _deduction(step: dict[str, Any]) -> str:
    text = ngettext(
        "+%(days)d day deducted: %(kind)s, %(start)s to %(end)s → %(date)s",
        "+%(days)d days deducted: %(kind)s, %(start)s to %(end)s → %(date)s",
        step["days"],
    )
    return text % step + _deduction_notes(step)


def _deduction_running(step: dict[str, Any]) -> str:
    text = ngettext(
        "+%(days)d day so far: %(kind)s since %(start)s, still running; the clock is paused → %(date)s",
        "+%(days)d days so far: %(kind)s since %(start)s, still running; the clock is paused → %(date)s",
        step["days"],
    )
    return text % step + _deduction_notes(step)


def _deduction_capped(step: dict[str, Any]) -> str:
    text = ngettext(
        "+%(days)d day deducted: %(kind)s since %(start)s, counted until %(latest_end)s, the longest it "
        "may last; the clock runs again from the next day → %(date)s",
        "+%(days)d days deducted: %(kind)s since %(start)s, counted until %(latest_end)s, the longest it "
        "may last; the clock runs again from the next day → %(date)s",
        step["days"],
    )
    return text % step + _deduction_notes(step)


def _deduction_notes(step: dict[str, Any]) -> str:
    """What a period's days were reduced by: days before the clock started, days another period counted."""
    notes = []
    if step.get("counted_from"):
        notes.append(_("counted from %(counted_from)s, the day after the clock started") % step)
    if step.get("overlap"):
        notes.append(
            ngettext(
                "%(overlap)d day already counted by an earlier overlapping period",
                "%(overlap)d days already counted by an earlier overlapping period",
                step["overlap"],
            )
            % step
        )
    if not notes:
        return ""
    joined = pgettext("between notes on a deducted period", "; ").join(notes)
    return pgettext("notes after a deducted period", " (%(notes)s)") % {"notes": joined}


def _year_not_loaded(step: dict[str, Any]) -> str:
    if not step.get("statutory"):
        return (
            _("The holidays of %(year)s are not loaded: only weekends were counted as rest days in %(year)s.")
            % step
        )
    return (
        _(
            "The State Council's holiday notice for %(year)s is not loaded yet: in %(year)s only "
            "weekends and the statutory holidays (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节) "
            "were counted as rest days; the notice's further days off and make-up working days are not "
            "known until it is loaded."
        )
        % step
    )


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
    "deduction": lambda s: _deduction(s),
    "deduction_running": lambda s: _deduction_running(s),
    "deduction_capped": lambda s: _deduction_capped(s),
    "deduction_before_anchor": lambda s: (
        _(
            "%(kind)s, %(start)s to %(end)s, is not counted: it ended by %(anchor)s, the day the clock "
            "started, which is itself not counted."
        )
        % s
    ),
    "deduction_after_expiry": lambda s: (
        _(
            "%(kind)s from %(start)s is not counted: the time limit had already run out on %(expired)s "
            "(an expired limit is extended with approval, not paused)."
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
    "year_not_loaded": lambda s: _year_not_loaded(s),
}
