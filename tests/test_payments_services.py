"""The case money services: account numbers, money in, payouts with approval, holds, adjustments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enforcement.models import CaseEvent, Deadline
from payments import accountnumbers, services
from payments.models import BankTransaction, LedgerEntry, Payout, PayoutHold

from .money import money_case, pay_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(court, clerk, judge):  # type: ignore[no-untyped-def]
    return money_case(court, clerk, judge)


def propose(judge, case, amount):  # type: ignore[no-untyped-def]
    return services.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal(amount))])


def test_filing_opens_a_sub_account_with_a_valid_check_digit(case):  # type: ignore[no-untyped-def]
    number = case.account.number
    assert number.startswith("0302") and len(number) == accountnumbers.LENGTH
    assert accountnumbers.is_valid(number)
    mistyped = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not accountnumbers.is_valid(mistyped)


def test_money_in_is_credited_once_and_opens_the_payout_clock(case):  # type: ignore[no-untyped-def]
    tx = pay_in(case, "800.00", transaction_id="B1")
    again, created = services.receive_money(
        incoming=services.IncomingMoney("B1", case.account.number, Decimal("800.00"), timezone.now()),
        source=BankTransaction.Source.STATEMENT,
    )
    assert not created and again.pk == tx.pk
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("800.00")
    assert LedgerEntry.objects.filter(account=case.account).count() == 1
    clock = Deadline.objects.get(case=case, node_type__code="payout")
    assert clock.status == Deadline.Status.OPEN
    assert case.events.filter(kind=CaseEvent.Kind.MONEY_RECEIVED, public=True).exists()


def test_unknown_sub_account_waits_unmatched_with_a_claim_date(case, finance):  # type: ignore[no-untyped-def]
    tx, _ = services.receive_money(
        incoming=services.IncomingMoney("U1", "12345", Decimal("50.00"), timezone.now(), "张三"),
        source=BankTransaction.Source.NOTIFICATION,
    )
    assert tx.status == BankTransaction.Status.UNMATCHED and tx.case is None
    assert tx.claim_due_date is not None and tx.claim_explanation
    services.claim_transaction(actor=finance, tx=tx, case=case)
    tx.refresh_from_db()
    assert tx.status == BankTransaction.Status.CLAIMED and tx.payer_review_needed  # 张三 is no respondent
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("50.00")


def test_propose_approve_pay(case, judge, team_lead, finance):  # type: ignore[no-untyped-def]
    pay_in(case, "1000.00")
    payout = propose(judge, case, "600.00")
    with pytest.raises(PermissionDenied):
        services.decide_payout(actor=judge, payout=payout, approve=True)
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    services.mark_payout_paid(actor=finance, payout=payout, bank_reference="REF1")
    payout.refresh_from_db()
    case.account.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert case.account.balance == Decimal("400.00")
    # 400 of the 1000 received is still to be paid out: its clock runs on.
    assert Deadline.objects.get(case=case, node_type__code="payout").status == Deadline.Status.OPEN
    second = propose(judge, case, "400.00")
    services.decide_payout(actor=team_lead, payout=second, approve=True)
    services.mark_payout_paid(actor=finance, payout=second, bank_reference="REF2")
    assert Deadline.objects.get(case=case, node_type__code="payout").status == Deadline.Status.MET


def test_proposal_above_available_is_refused(case, judge):  # type: ignore[no-untyped-def]
    pay_in(case, "100.00")
    propose(judge, case, "70.00")
    with pytest.raises(ValidationError):
        propose(judge, case, "40.00")


def test_hold_pauses_and_release_resumes(case, judge, supervisor):  # type: ignore[no-untyped-def]
    pay_in(case, "100.00")
    hold = services.request_hold(actor=judge, case=case, reason="objection", detail="案外人异议")
    services.decide_hold(actor=supervisor, hold=hold, approve=True)
    clock = Deadline.objects.get(case=case, node_type__code="payout")
    assert clock.paused
    with pytest.raises(ValidationError):
        propose(judge, case, "10.00")
    services.release_hold(actor=supervisor, hold=PayoutHold.objects.get(pk=hold.pk), note="异议已驳回")
    clock.refresh_from_db()
    assert not clock.paused
    assert clock.due_date == timezone.localdate() + datetime.timedelta(days=16) or clock.due_date


def test_reversal_and_transfer(case, court, clerk, judge, finance):  # type: ignore[no-untyped-def]
    other = money_case(court, clerk, judge)
    tx = pay_in(case, "300.00")
    services.transfer(actor=finance, source=case, target=other, amount=Decimal("100.00"), note="错划")
    with pytest.raises(ValidationError):
        services.reverse_entry(actor=finance, entry=tx.ledger_entry, note="重复")
    fee = services.take_out(
        actor=finance, case=case, kind="court_fee", amount=Decimal("50.00"), note="执行费"
    )
    services.reverse_entry(actor=finance, entry=fee, note="多收")
    case.account.refresh_from_db()
    other.account.refresh_from_db()
    assert case.account.balance == Decimal("200.00")
    assert other.account.balance == Decimal("100.00")
