"""The nightly figures: each indicator's numerator and denominator per court, team, judge and month,
upserted into ``IndicatorFigure`` on its unique key, so two workers (or a rerun) leave the same rows.

A case counts for the team and the judge it has when the figures are computed (its current assignment).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from ..models import Court, IndicatorFigure
from . import definitions  # noqa: F401 - registers the core's indicators
from .context import Context, context_for, month_start
from .registry import Indicator, indicators

Key = tuple[int, int]  # (team_ref, judge_ref); 0 for "all"
SECONDS_PER_DAY = Decimal(86400)
CENT = Decimal("0.01")


def as_number(value: Any) -> Decimal:
    """A measure's value as stored: durations in days, every value with two places."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, datetime.timedelta):
        return (Decimal(value.days) + Decimal(value.seconds) / SECONDS_PER_DAY).quantize(CENT)
    return Decimal(value).quantize(CENT)


def _grouped(rows: Iterable[dict[str, Any]]) -> dict[Key, Decimal]:
    """Rows per (team, judge) summed to the court (0, 0), each team (t, 0) and each judge (0, j)."""
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for row in rows:
        value = as_number(row["v"])
        totals[(0, 0)] += value
        if row["team_id"]:
            totals[(row["team_id"], 0)] += value
        if row["responsible_judge_id"]:
            totals[(0, row["responsible_judge_id"])] += value
    return totals


def measure(indicator: Indicator, ctx: Context) -> tuple[dict[Key, Decimal], dict[Key, Decimal]]:
    """Numerator and denominator of one indicator for every scope of the court's month (two queries)."""
    cases = indicator.cases(ctx)
    counted = cases.filter(indicator.counted(ctx)) if indicator.counted is not None else cases
    group = ("team_id", "responsible_judge_id")
    numerators = _grouped(counted.order_by().values(*group).annotate(v=indicator.numerator()))
    denominators = _grouped(cases.order_by().values(*group).annotate(v=indicator.denominator()))
    return numerators, denominators


@dataclass
class ComputeResult:
    months: int = 0
    figures: int = 0
    removed: int = 0


def compute_month(
    court_id: int, month: datetime.date, *, now: datetime.datetime | None = None
) -> ComputeResult:
    """Every indicator of the court's month, replacing what was there (an upsert, then the rows of scopes
    that no longer have any figure are removed)."""
    now = now or timezone.now()
    ctx = context_for(court_id, month)
    rows = []
    for indicator in indicators:
        numerators, denominators = measure(indicator, ctx)
        for key in denominators.keys() | numerators.keys():
            rows.append(
                IndicatorFigure(
                    court_id=court_id,
                    team_ref=key[0],
                    judge_ref=key[1],
                    month=ctx.month,
                    code=indicator.code,
                    numerator=numerators.get(key, Decimal("0.00")),
                    denominator=denominators.get(key, Decimal("0.00")),
                    computed_at=now,
                )
            )
    with transaction.atomic():
        IndicatorFigure.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["court", "team_ref", "judge_ref", "month", "code"],
            update_fields=["numerator", "denominator", "computed_at"],
        )
        removed, _ = IndicatorFigure.objects.filter(
            court_id=court_id, month=ctx.month, computed_at__lt=now
        ).delete()
    return ComputeResult(months=1, figures=len(rows), removed=removed)


def recent_months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The month of ``today`` and the ``count - 1`` before it, oldest first."""
    first = month_start(today)
    return [first - relativedelta(months=n) for n in reversed(range(count))]


def compute_indicators(
    *,
    court_ids: Iterable[int] | None = None,
    months: Iterable[datetime.date] | None = None,
    now: datetime.datetime | None = None,
) -> ComputeResult:
    """The nightly job: the last 12 months of every active court (or those given)."""
    now = now or timezone.now()
    ids = (
        list(court_ids)
        if court_ids is not None
        else list(Court.objects.filter(is_active=True).values_list("pk", flat=True))
    )
    chosen = list(months) if months is not None else recent_months(timezone.localdate(now))
    result = ComputeResult()
    for court_id in ids:
        for month in chosen:
            one = compute_month(court_id, month, now=now)
            result.months += one.months
            result.figures += one.figures
            result.removed += one.removed
    return result
