"""Each indicator on a small data set computed by hand, per definition; a changed setting changes the
figure; the nightly job run twice leaves the same rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from enforcement.indicators.compute import compute_indicators, compute_month
from enforcement.models import Case, Deadline, IndicatorFigure, IndicatorSettings, Team, TeamKind
from tests.factories import UserFactory
from tests.indicators import at, case_limit, closed_case, deduct, petition, reviewed_zhongben

NOVEMBER = datetime.date(2026, 11, 1)
NOW = at("2026-12-15")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def figure(court, code: str, *, month=NOVEMBER, team: int = 0, judge: int = 0) -> tuple[Decimal, Decimal]:
    compute_month(court.pk, month)
    row = IndicatorFigure.objects.filter(
        court=court, month=month, code=code, team_ref=team, judge_ref=judge
    ).first()
    return (row.numerator, row.denominator) if row else (Decimal("0"), Decimal("0"))


def test_within_limit_counts_cases_with_property_closed_before_their_case_limit(court, supervisor):
    on_time = closed_case(court, filed="2026-06-01", closed="2026-11-10")
    case_limit(on_time, due="2026-12-02", met="2026-11-10")
    late = closed_case(court, filed="2026-04-01", closed="2026-11-12")
    case_limit(late, due="2026-10-09", met="2026-11-12")
    # 终本: no executable property, so not in this figure at all.
    zb = closed_case(
        court, filed="2026-05-01", closed="2026-11-13", closure=Case.Closure.TERMINATED_THIS_ROUND
    )
    case_limit(zb, due="2026-11-20", met="2026-11-13")
    # Closed in October: another month.
    october = closed_case(court, filed="2026-05-01", closed="2026-10-30")
    case_limit(october, due="2026-11-02", met="2026-10-30")

    assert figure(court, "within_limit") == (Decimal("1.00"), Decimal("2.00"))


def test_gross_counting_takes_the_deducted_days_off_the_limit(court, supervisor):
    case = closed_case(court, filed="2026-06-01", closed="2026-11-25")
    limit = case_limit(case, due="2026-12-02", met="2026-11-25")
    deduct(limit, supervisor, "2026-08-01", "2026-08-20")  # 20 days: gross limit ends 2026-11-12

    assert figure(court, "within_limit") == (Decimal("1.00"), Decimal("1.00"))
    IndicatorSettings.objects.filter(court=None).update(deductions=IndicatorSettings.Deductions.GROSS)
    assert figure(court, "within_limit") == (Decimal("0.00"), Decimal("1.00"))


def test_money_arrived_makes_a_zhongben_case_one_with_property_when_the_setting_says_so(court):
    zb = closed_case(
        court, filed="2026-05-01", closed="2026-11-13", closure=Case.Closure.TERMINATED_THIS_ROUND
    )
    case_limit(zb, due="2026-11-20", met="2026-11-13")
    from tests.indicators import account_of, ledger

    ledger(account_of(zb), "received", "300.00", "2026-07-01")
    assert figure(court, "within_limit") == (Decimal("0"), Decimal("0"))
    IndicatorSettings.objects.filter(court=None).update(
        property_basis=IndicatorSettings.PropertyBasis.MODE_OR_MONEY
    )
    assert figure(court, "within_limit") == (Decimal("1.00"), Decimal("1.00"))


def test_a_court_of_its_own_settings_overrides_the_default(court, other_court):
    case = closed_case(court, filed="2026-06-01", closed="2026-11-25")
    case_limit(case, due="2026-12-02", met="2026-11-25")
    IndicatorSettings.objects.create(court=court, no_property_modes=["performed"])
    assert figure(court, "within_limit") == (Decimal("0"), Decimal("0"))


def test_qualified_zhongben_needs_the_approved_review_and_the_interview(court, judge, supervisor):
    good = closed_case(
        court, filed="2026-05-01", closed="2026-11-03", closure=Case.Closure.TERMINATED_THIS_ROUND
    )
    reviewed_zhongben(good, judge, supervisor)
    no_interview = closed_case(
        court, filed="2026-05-01", closed="2026-11-04", closure=Case.Closure.TERMINATED_THIS_ROUND
    )
    reviewed_zhongben(no_interview, judge, supervisor, interviewed=False)
    closed_case(court, filed="2026-05-01", closed="2026-11-05", closure=Case.Closure.TERMINATED_THIS_ROUND)
    closed_case(court, filed="2026-05-01", closed="2026-11-06")  # performed: not a 终本 closure

    assert figure(court, "zhongben_qualified") == (Decimal("1.00"), Decimal("3.00"))


def test_petitions_closed_counts_petitions_received_in_the_month(court, judge):
    one = closed_case(court, filed="2026-05-01", closed=None)
    two = closed_case(court, filed="2026-05-01", closed=None)
    petition(one, received="2026-11-02", closed="2026-11-20", by=judge)
    petition(one, received="2026-11-05")
    petition(two, received="2026-11-30", closed="2026-12-03", by=judge)
    petition(two, received="2026-10-30", closed="2026-11-03", by=judge)  # received in October

    assert figure(court, "petitions_closed") == (Decimal("2.00"), Decimal("3.00"))


def test_overall_closure_counts_the_36_months_up_to_the_months_end(court):
    closed_case(court, filed="2024-01-10", closed="2025-03-01")  # filed 35 months before: counted, closed
    closed_case(court, filed="2023-11-30", closed="2024-03-01")  # filed 37 months before: out
    closed_case(court, filed="2026-11-20", closed=None)  # open
    closed_case(court, filed="2026-10-01", closed="2026-12-02")  # closed after November's end: open then
    closed_case(court, filed="2026-12-01", closed=None)  # filed after November: out

    assert figure(court, "overall_closure") == (Decimal("1.00"), Decimal("3.00"))


def test_actual_enforcement_follows_the_modes_of_the_settings(court):
    closed_case(court, filed="2026-05-01", closed="2026-11-03")
    closed_case(court, filed="2026-05-01", closed="2026-11-04", closure=Case.Closure.TERMINATED)
    closed_case(court, filed="2026-05-01", closed="2026-11-05", closure=Case.Closure.TERMINATED_THIS_ROUND)
    closed_case(court, filed="2026-05-01", closed="2026-11-06", closure=Case.Closure.DISMISSED)

    assert figure(court, "actual_enforcement") == (Decimal("1.00"), Decimal("4.00"))
    IndicatorSettings.objects.filter(court=None).update(actual_enforcement_modes=["performed", "terminated"])
    assert figure(court, "actual_enforcement") == (Decimal("2.00"), Decimal("4.00"))


def test_days_to_close_sums_the_days_of_the_cases_closed_in_the_month(court):
    closed_case(court, filed="2026-11-01", closed="2026-11-11")  # 10 days
    closed_case(court, filed="2026-10-01", closed="2026-11-21")  # 51 days
    assert figure(court, "days_to_close") == (Decimal("61.00"), Decimal("2.00"))


def test_overdue_rate_per_node_counts_deadlines_due_in_the_month(court):
    met = closed_case(court, filed="2026-05-01", closed=None)
    case_limit(met, due="2026-11-10", met="2026-11-09")
    late = closed_case(court, filed="2026-05-01", closed=None)
    case_limit(late, due="2026-11-10", met="2026-11-12")
    still = closed_case(court, filed="2026-05-01", closed=None)
    case_limit(still, due="2026-11-20", met=None, status=Deadline.Status.OPEN)
    cancelled = closed_case(court, filed="2026-05-01", closed=None)
    case_limit(cancelled, due="2026-11-20", met=None, status=Deadline.Status.CANCELLED)
    later = closed_case(court, filed="2026-05-01", closed=None)
    case_limit(later, due="2026-12-20", met=None, status=Deadline.Status.OPEN)

    assert figure(court, "overdue.case_limit") == (Decimal("2.00"), Decimal("3.00"))


def test_figures_are_kept_per_team_and_per_judge(court):
    quick = TeamKind.objects.get(code="quick")
    team = Team.objects.create(court=court, kind=quick, name="速执团队")
    one = UserFactory(username="j1", roles=["judge"], courts=[court])
    two = UserFactory(username="j2", roles=["judge"], courts=[court])
    closed_case(court, filed="2026-05-01", closed="2026-11-03", team=team, responsible_judge=one)
    closed_case(
        court, filed="2026-05-01", closed="2026-11-04", closure="dismissed", team=team, responsible_judge=two
    )
    closed_case(court, filed="2026-05-01", closed="2026-11-05", responsible_judge=two)

    assert figure(court, "actual_enforcement") == (Decimal("2.00"), Decimal("3.00"))
    assert figure(court, "actual_enforcement", team=team.pk) == (Decimal("1.00"), Decimal("2.00"))
    assert figure(court, "actual_enforcement", judge=two.pk) == (Decimal("1.00"), Decimal("2.00"))
    assert figure(court, "actual_enforcement", judge=one.pk) == (Decimal("1.00"), Decimal("1.00"))


def _rows():
    return sorted(
        IndicatorFigure.objects.values_list(
            "court_id", "team_ref", "judge_ref", "month", "code", "numerator", "denominator"
        )
    )


def test_the_nightly_job_twice_leaves_the_same_rows(court):
    closed_case(court, filed="2026-05-01", closed="2026-11-03")
    closed_case(court, filed="2026-05-01", closed="2026-12-04", closure="dismissed")
    compute_indicators()
    first = _rows()
    compute_indicators()
    assert _rows() == first
    assert (
        IndicatorFigure.objects.filter(
            code="actual_enforcement", month=NOVEMBER, team_ref=0, judge_ref=0
        ).count()
        == 1
    )


def test_a_figure_no_longer_true_is_removed_by_the_next_run(court):
    case = closed_case(court, filed="2026-05-01", closed="2026-11-03")
    compute_month(court.pk, NOVEMBER)
    assert IndicatorFigure.objects.filter(code="actual_enforcement").exists()
    Case.objects.filter(pk=case.pk).update(closed_at=at("2026-12-03"))
    with time_machine.travel(at("2026-12-15", 11), tick=False):
        compute_month(court.pk, NOVEMBER)
    assert not IndicatorFigure.objects.filter(code="actual_enforcement", month=NOVEMBER).exists()


def test_the_command_computes_one_court_and_month(court, other_court):
    closed_case(court, filed="2026-05-01", closed="2026-11-03")
    closed_case(other_court, filed="2026-05-01", closed="2026-11-03")
    call_command("compute_indicators", court=court.code, month="2026-11")
    assert set(IndicatorFigure.objects.values_list("court_id", flat=True)) == {court.pk}
    assert set(IndicatorFigure.objects.values_list("month", flat=True)) == {NOVEMBER}
