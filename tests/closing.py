"""Helpers of tests that close a case: first leave nothing on it that a closure may not strand."""

from typing import cast

from django.contrib.auth.models import User

from enforcement.models import Case
from payments import services as money
from payments.models import CaseAccount, LedgerEntry, Payout
from tests.factories import UserFactory


def finance_of(case: Case) -> User:
    return cast(User, UserFactory(username=f"finance-of-{case.pk}", roles=["finance"], courts=[case.court]))


def settle_money(case: Case) -> None:
    """Withdraw the payouts not yet sent to the bank and refund what is left in the case account, as
    finance would before the case closes."""
    for payout in Payout.objects.filter(
        case=case, status__in=[Payout.Status.PROPOSED, Payout.Status.APPROVED]
    ):
        money.cancel_payout(actor=payout.proposed_by, payout=payout, note="结案前撤回")
    account = CaseAccount.objects.filter(case=case).first()
    if account is not None and account.balance > 0:
        money.take_out(
            actor=finance_of(case),
            case=case,
            kind=LedgerEntry.Kind.REFUNDED,
            amount=account.balance,
            note="结案前退还被执行人",
        )
