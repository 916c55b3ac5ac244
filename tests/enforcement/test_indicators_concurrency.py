"""The nightly job run by two workers at once leaves one row per key and the same figures (PostgreSQL:
the upsert on the unique key is what makes it safe)."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from enforcement.indicators.compute import compute_month
from enforcement.models import IndicatorFigure
from tests.indicators import at, closed_case
from tests.payments.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOVEMBER = datetime.date(2026, 11, 1)


def test_two_workers_computing_the_same_month_leave_one_row_per_key(court):
    with time_machine.travel(at("2026-12-15"), tick=False):
        closed_case(court, filed="2026-05-01", closed="2026-11-03")
        closed_case(court, filed="2026-05-01", closed="2026-11-04", closure="dismissed")
        _results, errors = at_once(2, lambda i: compute_month(court.pk, NOVEMBER))
    assert errors == []
    keys = list(IndicatorFigure.objects.values_list("team_ref", "judge_ref", "code"))
    assert len(keys) == len(set(keys))
    row = IndicatorFigure.objects.get(code="actual_enforcement", team_ref=0, judge_ref=0)
    assert (row.numerator, row.denominator) == (Decimal("1.00"), Decimal("2.00"))
