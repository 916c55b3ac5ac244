"""Reads of the supervision indicators: the figures table for the pages, the live case lists behind a
figure (the indicator's own definition, ``enforcement.indicators.registry``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from ..indicators import compute  # noqa: F401 - the core's indicators are registered on import
from ..indicators.compute import as_number
from ..indicators.context import Context, Scope, context_for
from ..indicators.registry import Indicator, indicators
from ..models import Case, IndicatorFigure

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class Figure:
    numerator: Decimal = Decimal("0.00")
    denominator: Decimal = Decimal("0.00")

    def value(self, indicator: Indicator) -> Decimal | None:
        """The rate in percent or the average in days, to two places; None without a denominator."""
        if not self.denominator:
            return None
        ratio = self.numerator / self.denominator
        return (ratio * HUNDRED if indicator.unit == "percent" else ratio).quantize(CENT)


@dataclass
class IndicatorRow:
    indicator: Indicator
    definition: str
    target: Decimal | None
    month: Figure
    year: Figure
    trend: list[Figure] = field(default_factory=list)
    months: list[datetime.date] = field(default_factory=list)

    @property
    def trend_cells(self) -> list[tuple[datetime.date, Decimal | None]]:
        return [(m, f.value(self.indicator)) for m, f in zip(self.months, self.trend, strict=True)]

    @property
    def month_value(self) -> Decimal | None:
        return self.month.value(self.indicator)

    @property
    def year_value(self) -> Decimal | None:
        return self.year.value(self.indicator)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.year_value is None:
            return None
        if self.indicator.higher_is_better:
            return self.year_value >= self.target
        return self.year_value <= self.target


def trend_months(month: datetime.date) -> list[datetime.date]:
    return [month - relativedelta(months=n) for n in reversed(range(12))]


@dataclass
class Overview:
    month: datetime.date
    months: list[datetime.date]
    rows: list[IndicatorRow]
    computed_at: datetime.datetime | None


def overview(scope: Scope, month: datetime.date, *, money_only: bool = False) -> Overview:
    """Each indicator's month, year to date and 12-month trend for the scope: one read of the figures."""
    months = trend_months(month)
    first = min(months[0], month.replace(month=1))
    figures = IndicatorFigure.objects.filter(
        court_id=scope.court_id,
        team_ref=scope.team_id or 0,
        judge_ref=scope.judge_id or 0,
        month__gte=first,
        month__lte=month,
    ).values_list("code", "month", "numerator", "denominator", "computed_at")
    found: dict[str, dict[datetime.date, Figure]] = defaultdict(dict)
    computed_at = None
    for code, when, numerator, denominator, at in figures:
        found[code][when] = Figure(numerator, denominator)
        computed_at = at if computed_at is None or at > computed_at else computed_at
    ctx = context_for(scope.court_id, month)
    rows = []
    for indicator in indicators:
        if money_only and not indicator.money:
            continue
        by_month = found.get(indicator.code, {})
        if indicator.code.startswith("overdue.") and not any(by_month.get(m) for m in months):
            continue  # a node with no deadline due in the year: nothing to show
        rows.append(
            IndicatorRow(
                indicator=indicator,
                definition=str(indicator.describe(ctx)),
                target=indicator.target(ctx),
                month=by_month.get(month, Figure()),
                year=_year_to_date(indicator, by_month, month),
                trend=[by_month.get(m, Figure()) for m in months],
                months=months,
            )
        )
    return Overview(month=month, months=months, rows=rows, computed_at=computed_at)


def _year_to_date(
    indicator: Indicator, by_month: dict[datetime.date, Figure], month: datetime.date
) -> Figure:
    if not indicator.cumulative:
        return by_month.get(month, Figure())
    total = Figure()
    for when, figure in by_month.items():
        if when.year == month.year and when <= month:
            total.numerator += figure.numerator
            total.denominator += figure.denominator
    return total


def headline(court_id: int, month: datetime.date) -> Overview:
    """The court's 3+1 for the home page of supervisors and presidents."""
    found = overview(Scope(court_id), month)
    found.rows = [r for r in found.rows if r.target is not None]
    return found


def figure_cases(
    indicator: Indicator, scope: Scope, month: datetime.date, part: str
) -> tuple[QuerySet[Case], Context]:
    """The cases behind a figure, live: the denominator's cases, or the numerator's among them."""
    ctx = context_for(scope.court_id, month)
    cases = scope.cases(indicator.cases(ctx))
    if part == "numerator" and indicator.counted is not None:
        cases = cases.filter(indicator.counted(ctx))
    return cases.select_related("team", "responsible_judge").order_by("-filed_at", "-pk"), ctx


def case_measure(case: Case, name: str) -> Any:
    value = getattr(case, name, None)
    if isinstance(value, datetime.timedelta):
        return as_number(value)
    return value
