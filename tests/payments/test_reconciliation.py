"""The daily money checks (payments/reconciliation.py): reconciliation with the bank, late unmatched money.

Each is run twice (one result, one notice) and, on PostgreSQL, in two workers at once.
"""

import datetime
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connections

from enforcement.models import Court, InboxItem
from payments import reconciliation, services, tasks
from payments.models import BankTransaction, Reconciliation
from payments.statements import import_statement
from tests.factories import CourtFactory, UserFactory
from tests.money import money_case, pay_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = "transaction_id,booked_at,account,amount,payer_name,payer_account,balance"


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


MORNING = at(11, 10, 7, 30)  # when the beat runs reconcile


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(frozen, court, clerk, judge):
    return money_case(court, clerk, judge)


def statement(court: Court, *lines: tuple[str, str, str, str], opening: str = "0.00") -> None:
    """Import a statement of (transaction id, booked at, sub-account, amount) lines, with the balance
    after each line run up from ``opening`` in booking order."""
    balance = Decimal(opening)
    rows = [HEADER]
    for tid, booked_at, account, amount in sorted(lines, key=lambda line: line[1]):
        balance += Decimal(amount)
        rows.append(f"{tid},{booked_at},{account},{amount},,,{balance}")
    import_statement(court=court, actor=None, filename="statement.csv", content="\n".join(rows).encode())


def the_days_lines(case) -> list[tuple[str, str, str, str]]:
    """The statement of 2026-11-09 for ``money_on_the_statement``, closing at 16:00."""
    return [
        ("B1", "2026-11-09 09:00:00", case.account.number, "1000.00"),
        ("B2", "2026-11-09 16:00:00", "", "50.00"),
    ]


def inbox(user: User) -> list[str]:
    return list(InboxItem.objects.filter(user=user).values_list("title", flat=True))


def unmatched(
    court: Court, amount: str, transaction_id: str, booked_at: datetime.datetime
) -> BankTransaction:
    tx, _ = services.receive_money(
        incoming=services.IncomingMoney(transaction_id, "", Decimal(amount), booked_at, "张三"),
        source=BankTransaction.Source.NOTIFICATION,
        court=court,
    )
    return tx


def money_on_the_statement(court, case) -> None:
    """1000 yuan on the case and 50 unmatched, booked on 2026-11-09; the statement closes at 16:00."""
    pay_in(case, "1000.00", transaction_id="B1", booked_at=at(11, 9, 9))
    unmatched(court, "50.00", "B2", at(11, 9, 16))


