"""The case money services: account numbers, money in, payouts with approval, holds, adjustments."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enforcement.models import CaseEvent, Deadline
from payments import accountnumbers, services
from payments.models import BankTransaction, LedgerEntry, Payout, PayoutHold
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(court, clerk, judge):
    return money_case(court, clerk, judge)


def propose(judge, case, amount):
    return services.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal(amount))])


def test_filing_opens_a_sub_account_with_a_valid_check_digit(case):
    number = case.account.number
    assert number.startswith("0302") and len(number) == accountnumbers.LENGTH
    assert accountnumbers.is_valid(number)
    mistyped = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not accountnumbers.is_valid(mistyped)


def test_money_in_is_credited_once_and_opens_the_payout_clock(case):
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


def test_unknown_sub_account_waits_unmatched_with_a_claim_date(case, finance):
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


def test_propose_approve_pay(case, judge, team_lead, finance):
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


def test_proposal_above_available_is_refused(case, judge):
    pay_in(case, "100.00")
    propose(judge, case, "70.00")
    with pytest.raises(ValidationError):
        propose(judge, case, "40.00")


# A Wednesday and the Thursday after it, both working days of a loaded year: the day held is a working
# day on any date the suite runs, so the clock it pauses moves by one (the calendar is not the subject).
MONEY_DAY = datetime.datetime(2026, 11, 11, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_hold_pauses_and_release_resumes(court, clerk, judge, supervisor):
    with time_machine.travel(MONEY_DAY, tick=False):
        case = money_case(court, clerk, judge)
        pay_in(case, "100.00")
        clock = Deadline.objects.get(case=case, node_type__code="payout")
        due_before = clock.due_date
        hold = services.request_hold(actor=judge, case=case, reason="objection", detail="案外人异议")
        with pytest.raises(PermissionDenied):
            services.decide_hold(actor=judge, hold=hold, approve=True)  # a judge does not approve holds
        services.decide_hold(actor=supervisor, hold=hold, approve=True)
        clock.refresh_from_db()
        assert clock.paused
        with pytest.raises(ValidationError):
            propose(judge, case, "10.00")
        # Money arriving while the hold is in force starts its clock paused too.
        pay_in(case, "5.00")
        assert all(d.paused for d in Deadline.objects.filter(case=case, node_type__code="payout"))
    # Released the next day: the day of arrival is the anchor and never counted, the day after was held.
    with time_machine.travel(MONEY_DAY + datetime.timedelta(days=1), tick=False):
        services.release_hold(actor=supervisor, hold=PayoutHold.objects.get(pk=hold.pk), note="异议已驳回")
    clock.refresh_from_db()
    assert not clock.paused
    held = [step for step in clock.explanation if step["code"] == "deduction"]
    assert held and held[0]["kind"] == "payout_hold" and held[0]["days"] == 1
    assert clock.due_date == due_before + datetime.timedelta(days=1)


def test_reversal_and_transfer(case, court, clerk, judge, finance):
    other = money_case(court, clerk, judge)
    tx = pay_in(case, "300.00")
    services.transfer(actor=finance, source=case, target=other, amount=Decimal("100.00"), note="错划")
    with pytest.raises(ValidationError):
        services.reverse_entry(actor=finance, entry=tx.ledger_entries.get(), note="重复")
    fee = services.take_out(
        actor=finance, case=case, kind="court_fee", amount=Decimal("50.00"), note="执行费"
    )
    services.reverse_entry(actor=finance, entry=fee, note="多收")
    case.account.refresh_from_db()
    other.account.refresh_from_db()
    assert case.account.balance == Decimal("200.00")
    assert other.account.balance == Decimal("100.00")


def test_a_large_payout_needs_a_president(case, judge, team_lead, president, finance):
    case.account.court_account.higher_approval_above = Decimal("500.00")
    case.account.court_account.save()
    pay_in(case, "1000.00")
    payout = propose(judge, case, "500.01")
    assert payout.needs_higher_approval
    with pytest.raises(PermissionDenied):
        services.decide_payout(actor=team_lead, payout=payout, approve=True)
    services.decide_payout(actor=president, payout=payout, approve=True)
    assert Payout.objects.get(pk=payout.pk).status == Payout.Status.APPROVED


def test_only_finance_pays_and_only_approved_payouts(case, judge, team_lead, finance):
    pay_in(case, "100.00")
    payout = propose(judge, case, "100.00")
    with pytest.raises(ValidationError):
        services.mark_payout_paid(actor=finance, payout=payout, bank_reference="R")  # not approved yet
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    with pytest.raises(PermissionDenied):
        services.mark_payout_paid(actor=judge, payout=payout, bank_reference="R")
    with pytest.raises(ValidationError):
        services.mark_payout_paid(actor=finance, payout=payout, bank_reference="  ")
    services.mark_payout_paid(actor=finance, payout=payout, bank_reference="R")
    with pytest.raises(ValidationError):
        services.mark_payout_paid(actor=finance, payout=payout, bank_reference="R")  # paid twice
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("0.00")


def test_rejection_and_cancellation_free_the_money(case, judge, team_lead):
    pay_in(case, "100.00")
    first = propose(judge, case, "100.00")
    with pytest.raises(ValidationError):
        services.decide_payout(actor=team_lead, payout=first, approve=False)  # a rejection needs a reason
    services.decide_payout(actor=team_lead, payout=first, approve=False, note="金额有误")
    second = propose(judge, case, "100.00")
    services.cancel_payout(actor=judge, payout=second, note="重新计算")
    third = propose(judge, case, "100.00")
    assert third.status == Payout.Status.PROPOSED
    approve_clock = Deadline.objects.get(case=case, node_type__code="payout_approve", subject_id=first.pk)
    assert approve_clock.status == Deadline.Status.MET


def test_several_applicants_share_a_payout(court, clerk, judge, team_lead, finance):
    case = money_case(court, clerk, judge, applicants=3)
    pay_in(case, "100.00")
    parts = services.split_by_shares(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    payout = services.propose_payout(
        actor=judge, case=case, lines=list(zip(case.applicants(), parts, strict=True))
    )
    assert payout.lines.count() == 3 and payout.amount == Decimal("100.00")
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    batch = services.export_payment_batch(actor=finance, court=court, payouts=[payout])
    assert Payout.objects.get(pk=payout.pk).status == Payout.Status.EXPORTED
    services.confirm_payment_batch(actor=finance, batch=batch, bank_reference="FILE-1")
    assert LedgerEntry.objects.filter(account=case.account, kind="paid_out").count() == 3
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("0.00")


def test_payouts_go_only_to_confirmed_applicant_accounts(case, judge):
    pay_in(case, "100.00")
    respondent = case.respondents()[0]
    with pytest.raises(ValidationError):
        services.propose_payout(actor=judge, case=case, lines=[(respondent, Decimal("10.00"))])
    applicant = case.applicants()[0]
    applicant.payee_account.delete()
    with pytest.raises(ValidationError):
        propose(judge, case, "10.00")


def test_locked_first_interview_gives_the_payee_account(court, clerk, judge):
    from intake import services as intake_services

    case = money_case(court, clerk, judge)
    applicant = case.applicants()[0]
    applicant.payee_account.delete()
    intake_services.save_first_interview(
        actor=clerk,
        case=case,
        values={
            "payout_bank_name": "农业银行",
            "payout_account_name": applicant.name,
            "payout_account_number": "6228480012345678",
        },
        leads=[],
    )
    assert services.confirmed_payees(case) == {}  # a draft record confirms nothing
    intake_services.lock_first_interview(actor=clerk, case=case)
    payee = services.confirmed_payees(case)[applicant.pk]
    assert payee.account_number == "6228480012345678"


def test_strangers_cannot_move_money(case, judge, outsider, stranger, clerk, finance):
    pay_in(case, "100.00")
    for user in (outsider, stranger, clerk, finance):
        with pytest.raises(PermissionDenied):
            propose(user, case, "10.00")
    for user in (outsider, stranger, clerk, judge):
        with pytest.raises(PermissionDenied):
            services.take_out(actor=user, case=case, kind="court_fee", amount=Decimal("1.00"), note="x")


def test_payer_other_than_respondent_is_flagged_and_reviewed(case, judge, finance):
    own = pay_in(case, "10.00")
    assert not own.payer_review_needed
    other = pay_in(case, "10.00", payer="李四")
    assert other.payer_review_needed
    with pytest.raises(ValidationError):
        services.review_payer(actor=finance, tx=other, note="")
    services.review_payer(actor=judge, tx=other, note="李四系被执行人法定代表人，代为履行")
    other.refresh_from_db()
    assert other.payer_reviewed_by == judge


def test_amounts_with_more_than_two_places_are_refused(case, judge):
    with pytest.raises(ValidationError):
        services.receive_money(
            incoming=services.IncomingMoney("X1", case.account.number, Decimal("1.005"), timezone.now()),
            source=BankTransaction.Source.NOTIFICATION,
        )
    assert not BankTransaction.objects.filter(transaction_id="X1").exists()


def test_party_sees_money_received_paid_and_pending_only(case, judge, team_lead, finance):
    from payments.selectors import party_money_lines, party_money_totals

    pay_in(case, "300.00")
    paid = propose(judge, case, "100.00")
    services.decide_payout(actor=team_lead, payout=paid, approve=True)
    services.mark_payout_paid(actor=finance, payout=paid, bank_reference="R1")
    propose(judge, case, "50.00")
    services.take_out(actor=finance, case=case, kind="court_fee", amount=Decimal("20.00"), note="执行费")
    lines = party_money_lines(case)
    assert [(line.kind, line.amount) for line in lines] == [
        ("received", Decimal("300.00")),
        ("paid", Decimal("100.00")),
        ("pending", Decimal("50.00")),
    ]
    assert party_money_totals(party_money_lines(case)) == {
        "received": Decimal("300.00"),
        "paid": Decimal("100.00"),
        "pending": Decimal("50.00"),
    }


def test_every_payout_change_is_in_history(case, judge, team_lead, finance):
    pay_in(case, "100.00")
    payout = propose(judge, case, "100.00")
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    services.mark_payout_paid(actor=finance, payout=payout, bank_reference="R1")
    statuses = [h.status for h in Payout.history.filter(id=payout.pk).order_by("history_date")]
    assert statuses == ["proposed", "approved", "paid"]


def test_a_hold_stops_an_approved_payout_from_being_paid(case, judge, team_lead, supervisor, finance):
    pay_in(case, "100.00")
    waiting = propose(judge, case, "40.00")
    approved = propose(judge, case, "60.00")
    services.decide_payout(actor=team_lead, payout=approved, approve=True)
    hold = services.request_hold(actor=judge, case=case, reason="distribution", detail="他案申请参与分配")
    services.decide_hold(actor=supervisor, hold=hold, approve=True)
    with pytest.raises(ValidationError):
        services.decide_payout(actor=team_lead, payout=waiting, approve=True)
    with pytest.raises(ValidationError):
        services.mark_payout_paid(actor=finance, payout=approved, bank_reference="R")
    with pytest.raises(ValidationError):
        services.export_payment_batch(actor=finance, court=case.court, payouts=[approved])
    services.release_hold(actor=supervisor, hold=PayoutHold.objects.get(pk=hold.pk), note="分配方案已确定")
    services.mark_payout_paid(actor=finance, payout=approved, bank_reference="R")


def test_a_refused_hold_needs_a_reason(case, judge, supervisor):
    hold = services.request_hold(actor=judge, case=case, reason="dispute", detail="权属争议")
    with pytest.raises(ValidationError):
        services.decide_hold(actor=supervisor, hold=hold, approve=False)
    refused = services.decide_hold(actor=supervisor, hold=hold, approve=False, note="无法定事由")
    assert refused.status == PayoutHold.Status.REFUSED and refused.decision_note == "无法定事由"


def test_a_bad_payee_account_is_refused_before_it_is_written(case, judge):
    applicant = case.applicants()[0]
    before = applicant.payee_account.account_number
    with pytest.raises(ValidationError):
        services.record_payee_account(
            actor=judge,
            party=applicant,
            bank_name="中国银行",
            account_name="张三",
            account_number="1" * 40,
            basis="x",
        )
    applicant.payee_account.refresh_from_db()
    assert applicant.payee_account.account_number == before


def test_money_reversed_off_the_wrong_case_goes_back_to_the_queue(case, court, clerk, judge, finance):
    right = money_case(court, clerk, judge)
    tx = pay_in(case, "300.00")
    services.reverse_entry(actor=finance, entry=tx.ledger_entries.get(), note="付款人填错子账号")
    tx.refresh_from_db()
    assert tx.status == BankTransaction.Status.UNMATCHED and tx.case is None and tx.claim_due_date
    reversal = LedgerEntry.objects.get(account=case.account, kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.booked_at == tx.booked_at  # the value date of the credit it undoes
    services.claim_transaction(actor=finance, tx=tx, case=right)
    case.account.refresh_from_db()
    right.account.refresh_from_db()
    assert (case.account.balance, right.account.balance) == (Decimal("0.00"), Decimal("300.00"))
    # The wrong case's payout clock is met (its money is gone); the right case's runs.
    assert Deadline.objects.get(case=case, node_type__code="payout").status == Deadline.Status.MET
    assert Deadline.objects.get(case=right, node_type__code="payout").status == Deadline.Status.OPEN


def test_numbering_sub_accounts_writes_no_history_of_the_court_account(court, clerk, judge):
    from payments.models import CourtAccount

    money_case(court, clerk, judge)
    before = CourtAccount.history.count()
    money_case(court, clerk, judge)
    assert CourtAccount.history.count() == before


def test_the_migration_hands_over_the_accounts_of_interviews_locked_before(case, clerk):
    import importlib

    from django.apps import apps

    from intake import services as intake_services
    from payments.models import PayeeAccount

    applicant = case.applicants()[0]
    intake_services.save_first_interview(
        actor=clerk,
        case=case,
        values={
            "payout_bank_name": "农业银行",
            "payout_account_name": applicant.name,
            "payout_account_number": "6228480012345678",
        },
        leads=[],
    )
    intake_services.lock_first_interview(actor=clerk, case=case)
    PayeeAccount.objects.all().delete()  # as it stood before payments kept the account
    migration = importlib.import_module("payments.migrations.0006_payees_from_locked_interviews")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: still one account
    payee = PayeeAccount.objects.get()
    assert (payee.party, payee.account_number, payee.confirmed_by) == (applicant, "6228480012345678", clerk)
    assert services.confirmed_payees(case)[applicant.pk].basis == "初次接待笔录"


def test_locking_the_interview_keeps_an_account_the_judge_recorded(case, clerk, judge):
    from intake import services as intake_services

    applicant = case.applicants()[0]
    services.record_payee_account(
        actor=judge,
        party=applicant,
        bank_name="工商银行",
        account_name=applicant.name,
        account_number="6222020000000001",
        basis="当事人提交的银行卡",
    )
    intake_services.save_first_interview(
        actor=clerk,
        case=case,
        values={
            "payout_bank_name": "农业银行",
            "payout_account_name": applicant.name,
            "payout_account_number": "6228480012345678",
        },
        leads=[],
    )
    intake_services.lock_first_interview(actor=clerk, case=case)
    assert services.confirmed_payees(case)[applicant.pk].account_number == "6222020000000001"
