"""The demo's money in the home court, through the payments services: money the respondents paid in
(the bank's notification, the day it arrived) on quiet cases, each taken as far as its state says
(paid out, waiting for approval, approved and waiting for finance, held, not paid out in time, paid by
someone who is not a respondent), a payment to a mistyped sub-account that waits to be claimed, and the
last working day's bank statement imported and reconciled. Only once: skipped if any demo money exists.
"""

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from enforcement.models import Case, Court
from payments import services as money
from payments.ledger import PAYOUT_NODE
from payments.models import BankTransaction, Payout, PayoutHold
from payments.statements import import_statement

from .cases import last_step_at, quiet_cases
from .clock import Clock
from .forecast import OVERDUE, Forecast
from .org import ASSIGNING_LEAD

DEMO_TRANSACTIONS = "DEMO-"  # the bank transaction ids of the demo money start with this
PAID, PROPOSED, APPROVED, HELD, LATE, TO_REVIEW = "paid", "proposed", "approved", "held", "late", "to_review"
# The team lead approves the payouts: these are never on his own cases.
PROPOSING = (PAID, PROPOSED, APPROVED)
RELATIVE = "王建国"  # pays for his son, a respondent: the payment waits for a review
UNMATCHED_AMOUNT = Decimal("600.00")
LATE_AFTER = 5  # working days: the late payment came in at least this long before the last working day


@dataclass(frozen=True)
class DemoMoney:
    amount: Decimal
    state: str
    received: int = 0  # working days before the last one that it came in (the late one: found)


DEMO_MONEY: tuple[DemoMoney, ...] = (
    DemoMoney(Decimal("12000.00"), PAID, 9),
    DemoMoney(Decimal("25000.00"), LATE),  # not paid out within the 15 days: overdue
    DemoMoney(Decimal("8500.00"), PROPOSED, 4),  # waits for the team lead
    DemoMoney(Decimal("3200.00"), APPROVED, 5),  # waits for finance
    DemoMoney(Decimal("30000.00"), HELD, 7),  # a third party objected: no payout until it is decided
    DemoMoney(Decimal("1800.00"), TO_REVIEW, 1),
)


@dataclass(frozen=True)
class BankLine:
    transaction_id: str
    booked_at: datetime.datetime
    account: str
    amount: Decimal
    payer: str = ""


def seed_money(clock: Clock, court: Court, users: dict[str, User]) -> int:
    """Returns how many receipts were seeded."""
    if BankTransaction.objects.filter(transaction_id__startswith=DEMO_TRANSACTIONS).exists():
        return 0
    open_missing_case_accounts()
    forecast = Forecast(clock)
    lines: list[BankLine] = []
    cases: list[Case] = []
    for n, demo in enumerate(DEMO_MONEY, start=1):
        booked_at = booking_moment(clock, forecast, court, demo, n)
        case = case_for(clock, court, demo, booked_at, taken=cases)
        if case is None:
            continue
        cases.append(case)
        lines += play(clock, case, demo, users, f"{DEMO_TRANSACTIONS}{n:04d}", booked_at)
    if not cases:
        return 0
    lines.append(unmatched(clock, court, cases[0]))
    import_day_statement(clock, court, users["finance"], lines)
    return len(cases)


def open_missing_case_accounts() -> None:
    """Cases filed before their court had its enforcement account (an older demo database) get theirs."""
    for case in Case.objects.filter(account__isnull=True).select_related("court"):
        money.open_case_account(case)


def booking_moment(
    clock: Clock, forecast: Forecast, court: Court, demo: DemoMoney, n: int
) -> datetime.datetime:
    """When the bank booked the money: ``demo.received`` working days before the last one; the late
    money on the newest day whose 15 days to pay it out have run out by today."""
    latest = clock.latest_day(court)
    if demo.state != LATE:
        return clock.moment(clock.working_day_before(court, latest, demo.received), 40 + 50 * n)
    day = clock.working_day_before(court, latest, LATE_AFTER)
    while forecast.level(court, PAYOUT_NODE, day) != OVERDUE:
        day = clock.working_day_before(court, day)
    return clock.moment(day, 40 + 50 * n)


def case_for(
    clock: Clock, court: Court, demo: DemoMoney, booked_at: datetime.datetime, *, taken: list[Case]
) -> Case | None:
    """The oldest quiet money case not yet used whose first steps came before the money."""
    for case in quiet_cases(court, clock.now):
        if case in taken or case.claim_kind != Case.ClaimKind.MONEY or last_step_at(case) >= booked_at:
            continue
        judge = case.responsible_judge
        if demo.state in PROPOSING and judge is not None and judge.username == ASSIGNING_LEAD:
            continue
        if demo.state == TO_REVIEW and RELATIVE in {party.name for party in case.respondents()}:
            continue
        return case
    return None


