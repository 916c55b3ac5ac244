"""The money indicators payments adds to the core's registry, on hand-computed ledgers."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from enforcement.indicators.compute import compute_month
from enforcement.indicators.registry import indicators
from enforcement.models import IndicatorFigure
from tests.indicators import account_of, allocate, at, closed_case, ledger

NOVEMBER = datetime.date(2026, 11, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-12-15"), tick=False):
        yield


def figure(court, code: str) -> tuple[Decimal, Decimal]:
    compute_month(court.pk, NOVEMBER)
    row = IndicatorFigure.objects.get(court=court, month=NOVEMBER, code=code, team_ref=0, judge_ref=0)
    return row.numerator, row.denominator


def test_the_money_indicators_are_registered_by_payments():
    codes = {i.code for i in indicators}
    assert {"money_recovered", "days_to_payout"} <= codes


def test_money_recovered_is_credits_less_their_reversals_over_the_amounts_claimed(court):
    one = closed_case(court, filed="2026-05-01", closed="2026-11-10", claim="10000.00")
    account = account_of(one)
    ledger(account, "received", "6000.00", "2026-06-01")
    wrong = ledger(account, "received", "500.00", "2026-06-02")
    ledger(account, "reversal", "-500.00", "2026-06-03", reverses=wrong)
    ledger(account, "paid_out", "-6000.00", "2026-06-10")  # a payout is not money recovered twice
    closed_case(court, filed="2026-05-01", closed="2026-11-12", claim="5000.00")  # nothing recovered
    closed_case(court, filed="2026-05-01", closed="2026-10-12", claim="5000.00")  # October

    assert figure(court, "money_recovered") == (Decimal("6000.00"), Decimal("15000.00"))


def test_days_to_payout_averages_each_part_of_a_payout_from_its_credit(court):
    case = closed_case(court, filed="2026-05-01", closed=None)
    account = account_of(case)
    first = ledger(account, "received", "100.00", "2026-10-20")
    second = ledger(account, "received", "100.00", "2026-11-01")
    payout = ledger(account, "paid_out", "-200.00", "2026-11-06")
    allocate(payout, first, "100.00")  # 17 days
    allocate(payout, second, "100.00")  # 5 days
    october = ledger(account, "received", "50.00", "2026-10-01")
    early = ledger(account, "paid_out", "-50.00", "2026-10-05")  # paid in October: another month
    allocate(early, october, "50.00")

    assert figure(court, "days_to_payout") == (Decimal("22.00"), Decimal("2.00"))
