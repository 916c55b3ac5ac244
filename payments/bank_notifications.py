"""The bank's notifications of money received: credited once, or refused with finance told why.

``receive_notification`` is ``services.receive_money`` for the notification endpoint, and also answers for
what a notification may not do:

* the same transaction id with other content (amount, sub-account or payer) is a conflict: nothing
  changes (``TransactionConflict``; the API answers 409). The same content again is a harmless retry;
* an amount too large for the ledger (for its own column, or for the balance it would make), or a
  booking time in the future or before the court's account was opened, is refused (a ValidationError;
  the API answers 400), before anything is written.

The bank holds that money all the same, so each refusal is kept (``RefusedNotification``: one row per
transaction id, reason and content, retries counted) and finance and the court's supervisors are told
in their inbox once per transaction id and reason, however often the bank retries and however many
variants arrive at once (a partial unique index on the alerted row decides who tells).
"""

import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement.models import Court
from enforcement.money import AmountTooLarge

from . import services
from .models import BankTransaction, RefusedNotification
from .reconciliation import money_staff, notify_money_staff
from .services import ImpossibleBookingTime, IncomingMoney

Reason = RefusedNotification.Reason


class TransactionConflict(Exception):
    """The transaction id is recorded with other content; ``recorded`` has the stored values by field."""

    def __init__(self, tx: BankTransaction, recorded: dict[str, object]) -> None:
        super().__init__(tx.transaction_id)
        self.tx, self.recorded = tx, recorded


def receive_notification(incoming: IncomingMoney) -> tuple[BankTransaction, bool]:
    """Record the notified money (see ``services.receive_money``); returns it and whether it is new.

    Raises ``TransactionConflict``, or a ValidationError (``AmountTooLarge``, ``ImpossibleBookingTime``,
    or another bad value); the first three are kept and reported to finance before raising.
    """
    try:
        tx, created = services.receive_money(incoming=incoming, source=BankTransaction.Source.NOTIFICATION)
    except AmountTooLarge as error:
        court = services.court_of_sub_account(incoming.account_number)
        explain = _site_language(lambda: services.check_fits_ledger(incoming), error)
        _refused(incoming, Reason.TOO_LARGE, court, explain)
        raise
    except ImpossibleBookingTime as error:
        court = services.court_of_sub_account(incoming.account_number)
        explain = _site_language(lambda: services.check_booking_time(incoming.booked_at, court), error)
        _refused(incoming, Reason.BOOKING_TIME, court, explain)
        raise
    if not created:
        recorded = services.differences(tx, incoming)
        if recorded:
            _refused(incoming, Reason.CONFLICT, tx.court, _conflict_explanation(tx, incoming))
            raise TransactionConflict(tx, recorded)
    return tx, created


# --- Keeping a refusal, and telling finance once ------------------------------------------------------------


def _refused(incoming: IncomingMoney, reason: str, court: Court | None, explanation: str) -> None:
    """Keep the refused notification and alert finance once per transaction id and reason.

    Runs after the refused write has rolled back, in transactions of its own. Concurrent deliveries
    race on two unique indexes: the same content (only one row, the others count a delivery) and the
    alerted row of the transaction id and reason (only one alert)."""
    transaction_id = incoming.transaction_id.strip()[:64]
    if not transaction_id:
        return
    key = {"transaction_id": transaction_id, "reason": reason, "fingerprint": _fingerprint(incoming)}
    values = {
        "court": court,
        "amount": str(incoming.amount)[:70],
        "account_number": incoming.account_number.strip()[:64],
        "payer_name": incoming.payer_name.strip()[:500],
        "payer_account": incoming.payer_account.strip()[:500],
        "booked_at": incoming.booked_at,
        "explanation": explanation,
    }
    if _count_retry(key):
        return
    told = RefusedNotification.objects.filter(transaction_id=transaction_id, reason=reason, alerted=True)
    try:
        with transaction.atomic():
            refusal = RefusedNotification.objects.create(**key, **values, alerted=not told.exists())
            if refusal.alerted:
                _alert(refusal)
        return
    except IntegrityError:
        pass  # a concurrent delivery kept the same content, or raised the alert for this transaction id
    try:
        with transaction.atomic():
            RefusedNotification.objects.create(**key, **values, alerted=False)
    except IntegrityError:
        _count_retry(key)


def _count_retry(key: dict[str, str]) -> bool:
    counted = RefusedNotification.objects.filter(**key).update(
        deliveries=F("deliveries") + 1, last_received_at=timezone.now()
    )
    return counted > 0


def _fingerprint(incoming: IncomingMoney) -> str:
    content = {
        "amount": str(incoming.amount),
        "account": incoming.account_number.strip(),
        "payer_name": incoming.payer_name.strip(),
        "payer_account": incoming.payer_account.strip(),
        "booked_at": incoming.booked_at.isoformat(),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _alert(refusal: RefusedNotification) -> None:
    # Inbox items are stored text: written in the court's language, whatever the bank's request asked.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Bank notification %(id)s of %(amount)s yuan refused: %(reason)s") % {
            "id": refusal.transaction_id,
            "amount": refusal.amount,
            "reason": refusal.get_reason_display(),
        }
        sent = _("Sent: %(content)s, booked at %(booked_at)s.") % {
            "content": _describe(
                refusal.amount, refusal.account_number, refusal.payer_name, refusal.payer_account
            ),
            "booked_at": f"{timezone.localtime(refusal.booked_at):%Y-%m-%d %H:%M:%S}",
        }
        advice = _(
            "Nothing was recorded from this notification. Check the master account with the bank; the "
            "notification is kept among the refused bank notifications."
        )
    notify_money_staff(money_staff(refusal.court_id), title, f"{refusal.explanation}\n{sent}\n{advice}")


# --- Explanations, in the court's language ------------------------------------------------------------


def _site_language(check: Callable[[], object], error: ValidationError) -> str:
    """Why it was refused, for the staff: the same check run again in the court's language (the error
    raised is in the language the bank's request asked for)."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            check()
        except ValidationError as again:
            return " ".join(again.messages)
    return " ".join(error.messages)  # the state changed since: the reason as it was given


def _describe(amount: object, account: str, payer: str, payer_account: str) -> str:
    return _("amount %(amount)s, sub-account %(account)s, payer %(payer)s (%(payer_account)s)") % {
        "amount": amount,
        "account": account or "—",
        "payer": payer or "—",
        "payer_account": payer_account or "—",
    }


def _conflict_explanation(tx: BankTransaction, incoming: IncomingMoney) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The transaction id is already recorded with other details: %(recorded)s. Nothing was changed."
        ) % {"recorded": _describe(tx.amount, tx.account_number, tx.payer_name, tx.payer_account)}
