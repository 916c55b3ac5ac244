"""Properties of the case ledger under random sequences of operations, and the database's own guards.

A hypothesis state machine drives three cases of one court through the services: money in (matched, to
an unknown sub-account, the same transaction again), claims and returns of unmatched money, payouts
proposed, approved, rejected, cancelled and paid, holds, court fees and refunds, transfers, reversals of
random entries, and operations by people who may not do them. A small model of its own predicts whether
each operation is accepted; after every step the ledger's invariants are checked for every account.

Each example runs in a savepoint that is rolled back at its end, so every example starts from the same
three empty accounts (the cases are filed once per test, outside it).
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from enforcement.models import Case, Deadline
from payments import ledger, services
from payments.models import (
    CENT,
    ZERO,
    Allocation,
    BankTransaction,
    CaseAccount,
    LedgerEntry,
    Payout,
    PayoutHold,
)
from tests.money import money_case

Kind = LedgerEntry.Kind

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000.00"), places=2)
BAD_AMOUNTS = st.sampled_from([Decimal("0.00"), Decimal("-10.00"), Decimal("1.005")])
ANY_AMOUNT = st.one_of(AMOUNTS, AMOUNTS, AMOUNTS, BAD_AMOUNTS)  # mostly valid, some refused
# A part of the money free in the account, in percent: above 100 is too much; 0 and below pick a bad amount.
PART = st.one_of(
    st.integers(min_value=1, max_value=120), st.integers(min_value=1, max_value=105), st.integers(-2, 0)
)
CASE = st.integers(min_value=0, max_value=2)
PICK = st.integers(min_value=0, max_value=10_000)  # an index into what exists, modulo its length


def valid(amount: Decimal) -> bool:
    return amount > 0 and amount == amount.quantize(CENT)


def part_of(free: Decimal, percent: int) -> Decimal:
    if percent <= 0:
        return [Decimal("0.00"), Decimal("-10.00"), Decimal("1.005")][-percent]
    return max((free * percent / 100).quantize(CENT, rounding=ROUND_DOWN), CENT)


@dataclass
class World:
    cases: list[Case]
    judge: User
    team_lead: User
    finance: User
    supervisor: User
    clerk: User


@dataclass
class ModelPayout:
    pk: int
    case: int
    amount: Decimal
    status: str


class LedgerMachine(RuleBasedStateMachine):
    world: World  # set by the test before it runs the machine

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.balance = [ZERO, ZERO, ZERO]
        self.payouts: list[ModelPayout] = []
        self.unmatched: list[int] = []
        self.known: list[tuple[str, int, Decimal]] = []  # transaction id, case, amount
        self.hold: list[PayoutHold | None] = [None, None, None]
        self.ids = itertools.count(1)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers --------------------------------------------------------------------------------------------

    def case(self, i: int) -> Case:
        return self.world.cases[i]

    def account(self, i: int) -> CaseAccount:
        return CaseAccount.objects.get(case=self.case(i))

    def reserved(self, i: int) -> Decimal:
        pending = (p.amount for p in self.payouts if p.case == i and p.status in Payout.PENDING)
        return sum(pending, ZERO)

    def available(self, i: int) -> Decimal:
        return self.balance[i] - self.reserved(i)

    def on_hold(self, i: int) -> bool:
        hold = self.hold[i]
        return hold is not None and hold.status == PayoutHold.Status.ACTIVE

    def attempt(self, expected: bool, action: Callable[[], object]) -> object | None:
        """Run a service call; it must be accepted exactly when the model expects it."""
        try:
            result = action()
        except (ValidationError, PermissionDenied) as refusal:
            refused: Exception | None = refusal
        else:
            refused = None
        assert (refused is None) == expected, (
            f"model expected {'success' if expected else 'a refusal'}: {refused}"
        )
        return result if refused is None else None

    def money(self, transaction_id: str, number: str, amount: Decimal) -> tuple[BankTransaction, bool]:
        return services.receive_money(
            incoming=services.IncomingMoney(transaction_id, number, amount, timezone.now(), "付款人"),
            source=BankTransaction.Source.NOTIFICATION,
            court=self.case(0).court,
        )

    # --- money in -------------------------------------------------------------------------------------------

    @initialize(amounts=st.lists(AMOUNTS, min_size=3, max_size=3))
    def money_on_every_case(self, amounts: list[Decimal]) -> None:
        for i, amount in enumerate(amounts):
            self.money_in(i, amount)

    @rule(i=CASE, amount=ANY_AMOUNT)
    def money_in(self, i: int, amount: Decimal) -> None:
        tid = f"T{next(self.ids)}"
        if self.attempt(valid(amount), lambda: self.money(tid, self.account(i).number, amount)):
            self.balance[i] += amount
            self.known.append((tid, i, amount))

    @rule(amount=AMOUNTS)
    def money_in_for_an_unknown_sub_account(self, amount: Decimal) -> None:
        tx, created = self.money(f"T{next(self.ids)}", "030299999999", amount)
        assert created and tx.status == BankTransaction.Status.UNMATCHED
        self.unmatched.append(tx.pk)

    @precondition(lambda self: self.known)
    @rule(k=PICK)
    def the_same_money_again(self, k: int) -> None:
        tid, i, amount = self.known[k % len(self.known)]
        _tx, created = self.money(tid, self.account(i).number, amount)
        assert not created

    @precondition(lambda self: self.unmatched)
    @rule(k=PICK, i=CASE)
    def claim(self, k: int, i: int) -> None:
        tx = BankTransaction.objects.get(pk=self.unmatched.pop(k % len(self.unmatched)))
        self.attempt(
            True, lambda: services.claim_transaction(actor=self.world.finance, tx=tx, case=self.case(i))
        )
        self.balance[i] += tx.amount

    @precondition(lambda self: self.unmatched)
    @rule(k=PICK)
    def give_back(self, k: int) -> None:
        tx = BankTransaction.objects.get(pk=self.unmatched.pop(k % len(self.unmatched)))
        self.attempt(True, lambda: services.return_transaction(actor=self.world.finance, tx=tx, note="汇错"))

    # --- payouts --------------------------------------------------------------------------------------------

    @rule(i=CASE, percent=PART)
    def propose(self, i: int, percent: int) -> None:
        case, amount = self.case(i), part_of(self.available(i), percent)
        expected = valid(amount) and amount <= self.available(i) and not self.on_hold(i)
        payout = self.attempt(
            expected,
            lambda: services.propose_payout(
                actor=self.world.judge, case=case, lines=[(case.applicants()[0], amount)]
            ),
        )
        if isinstance(payout, Payout):
            self.payouts.append(ModelPayout(payout.pk, i, amount, Payout.Status.PROPOSED))

    def payout(self, k: int) -> tuple[ModelPayout, Payout]:
        model = self.payouts[k % len(self.payouts)]
        return model, Payout.objects.get(pk=model.pk)

    @precondition(lambda self: self.payouts)
    @rule(k=PICK, approve=st.booleans())
    def decide(self, k: int, approve: bool) -> None:
        model, payout = self.payout(k)
        # A hold in force stops approvals (a rejection frees the money, so it is always possible).
        expected = model.status == Payout.Status.PROPOSED and not (approve and self.on_hold(model.case))
        decision = lambda: services.decide_payout(  # noqa: E731
            actor=self.world.team_lead, payout=payout, approve=approve, note="" if approve else "不符合条件"
        )
        if self.attempt(expected, decision):
            model.status = Payout.Status.APPROVED if approve else Payout.Status.REJECTED

    @precondition(lambda self: self.payouts)
    @rule(k=PICK)
    def pay(self, k: int) -> None:
        model, payout = self.payout(k)
        paid = lambda: services.mark_payout_paid(  # noqa: E731
            actor=self.world.finance, payout=payout, bank_reference=f"REF{model.pk}"
        )
        if self.attempt(model.status == Payout.Status.APPROVED and not self.on_hold(model.case), paid):
            model.status = Payout.Status.PAID
            self.balance[model.case] -= model.amount

    @precondition(lambda self: self.payouts)
    @rule(k=PICK)
    def cancel(self, k: int) -> None:
        model, payout = self.payout(k)
        expected = model.status in (Payout.Status.PROPOSED, Payout.Status.APPROVED)
        cancelled = lambda: services.cancel_payout(  # noqa: E731
            actor=self.world.judge, payout=payout, note="申请人撤回"
        )
        if self.attempt(expected, cancelled):
            model.status = Payout.Status.CANCELLED

    # --- holds ----------------------------------------------------------------------------------------------

    @rule(i=CASE)
    def request_hold(self, i: int) -> None:
        hold = self.hold[i]
        expected = hold is None or hold.status not in (PayoutHold.Status.REQUESTED, PayoutHold.Status.ACTIVE)
        requested = lambda: services.request_hold(  # noqa: E731
            actor=self.world.judge, case=self.case(i), reason="objection", detail="案外人异议"
        )
        result = self.attempt(expected, requested)
        if isinstance(result, PayoutHold):
            self.hold[i] = result

    @rule(i=CASE, approve=st.booleans())
    def decide_hold(self, i: int, approve: bool) -> None:
        hold = self.hold[i]
        if hold is None:
            return
        expected = hold.status == PayoutHold.Status.REQUESTED
        decided = lambda: services.decide_hold(  # noqa: E731
            actor=self.world.supervisor, hold=hold, approve=approve, note="无法定事由"
        )
        result = self.attempt(expected, decided)
        if isinstance(result, PayoutHold):
            self.hold[i] = result

    @rule(i=CASE)
    def release_hold(self, i: int) -> None:
        hold = self.hold[i]
        if hold is None:
            return
        released = lambda: services.release_hold(  # noqa: E731
            actor=self.world.supervisor, hold=hold, note="异议已驳回"
        )
        result = self.attempt(hold.status == PayoutHold.Status.ACTIVE, released)
        if isinstance(result, PayoutHold):
            self.hold[i] = result

    # --- adjustments ----------------------------------------------------------------------------------------

    @rule(i=CASE, kind=st.sampled_from([Kind.COURT_FEE, Kind.REFUNDED]), percent=PART)
    def take_out(self, i: int, kind: str, percent: int) -> None:
        amount = part_of(self.available(i), percent)
        expected = valid(amount) and amount <= self.available(i)
        taken = lambda: services.take_out(  # noqa: E731
            actor=self.world.finance, case=self.case(i), kind=kind, amount=amount, note="执行费"
        )
        if self.attempt(expected, taken):
            self.balance[i] -= amount

    @rule(i=CASE, j=CASE, percent=PART)
    def transfer(self, i: int, j: int, percent: int) -> None:
        amount = part_of(self.available(i), percent)
        expected = i != j and valid(amount) and amount <= self.available(i)
        moved = lambda: services.transfer(  # noqa: E731
            actor=self.world.finance, source=self.case(i), target=self.case(j), amount=amount, note="错划"
        )
        if self.attempt(expected, moved):
            self.balance[i] -= amount
            self.balance[j] += amount

    @rule(i=CASE, k=PICK)
    def reverse(self, i: int, k: int) -> None:
        entries = list(LedgerEntry.objects.filter(account__case=self.case(i)).order_by("id"))
        if not entries:
            return
        entry = entries[k % len(entries)]
        untouchable = entry.kind in (Kind.REVERSAL, Kind.TRANSFER_IN, Kind.TRANSFER_OUT)
        reversed_already = LedgerEntry.objects.filter(reverses=entry).exists()
        expected = not untouchable and not reversed_already
        if expected and entry.amount > 0:  # a credit: only while none of it is used or promised
            used = Allocation.objects.filter(credit=entry).exists()
            expected = not used and entry.amount <= self.available(i)
        reversal = lambda: services.reverse_entry(  # noqa: E731
            actor=self.world.finance, entry=entry, note="记错"
        )
        if self.attempt(expected, reversal):
            self.balance[i] -= entry.amount
            if entry.kind == Kind.RECEIVED:  # money off the wrong case waits to be claimed again
                self.unmatched.append(entry.bank_transaction_id)

    # --- people who may not ---------------------------------------------------------------------------------

    @rule(i=CASE, which=st.integers(min_value=0, max_value=3), amount=AMOUNTS)
    def someone_not_allowed(self, i: int, which: int, amount: Decimal) -> None:
        case, w = self.case(i), self.world
        attempts: list[Callable[[], object]] = [
            lambda: services.propose_payout(actor=w.clerk, case=case, lines=[(case.applicants()[0], amount)]),
            lambda: services.take_out(
                actor=w.team_lead, case=case, kind=Kind.COURT_FEE, amount=amount, note="x"
            ),
            lambda: services.transfer(
                actor=w.judge, source=case, target=self.case((i + 1) % 3), amount=amount, note="x"
            ),
            lambda: services.request_hold(actor=w.finance, case=case, reason="objection", detail="x"),
        ]
        with pytest.raises(PermissionDenied):
            attempts[which]()

    @precondition(lambda self: any(p.status == Payout.Status.PROPOSED for p in self.payouts))
    @rule()
    def the_proposer_approves_his_own_payout(self) -> None:
        model = next(p for p in self.payouts if p.status == Payout.Status.PROPOSED)
        payout = Payout.objects.get(pk=model.pk)
        with pytest.raises(PermissionDenied):
            services.decide_payout(actor=self.world.judge, payout=payout, approve=True)

    # --- invariants -----------------------------------------------------------------------------------------

    @invariant()
    def every_account_adds_up(self) -> None:
        for i in range(3):
            account = self.account(i)
            entries = list(account.entries.select_related("reverses").order_by("id"))
            running = ZERO
            for entry in entries:
                running += entry.amount
                assert entry.balance_after == running, (i, entry)
            assert account.balance == running == self.balance[i], (i, account.balance, running)
            assert account.balance >= 0
            assert account.balance == by_kind(entries), i
            assert sum((left for _credit, left in ledger.open_amounts(account)), ZERO) == account.balance
            assert ledger.reserved(account) == self.reserved(i) <= account.balance

    @invariant()
    def a_payout_clock_is_met_exactly_when_its_money_is_used_up(self) -> None:
        entry_type = ContentType.objects.get_for_model(LedgerEntry)
        clocks = {
            d.subject_id: d
            for d in Deadline.objects.filter(
                case__in=self.world.cases, node_type__code=ledger.PAYOUT_NODE, subject_type=entry_type
            )
        }
        credits = LedgerEntry.objects.filter(account__case__in=self.world.cases, amount__gt=0).annotate(
            used=Sum("allocations__amount")
        )
        assert len(clocks) == len(credits)
        for credit in credits:
            used_up = (credit.used or ZERO) == credit.amount
            assert (clocks[credit.pk].status == Deadline.Status.MET) == used_up, credit

    @invariant()
    def unmatched_money_waits_until_claimed_or_returned(self) -> None:
        waiting = BankTransaction.objects.filter(status=BankTransaction.Status.UNMATCHED)
        assert sorted(waiting.values_list("pk", flat=True)) == sorted(self.unmatched)


def by_kind(entries: list[LedgerEntry]) -> Decimal:
    """received − paid − fees − refunds + transfers in − transfers out ± reversals, from each entry's kind
    (a reversal's sign from the kind of the entry it reverses), never from the stored signs."""
    sign = {Kind.RECEIVED: 1, Kind.TRANSFER_IN: 1}
    sign.update(dict.fromkeys([Kind.PAID_OUT, Kind.COURT_FEE, Kind.REFUNDED, Kind.TRANSFER_OUT], -1))
    total = ZERO
    for entry in entries:
        if entry.kind == Kind.REVERSAL:
            assert entry.reverses is not None
            total -= sign[Kind(entry.reverses.kind)] * abs(entry.amount)
        else:
            total += sign[Kind(entry.kind)] * abs(entry.amount)
    return total


@pytest.mark.django_db
def test_the_ledger_keeps_its_invariants_under_any_sequence_of_operations(
    court, clerk, judge, team_lead, finance, supervisor
):
    cases = [money_case(court, clerk, judge) for _ in range(3)]
    LedgerMachine.world = World(cases, judge, team_lead, finance, supervisor, clerk)
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- Dividing a payout among applicants ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    total=st.decimals(min_value=Decimal("0.00"), max_value=Decimal("10000000.00"), places=2),
    shares=st.lists(
        st.one_of(
            st.integers(min_value=1, max_value=1000).map(Decimal),
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_split_by_shares_gives_every_cent_and_each_part_within_a_cent_of_its_share(total, shares):
    parts = services.split_by_shares(total, shares)
    assert len(parts) == len(shares)
    assert sum(parts, ZERO) == total
    weight = sum(Fraction(s) for s in shares)
    for part, share in zip(parts, shares, strict=True):
        assert part >= 0 and part == part.quantize(CENT)
        assert abs(Fraction(part) - Fraction(total) * Fraction(share) / weight) < Fraction(1, 100)


@given(shares=st.lists(st.integers(min_value=-5, max_value=5).map(Decimal), min_size=0, max_size=4))
def test_split_by_shares_refuses_a_share_that_is_not_positive(shares):
    if shares and all(s > 0 for s in shares):
        return
    with pytest.raises(ValidationError):
        services.split_by_shares(Decimal("100.00"), shares)


# --- What the database itself refuses -----------------------------------------------------------------------


@pytest.fixture
def account(court, clerk, judge):
    return money_case(court, clerk, judge).account


def entry(account: CaseAccount, **values: object) -> LedgerEntry:
    fields: dict[str, object] = {
        "account": account,
        "kind": Kind.RECEIVED,
        "amount": Decimal("10.00"),
        "balance_after": Decimal("10.00"),
        "booked_at": timezone.now(),
    }
    return LedgerEntry.objects.create(**(fields | values))


@pytest.mark.django_db
def test_the_database_refuses_a_negative_balance_after_an_entry(account):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(account, kind=Kind.COURT_FEE, amount=Decimal("-10.00"), balance_after=Decimal("-10.00"))
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_negative_case_balance(account):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAccount.objects.filter(pk=account.pk).update(balance=Decimal("-0.01"))


@pytest.mark.django_db
def test_the_database_refuses_an_entry_whose_sign_contradicts_its_kind(account):
    for kind, amount in ((Kind.RECEIVED, "-5.00"), (Kind.PAID_OUT, "5.00"), (Kind.COURT_FEE, "0.00")):
        with pytest.raises(IntegrityError), transaction.atomic():
            entry(account, kind=kind, amount=Decimal(amount))
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(account, kind=Kind.REVERSAL)  # a reversal names the entry it reverses


@pytest.mark.django_db
def test_a_ledger_entry_is_never_updated_nor_deleted(account):
    written = entry(account)
    written.amount = Decimal("99.00")
    with pytest.raises(TypeError, match="append-only"):
        written.save()
    with pytest.raises(TypeError, match="append-only"):
        written.delete()
    stored = LedgerEntry.objects.get(pk=written.pk)
    assert stored.amount == Decimal("10.00")