# --- Reconciliation -----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestReconciliation:
    def test_a_planted_difference_is_found_and_told_once_to_the_courts_finance_and_supervisors(
        self, court, other_court, case, finance, supervisor, judge
    ):
        money_on_the_statement(court, case)
        foreign = UserFactory(username="finance2", roles=["finance"], courts=[other_court])
        # 100 yuan in the master account that no case and no unmatched transaction accounts for.
        statement(court, *the_days_lines(case), opening="100.00")
        result = reconciliation.reconcile(court)
        assert result is not None
        assert (result.statement_balance, result.case_balances, result.unmatched) == (
            Decimal("1150.00"),
            Decimal("1000.00"),
            Decimal("50.00"),
        )
        assert result.difference == Decimal("100.00") and not result.balanced
        assert result.as_of == at(11, 9, 16) and result.run_on == datetime.date(2026, 11, 10)
        assert len(inbox(finance)) == 1 and len(inbox(supervisor)) == 1
        assert "100.00" in inbox(finance)[0]
        assert inbox(judge) == [] and inbox(foreign) == []

    def test_importing_a_statement_reconciles_it_at_once(self, court, case, finance):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case), opening="100.00")
        result = Reconciliation.objects.get()  # no morning run needed
        assert result.difference == Decimal("100.00") and len(inbox(finance)) == 1

    def test_reconciling_again_the_same_day_creates_nothing_new(self, court, case, finance, supervisor):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case), opening="100.00")
        first = reconciliation.reconcile(court)
        second = reconciliation.reconcile(court)
        assert first is not None and second is not None and second.pk == first.pk
        assert Reconciliation.objects.count() == 1
        assert len(inbox(finance)) == 1 and len(inbox(supervisor)) == 1

    def test_the_next_day_reconciles_again_and_tells_again(self, court, case, finance, frozen):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case), opening="100.00")
        reconciliation.reconcile(court)
        frozen.move_to(MORNING + datetime.timedelta(days=1))
        reconciliation.reconcile(court)
        assert list(Reconciliation.objects.values_list("run_on", flat=True)) == [
            datetime.date(2026, 11, 11),
            datetime.date(2026, 11, 10),
        ]
        assert len(inbox(finance)) == 2

    def test_a_balanced_statement_tells_nobody(self, court, case, finance, supervisor):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case))
        result = reconciliation.reconcile(court)
        assert result is not None and result.balanced
        assert not InboxItem.objects.exists()

    def test_money_only_on_the_statement_is_received_by_the_import_and_balances(self, court, case, finance):
        statement(court, *the_days_lines(case))  # nothing was notified before: the import records it all
        result = reconciliation.reconcile(court)
        assert result is not None and result.balanced
        assert (result.case_balances, result.unmatched) == (Decimal("1000.00"), Decimal("50.00"))

    def test_money_booked_after_the_statements_time_is_no_difference(self, court, case, finance):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case))
        pay_in(case, "300.00", booked_at=at(11, 9, 16, 1))
        unmatched(court, "7.00", "late", at(11, 10, 7))
        result = reconciliation.reconcile(court)
        assert result is not None and result.balanced
        assert result.case_balances == Decimal("1000.00")
        assert not InboxItem.objects.exists()

    def test_unmatched_money_returned_or_claimed_after_the_statement_is_no_difference(
        self, court, case, finance
    ):
        money_on_the_statement(court, case)
        unmatched(court, "20.00", "B4", at(11, 9, 11))
        statement(court, *the_days_lines(case), ("B4", "2026-11-09 11:00:00", "", "20.00"))
        services.claim_transaction(
            actor=finance, tx=BankTransaction.objects.get(transaction_id="B2"), case=case
        )
        services.return_transaction(
            actor=finance, tx=BankTransaction.objects.get(transaction_id="B4"), note="付款人汇错"
        )
        result = reconciliation.reconcile(court, today=datetime.date(2026, 11, 11))  # the next morning's run
        assert result is not None and result.balanced, result.difference
        assert (result.case_balances, result.unmatched) == (Decimal("1050.00"), Decimal("20.00"))

    def test_a_payout_paid_before_the_statements_time_is_in_both(
        self, court, case, judge, team_lead, finance
    ):
        money_on_the_statement(court, case)
        payout = services.propose_payout(
            actor=judge, case=case, lines=[(case.applicants()[0], Decimal("600.00"))]
        )
        services.decide_payout(actor=team_lead, payout=payout, approve=True)
        services.mark_payout_paid(actor=finance, payout=payout, bank_reference="P1", paid_at=at(11, 9, 14))
        statement(court, *the_days_lines(case), ("P1", "2026-11-09 14:00:00", "", "-600.00"))
        result = reconciliation.reconcile(court)
        assert result is not None and result.balanced
        assert result.case_balances == Decimal("400.00")

    def test_a_court_without_a_statement_is_not_reconciled(self, court, case):
        pay_in(case, "10.00")
        assert reconciliation.reconcile(court) is None
        assert reconciliation.reconcile_all() == []

    def test_the_latest_statement_by_its_closing_time_counts(self, court, case, finance):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case))
        # An older statement imported afterwards:
        statement(court, ("OLD", "2026-11-08 16:00:00", "", "-5.00"), opening="9000.00")
        result = reconciliation.reconcile(court)
        assert result is not None and result.balanced and result.as_of == at(11, 9, 16)

    def test_the_celery_task_reconciles_every_active_court(self, court, other_court, case, finance):
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case), opening="100.00")
        assert tasks.reconcile_task() == {"courts": 1, "differences": 1}
        assert tasks.reconcile_task() == {"courts": 1, "differences": 1}  # the same row, not a new one
        assert Reconciliation.objects.get().difference == Decimal("100.00")
        assert len(inbox(finance)) == 1
        Court.objects.filter(pk=court.pk).update(is_active=False)
        assert tasks.reconcile_task() == {"courts": 0, "differences": 0}


