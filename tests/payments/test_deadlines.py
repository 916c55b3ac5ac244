"""The money clocks through the deadline engine and the scan: paying out within the payout limit, the
approval and payment steps, holds that pause the clock, and the claim-by date of unmatched money.

Due times are read from the Deadline rows (the engine computes them, rolling off rest days); the tests
travel past them with time-machine and run the scan as the beat would.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from enforcement.duedates import Budget, DeductedPeriod, compute_due_date, describe
from enforcement.models import Alert, Deadline, Deduction
from enforcement.scan import scan_deadlines
from enforcement.workcalendar import WorkingCalendar
from payments import services
from payments.models import BankTransaction, PayoutHold
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECOND = datetime.timedelta(seconds=1)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(at(2026, 11, 2), tick=False) as traveller:  # a Monday
        yield traveller


@pytest.fixture
def case(clock, court, clerk, judge):
    return money_case(court, clerk, judge)


def clock_of(case, code: str) -> Deadline:
    return Deadline.objects.get(case=case, node_type__code=code)


def alerts(deadline: Deadline, level: str = Alert.Level.OVERDUE) -> list[Alert]:
    return list(Alert.objects.filter(deadline=deadline, level=level))


def words(deadline: Deadline) -> str:
    with translation.override("en"):
        return " ".join(describe(step) for step in deadline.explanation)


def propose(case, judge, amount: str):
    return services.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal(amount))])


# --- The payout limit ---------------------------------------------------------------------------------------


def test_money_not_paid_out_in_time_raises_exactly_one_overdue_alert(case, clock):
    pay_in(case, "500.00")
    deadline = clock_of(case, "payout")
    assert deadline.due_date >= datetime.date(2026, 11, 2) + datetime.timedelta(days=15)
    assert "15 days" in words(deadline)
    clock.move_to(deadline.due_at - SECOND)
    scan_deadlines()
    assert alerts(deadline) == []
    clock.move_to(deadline.due_at)
    scan_deadlines()
    scan_deadlines()
    assert len(alerts(deadline)) == 1
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OVERDUE


def test_the_payout_limit_ending_on_a_holiday_moves_to_the_next_working_day(court, clerk, judge):
    with time_machine.travel(at(2026, 9, 20), tick=False) as clock:  # 15 days later is the National Day
        case = money_case(court, clerk, judge)
        pay_in(case, "500.00")
        deadline = clock_of(case, "payout")
        unrolled = datetime.date(2026, 10, 5)
        assert deadline.due_date > unrolled
        assert not WorkingCalendar.for_court(court).is_rest_day(deadline.due_date)
        assert "2026-10-05" in words(deadline) and deadline.due_date.isoformat() in words(deadline)
        clock.move_to(noon(unrolled) + datetime.timedelta(days=1))
        scan_deadlines()
        assert alerts(deadline) == []  # not late on the holiday
        clock.move_to(deadline.due_at)
        scan_deadlines()
        assert len(alerts(deadline)) == 1


def test_an_approval_left_undecided_past_its_limit_raises_an_alert(case, judge, clock):
    pay_in(case, "500.00")
    propose(case, judge, "500.00")
    approval = clock_of(case, "payout_approve")
    assert "3 working days" in words(approval)
    clock.move_to(approval.due_at)
    scan_deadlines()
    scan_deadlines()
    assert len(alerts(approval)) == 1
    assert alerts(clock_of(case, "payout")) == []  # the 15 days have not run out yet


def test_a_payment_left_undone_after_approval_raises_an_alert(case, judge, team_lead, clock):
    pay_in(case, "500.00")
    payout = propose(case, judge, "500.00")
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    assert clock_of(case, "payout_approve").status == Deadline.Status.MET
    payment = clock_of(case, "payout_pay")
    clock.move_to(payment.due_at)
    scan_deadlines()
    assert len(alerts(payment)) == 1


def test_paying_out_meets_the_clocks_and_resolves_the_alert(case, judge, team_lead, finance, clock):
    pay_in(case, "500.00")
    deadline = clock_of(case, "payout")
    clock.move_to(deadline.due_at + datetime.timedelta(hours=1))
    scan_deadlines()
    [alert] = alerts(deadline)
    payout = propose(case, judge, "500.00")
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    services.mark_payout_paid(actor=finance, payout=payout, bank_reference="REF1")
    deadline.refresh_from_db()
    alert.refresh_from_db()
    assert deadline.status == Deadline.Status.MET and alert.resolved_at is not None
    assert clock_of(case, "payout_pay").status == Deadline.Status.MET
    clock.shift(datetime.timedelta(days=30))
    scan_deadlines()
    money_alerts = Alert.objects.filter(
        deadline__node_type__code__in=["payout", "payout_approve", "payout_pay"]
    )
    assert money_alerts.count() == 1 and not money_alerts.filter(resolved_at__isnull=True).exists()


def test_each_receipt_has_its_own_clock_and_paying_part_meets_only_the_oldest(
    case, judge, team_lead, finance, clock
):
    pay_in(case, "300.00")
    clock.shift(datetime.timedelta(days=5))
    pay_in(case, "200.00")
    first, second = Deadline.objects.filter(case=case, node_type__code="payout").order_by("anchor_at")
    payout = propose(case, judge, "300.00")
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    services.mark_payout_paid(actor=finance, payout=payout, bank_reference="REF1")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Deadline.Status.MET and second.status == Deadline.Status.OPEN
    clock.move_to(second.due_at)
    scan_deadlines()
    assert alerts(first) == [] and len(alerts(second)) == 1


# --- Holds --------------------------------------------------------------------------------------------------


def test_a_hold_pauses_the_payout_clock_and_its_days_are_added_when_released(case, judge, supervisor, clock):
    pay_in(case, "500.00")
    original = clock_of(case, "payout")
    clock.shift(datetime.timedelta(days=2))
    hold = services.request_hold(actor=judge, case=case, reason="objection", detail="案外人提出执行异议")
    services.decide_hold(actor=supervisor, hold=hold, approve=True)
    held_from = datetime.date(2026, 11, 4)
    assert clock_of(case, "payout").paused

    clock.move_to(original.due_at + datetime.timedelta(days=3))  # past the original due time, still held
    scan_deadlines()
    scan_deadlines()
    paused = clock_of(case, "payout")
    assert paused.paused and paused.status == Deadline.Status.OPEN
    assert Alert.objects.filter(deadline=paused).count() == 0

    services.release_hold(actor=supervisor, hold=PayoutHold.objects.get(pk=hold.pk), note="异议已驳回")
    released_on = timezone.localdate()
    held = (released_on - held_from).days + 1  # both ends count
    resumed = clock_of(case, "payout")
    assert not resumed.paused
    expected = compute_due_date(
        anchor=datetime.date(2026, 11, 2),
        budget=Budget(15, "days"),
        calendar=WorkingCalendar.for_court(case.court),
        deductions=[DeductedPeriod(Deduction.Kind.PAYOUT_HOLD, held_from, released_on)],
        today=released_on,
    )
    assert resumed.due_date == expected.last_day >= original.due_date + datetime.timedelta(days=held)
    step = next(s for s in resumed.explanation if s["code"] == "deduction")
    assert (step["kind"], step["days"]) == (Deduction.Kind.PAYOUT_HOLD, held)
    assert "Payout held for a statutory reason" in words(resumed)
    assert Deduction.objects.get(deadline=resumed).end_date == released_on

    clock.move_to(resumed.due_at - SECOND)
    scan_deadlines()
    assert Alert.objects.filter(deadline=resumed, level=Alert.Level.OVERDUE).count() == 0
    clock.move_to(resumed.due_at)
    scan_deadlines()
    assert len(alerts(resumed)) == 1


def test_money_arriving_during_a_hold_starts_its_clock_paused(case, judge, supervisor, clock):
    hold = services.request_hold(actor=judge, case=case, reason="dispute", detail="款项权属争议")
    services.decide_hold(actor=supervisor, hold=hold, approve=True)
    pay_in(case, "80.00")
    deadline = clock_of(case, "payout")
    assert deadline.paused
    clock.move_to(deadline.due_at + datetime.timedelta(days=10))
    scan_deadlines()
    assert Alert.objects.filter(deadline=deadline).count() == 0


def test_a_refused_hold_does_not_stop_the_clock(case, judge, supervisor, clock):
    pay_in(case, "80.00")
    hold = services.request_hold(actor=judge, case=case, reason="other", detail="申请人要求暂缓")
    services.decide_hold(actor=supervisor, hold=hold, approve=False, note="无法定事由")
    deadline = clock_of(case, "payout")
    assert not deadline.paused
    clock.move_to(deadline.due_at)
    scan_deadlines()
    assert len(alerts(deadline)) == 1


# --- Unmatched money ----------------------------------------------------------------------------------------


def test_the_claim_date_of_unmatched_money_comes_from_the_engine_with_its_explanation(court, finance):
    from tests.factories import CourtAccountFactory

    CourtAccountFactory(court=court)
    booked = at(2026, 9, 29)  # 3 days later is in the National Day holiday
    with time_machine.travel(booked, tick=False):
        tx, _ = services.receive_money(
            incoming=services.IncomingMoney("U1", "", Decimal("50.00"), booked, "张三"),
            source=BankTransaction.Source.NOTIFICATION,
            court=court,
        )
    expected = compute_due_date(
        anchor=datetime.date(2026, 9, 29),
        budget=Budget(3, "days"),
        calendar=WorkingCalendar.for_court(court),
        today=datetime.date(2026, 9, 29),
    )
    assert tx.claim_due_date == expected.last_day > datetime.date(2026, 10, 2)
    assert tx.claim_explanation == expected.explanation
    with translation.override("en"):
        text = " ".join(describe(step) for step in tx.claim_explanation)
    assert "Clock started on 2026-09-29" in text and "国庆节" in text
