"""What money leaves standing in the way of closing a case (registered in ``PaymentsConfig.ready``).

A case may not close while its account holds money or a payout is under way (proposed, approved, or in
a payment file not yet confirmed paid): finance pays it out, refunds it or transfers it first. Otherwise
the money would sit on a closed case, its payout clock gone, with nobody told.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.closure import Item, register_blockers
from enforcement.models import Case
from enforcement.templatetags.money import yuan

from .models import ZERO, CaseAccount, Payout


def _payout_left(payout: Payout) -> str:
    values = {"amount": yuan(payout.amount), "date": f"{timezone.localtime(payout.proposed_at):%Y-%m-%d}"}
    if payout.status == Payout.Status.PROPOSED:
        return _("A payout of %(amount)s yuan (proposed on %(date)s) is waiting for approval.") % values
    if payout.status == Payout.Status.APPROVED:
        return (
            _(
                "A payout of %(amount)s yuan (proposed on %(date)s) is approved and waiting for finance "
                "to pay it."
            )
            % values
        )
    return (
        _(
            "A payout of %(amount)s yuan (proposed on %(date)s) is in a payment file sent to the bank "
            "and not yet confirmed paid."
        )
        % values
    )


def _money_panel(case: Case) -> str:
    return reverse("case-detail", args=[case.pk]) + "#money-panel"


def money_left(case: Case, lock: bool) -> Iterable[Item]:
    """The balance of the case account, and each payout not yet paid, rejected or cancelled."""
    accounts = CaseAccount.objects.filter(case=case)
    if lock:
        # Every money write locks the account first: money that arrives or leaves waits for the closure.
        accounts = accounts.select_for_update()
    account = accounts.first()
    if account is None:
        return []
    left = []
    if account.balance > ZERO:
        left.append(
            Item(
                "money_in_account",
                _(
                    "The case account still holds %(amount)s yuan: finance pays it out, refunds it or "
                    "transfers it before the case can close."
                )
                % {"amount": yuan(account.balance)},
                url=_money_panel(case),
                amount=account.balance,
            )
        )
    payouts = Payout.objects.filter(account=account, status__in=Payout.PENDING).order_by("proposed_at", "pk")
    for payout in payouts:
        left.append(
            Item(
                f"payout_{payout.status}",
                _payout_left(payout),
                url=reverse("case-detail", args=[case.pk]) + f"#payout-{payout.pk}",
                amount=payout.amount,
            )
        )
    return left


register_blockers(money_left)