# --- Unmatched money not claimed in time --------------------------------------------------------------------


@pytest.mark.django_db
class TestLateClaims:
    def test_late_unmatched_money_is_flagged_once_and_told_to_finance_and_supervisors(
        self, court, case, finance, supervisor, judge, frozen
    ):
        tx = unmatched(court, "50.00", "U1", at(11, 9, 10))
        assert tx.claim_due_date is not None
        frozen.move_to(datetime.datetime.combine(tx.claim_due_date, datetime.time(23, 59), tzinfo=SHANGHAI))
        assert reconciliation.flag_late_claims() == 0  # the last day is not late yet
        frozen.move_to(datetime.datetime.combine(tx.claim_due_date, datetime.time(0), tzinfo=SHANGHAI))
        frozen.shift(datetime.timedelta(days=1, hours=9))
        assert reconciliation.flag_late_claims() == 1
        assert reconciliation.flag_late_claims() == 0
        tx.refresh_from_db()
        assert tx.late_flagged_at is not None
        assert len(inbox(finance)) == 1 and len(inbox(supervisor)) == 1 and inbox(judge) == []
        assert "50.00" in inbox(finance)[0] and tx.claim_due_date.isoformat() in inbox(finance)[0]

    def test_money_claimed_or_returned_in_time_is_not_flagged(self, court, case, finance, frozen):
        claimed = unmatched(court, "50.00", "U1", at(11, 9, 10))
        returned = unmatched(court, "60.00", "U2", at(11, 9, 10))
        services.claim_transaction(actor=finance, tx=claimed, case=case)
        services.return_transaction(actor=finance, tx=returned, note="付款人汇错")
        frozen.shift(datetime.timedelta(days=30))
        assert reconciliation.flag_late_claims() == 0
        assert not InboxItem.objects.exists()

    def test_the_celery_task_flags_the_same_money(self, court, case, finance, frozen):
        unmatched(court, "50.00", "U1", at(11, 9, 10))
        unmatched(court, "70.00", "U2", at(11, 9, 11))
        frozen.shift(datetime.timedelta(days=30))
        assert tasks.flag_late_claims_task() == 2
        assert tasks.flag_late_claims_task() == 0
        assert len(inbox(finance)) == 2


# --- Two workers at once ------------------------------------------------------------------------------------


def twice_at_once(job: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_reconciling_at_once_make_one_reconciliation_and_one_notice_each():
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(username="clerk", roles=["clerk"], courts=[court])
    judge = UserFactory(username="judge", roles=["judge"], courts=[court])
    finance = UserFactory(username="finance", roles=["finance"], courts=[court])
    supervisor = UserFactory(username="supervisor", roles=["supervisor"], courts=[court])
    with time_machine.travel(MORNING, tick=False):
        case = money_case(court, clerk, judge)
        money_on_the_statement(court, case)
        statement(court, *the_days_lines(case), opening="100.00")
        assert twice_at_once(reconciliation.reconcile_all) == []
    assert Reconciliation.objects.count() == 1
    assert len(inbox(finance)) == 1 and len(inbox(supervisor)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_flagging_at_once_tell_once_per_transaction():
    court = CourtFactory(code="蒙0302")
    finance = UserFactory(username="finance", roles=["finance"], courts=[court])
    with time_machine.travel(MORNING, tick=False) as traveller:
        for n in range(20):
            unmatched(court, "10.00", f"U{n}", at(11, 9, 10))
        traveller.shift(datetime.timedelta(days=30))
        flagged: list[int] = []
        assert twice_at_once(lambda: flagged.append(reconciliation.flag_late_claims())) == []
    assert sum(flagged) == 20
    assert len(inbox(finance)) == 20
    assert not BankTransaction.objects.filter(late_flagged_at__isnull=True).exists()