def play(
    clock: Clock,
    case: Case,
    demo: DemoMoney,
    users: dict[str, User],
    transaction_id: str,
    booked_at: datetime.datetime,
) -> list[BankLine]:
    """The money arrives, and what follows it; returns the bank's lines of it for the statement."""
    payer = RELATIVE if demo.state == TO_REVIEW else case.respondents()[0].name
    received = BankLine(transaction_id, booked_at, case.account.number, demo.amount, payer)
    with clock.at(booked_at):
        money.receive_money(
            incoming=money.IncomingMoney(transaction_id, received.account, demo.amount, booked_at, payer),
            source=BankTransaction.Source.NOTIFICATION,
        )
    day = timezone.localdate(booked_at)
    if demo.state == HELD:
        hold(clock, case, users, day)
    if demo.state in PROPOSING:
        return [received, *pay_out(clock, case, demo, users, day)]
    return [received]


def hold(clock: Clock, case: Case, users: dict[str, User], received_on: datetime.date) -> None:
    """The judge asks for a hold the day after the money came, a supervisor approves it the day after:
    the payout clock stops."""
    asked, approved = (clock.working_day_after(case.court, received_on, n) for n in (1, 2))
    with clock.at(clock.moment(asked, 100)):
        held = money.request_hold(
            actor=judge_of(case, users),
            case=case,
            reason=PayoutHold.Reason.OBJECTION,
            detail="案外人张某对本案执行款提出书面异议，主张该款项系其借给被执行人的周转资金",
        )
    with clock.at(clock.moment(approved, 200)):
        money.decide_hold(actor=users["supervisor"], hold=held, approve=True)


def pay_out(
    clock: Clock, case: Case, demo: DemoMoney, users: dict[str, User], received_on: datetime.date
) -> list[BankLine]:
    """The judge proposes paying the first applicant; the team lead approves; finance pays: as far as
    ``demo.state`` says. Returns the bank's line of the payment, once paid."""
    proposed, *decided = payout_moments(clock, case.court, demo.state, received_on)
    with clock.at(proposed):
        payout = propose(case, judge_of(case, users), demo.amount)
    if decided:
        with clock.at(decided[0]):
            money.decide_payout(actor=users[ASSIGNING_LEAD], payout=payout, approve=True)
    if len(decided) < 2:
        return []
    with clock.at(decided[1]):
        paid = money.mark_payout_paid(
            actor=users["finance"], payout=payout, bank_reference=f"{DEMO_TRANSACTIONS}PAY{payout.pk}"
        )
    return [BankLine(paid.bank_reference, decided[1], "", -paid.amount)]


def payout_moments(
    clock: Clock, court: Court, state: str, received_on: datetime.date
) -> list[datetime.datetime]:
    """When the payout was proposed, approved and paid, as far as it got: a paid one on the three
    working days after the money came; the others waiting since the last working day."""
    latest = clock.latest_day(court)
    if state == PAID:
        days = [clock.working_day_after(court, received_on, n) for n in (1, 2, 3)]
        return [clock.moment(day, minute) for day, minute in zip(days, (90, 60, 400), strict=True)]
    if state == APPROVED:
        return [clock.moment(clock.working_day_before(court, latest), 120), clock.moment(latest, 90)]
    return [clock.moment(latest, 120)]


def propose(case: Case, judge: User, amount: Decimal) -> Payout:
    applicant = case.applicants()[0]
    if applicant.pk not in money.confirmed_payees(case):
        money.record_payee_account(
            actor=judge,
            party=applicant,
            bank_name="中国建设银行乌海分行",
            account_name=applicant.name,
            account_number=f"6217{case.pk:015d}",
            basis="申请人提交的收款账户确认书",
        )
    return money.propose_payout(
        actor=judge, case=case, lines=[(applicant, amount)], reason="被执行人履行款项，发放申请人"
    )


def judge_of(case: Case, users: dict[str, User]) -> User:
    """The seeded user object of the case's judge (its roles cached fresh)."""
    judge = case.responsible_judge
    if judge is None:
        raise ValueError(f"{case.number} has no judge")
    return users[judge.username]


# --- The bank's side ------------------------------------------------------------------------------------


def unmatched(clock: Clock, court: Court, case: Case) -> BankLine:
    """Paid in with a mistyped sub-account (its check digit fails) the day before the last working day:
    it arrives only with the statement, and waits to be claimed."""
    number = case.account.number
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    day = clock.working_day_before(court, clock.latest_day(court))
    return BankLine(f"{DEMO_TRANSACTIONS}U001", clock.moment(day, 200), mistyped, UNMATCHED_AMOUNT, "刘海")


def import_day_statement(clock: Clock, court: Court, finance: User, lines: Sequence[BankLine]) -> None:
    """Finance imports the master account's statement at the end of the last working day (reconciled at
    once by the import)."""
    latest = clock.latest_day(court)
    with clock.at(clock.moment(latest, 460)):
        import_statement(
            court=court, actor=finance, filename=f"对账单-{latest:%Y%m%d}.csv", content=statement_csv(lines)
        )


def statement_csv(lines: Sequence[BankLine]) -> bytes:
    """The master account's statement of these lines (docs/bank-statement.md), its balance run up from 0."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["transaction_id", "booked_at", "account", "amount", "payer_name", "payer_account", "balance"]
    )
    balance = Decimal("0.00")
    for line in sorted(lines, key=lambda x: x.booked_at):
        balance += line.amount
        booked = timezone.localtime(line.booked_at).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([line.transaction_id, booked, line.account, line.amount, line.payer, "", balance])
    return out.getvalue().encode("utf-8")
