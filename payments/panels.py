"""The money section of the case page: the sub-account, its ledger, payouts, holds, and who may act.

The flags below only decide which forms are shown; every action's service checks again.
"""

from typing import Any

from django.db.models import OuterRef
from django.http import HttpRequest

from enforcement import access, roles
from enforcement.models import Case
from enforcement.panels import CasePanel, has, register, register_presence

from . import selectors, services
from .forms import HoldRequestForm, PayeeAccountForm, ProposePayoutForm, TakeOutForm, TransferForm
from .models import ZERO, BankTransaction, LedgerEntry, PayeeAccount, Payout, PayoutHold
from .selectors import payees_in_order, reversed_entry_ids

NOT_REVERSIBLE = (LedgerEntry.Kind.REVERSAL, LedgerEntry.Kind.TRANSFER_IN, LedgerEntry.Kind.TRANSFER_OUT)

register_presence("payments_ledger", lambda: LedgerEntry.objects.filter(account__case=OuterRef("pk")))
register_presence("payments_payouts", lambda: Payout.objects.filter(case=OuterRef("pk")))
register_presence("payments_holds", lambda: PayoutHold.objects.filter(case=OuterRef("pk")))
register_presence("payments_payees", lambda: PayeeAccount.objects.filter(case=OuterRef("pk")))
# Only the payments waiting for a check of their payer are read from the case's bank transactions.
register_presence(
    "payments_transactions",
    lambda: BankTransaction.objects.filter(
        case=OuterRef("pk"), payer_review_needed=True, payer_reviewed_at__isnull=True
    ),
)


def _payout_rows(request: HttpRequest, case: Case, payouts: list[Payout], is_finance: bool) -> list[Any]:
    user = request.user
    approver = roles.has_court_role(user, case.court_id, *services.APPROVER_ROLES)
    return [
        {
            "payout": p,
            "may_approve": p.status == Payout.Status.PROPOSED and services.may_approve(user, p),
            "may_cancel": p.status in (Payout.Status.PROPOSED, Payout.Status.APPROVED)
            and (approver or p.proposed_by_id == user.pk),
            "may_pay": is_finance and p.status in (Payout.Status.APPROVED, Payout.Status.EXPORTED),
        }
        for p in payouts
    ]


def _hold_rows(request: HttpRequest, case: Case, holds: list[PayoutHold]) -> list[Any]:
    decider = roles.has_court_role(request.user, case.court_id, *services.HOLD_APPROVER_ROLES)
    return [
        {
            "hold": h,
            "may_decide": decider
            and h.status == PayoutHold.Status.REQUESTED
            and h.requested_by_id != request.user.pk,
            "may_release": decider and h.status == PayoutHold.Status.ACTIVE,
        }
        for h in holds
    ]


def _entry_rows(entries: list[LedgerEntry], is_finance: bool) -> list[Any]:
    reversed_ids = reversed_entry_ids(entries)
    return [
        {
            "entry": e,
            "reversed": e.pk in reversed_ids,
            "may_reverse": is_finance and e.kind not in NOT_REVERSIBLE and e.pk not in reversed_ids,
        }
        for e in entries
    ]


@register
def money_panel(request: HttpRequest, case: Case) -> CasePanel:
    money = selectors.case_money(case, present=lambda kind: has(request, case, kind))
    applicants = case.applicants()
    payees = payees_in_order(applicants, money.payees)
    is_finance = roles.has_court_role(request.user, case.court_id, roles.FINANCE)
    works_on = access.judges_case(request.user, case)
    open_hold = next((h for h in money.holds if h.status in ("requested", "active")), None)
    on_hold = open_hold is not None and open_hold.status == PayoutHold.Status.ACTIVE
    context = {
        "money": money,
        "payees": payees,
        "without_account": [p for p in applicants if p.pk not in money.payees],
        "entries": _entry_rows(money.entries, is_finance),
        "payouts": _payout_rows(request, case, money.payouts, is_finance),
        "holds": _hold_rows(request, case, money.holds),
        "on_hold": on_hold,
        "works_on": works_on,
        "is_finance": is_finance,
        "may_review": works_on or is_finance,
        "may_propose": works_on and money.account is not None and bool(payees),
        "has_available": money.available > ZERO,
        "may_request_hold": works_on and open_hold is None,
        "propose_form": ProposePayoutForm(payees=payees),
        "payee_form": PayeeAccountForm(applicants=applicants),
        "hold_form": HoldRequestForm(),
        "take_out_form": TakeOutForm(),
        "transfer_form": TransferForm(),
    }
    return CasePanel(template="payments/panel.html", order=20, context=context)
