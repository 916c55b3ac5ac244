"""Writes of the case money: accounts, money in, claims, payouts, holds, adjustments.

Every write that touches a case's money locks the case account first (``accounts._lock_account``), then any
payout or hold row, re-checks the state under the lock, and writes the timeline. Locks are always taken
in that order (accounts by id when there are two) so two writers never wait on each other in a circle.

One module per subject: ``accounts``, ``incoming`` (money in and claims), ``payees``, ``payouts``,
``holds`` and ``adjustments``; ``_common`` says who may. Callers use the names exported here
(``from payments import services``); the modules import each other, never this package.
"""

from .accounts import open_case_account
from .adjustments import reverse_entry, take_out, transfer
from .holds import HOLD_APPROVER_ROLES, decide_hold, release_hold, request_hold
from .incoming import (
    BOOKING_TOLERANCE_SETTING,
    CLAIM_NODE,
    DEFAULT_BOOKING_TOLERANCE_MINUTES,
    ImpossibleBookingTime,
    IncomingMoney,
    booking_tolerance,
    check_booking_time,
    check_fits_ledger,
    claim_transaction,
    court_of_sub_account,
    differences,
    receive_money,
    return_transaction,
    review_payer,
)
from .payees import INTERVIEW_BASIS, Payee, confirmed_payees, record_payee_account, take_payee_from_interview
from .payouts import (
    APPROVE_NODE,
    APPROVER_ROLES,
    PAY_NODE,
    cancel_payout,
    confirm_payment_batch,
    decide_payout,
    export_payment_batch,
    mark_payout_paid,
    may_approve,
    propose_payout,
    split_by_shares,
)

__all__ = [
    "APPROVER_ROLES",
    "APPROVE_NODE",
    "BOOKING_TOLERANCE_SETTING",
    "CLAIM_NODE",
    "DEFAULT_BOOKING_TOLERANCE_MINUTES",
    "HOLD_APPROVER_ROLES",
    "INTERVIEW_BASIS",
    "PAY_NODE",
    "ImpossibleBookingTime",
    "IncomingMoney",
    "Payee",
    "booking_tolerance",
    "cancel_payout",
    "check_booking_time",
    "check_fits_ledger",
    "claim_transaction",
    "confirm_payment_batch",
    "confirmed_payees",
    "court_of_sub_account",
    "decide_hold",
    "decide_payout",
    "differences",
    "export_payment_batch",
    "mark_payout_paid",
    "may_approve",
    "open_case_account",
    "propose_payout",
    "receive_money",
    "record_payee_account",
    "release_hold",
    "request_hold",
    "return_transaction",
    "reverse_entry",
    "review_payer",
    "split_by_shares",
    "take_out",
    "take_payee_from_interview",
    "transfer",
]
