"""The daily money checks: reconciliation with the bank, and unmatched money not claimed in time.

Both are plain, bounded, idempotent functions that the Celery tasks and the tests call directly. Running
either twice, or in two workers at once, tells nobody twice: a unique row (reconciliation) or a
compare-and-set on the transaction (late claim) decides who notifies.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement import roles
from enforcement.models import Court
from enforcement.money import AmountTooLarge, largest_amount
from enforcement.services.alerts import put_in_inboxes

from .models import ZERO, BankTransaction, LedgerEntry, Reconciliation, StatementImport


def money_staff(court_id: int | None) -> list[User]:
    """Finance officers and supervisors of the court; with no court known, every finance officer."""
    users = User.objects.filter(is_active=True)
    if court_id is None:
        return list(users.filter(groups__name=roles.FINANCE).distinct().order_by("pk"))
    users = users.filter(
        court_memberships__court_id=court_id, groups__name__in=[roles.FINANCE, roles.SUPERVISOR]
    )
    return list(users.distinct().order_by("pk"))


def notify_money_staff(users: list[User], title: str, body: str) -> None:
    # Inbox items are stored text: the callers write them in the site's language, not the worker's.
    url = reverse("payments:desk")
    put_in_inboxes(users, title=title, body=body, url=url)


# --- Reconciliation ----------------------------------------------------------------------------------------


def ledger_total(court: Court, as_of: datetime.datetime) -> Decimal:
    total: Decimal = LedgerEntry.objects.filter(account__case__court=court, booked_at__lte=as_of).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    return total


def unmatched_total(court: Court, as_of: datetime.datetime) -> Decimal:
    """Money in the master account that belonged to no case at the statement's time.

    Money claimed since is in the ledger at its booking time, so it is counted there; money returned to
    the payer since was still in the account then (a return leaves no ledger entry), so it counts here.
    """
    still_there = Q(status=BankTransaction.Status.UNMATCHED) | Q(
        status=BankTransaction.Status.RETURNED, resolved_at__gt=as_of
    )
    total: Decimal = BankTransaction.objects.filter(still_there, court=court, booked_at__lte=as_of).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    return total


def reconcile(court: Court, *, today: datetime.date | None = None) -> Reconciliation | None:
    """Compare the court's case balances plus unmatched money with the last statement's balance.

    The ledger is taken as of the statement's balance time, so money booked after it does not show as a
    difference. One reconciliation per statement and day (the morning run, and one when a statement is
    imported); a difference notifies finance and supervisors once for each.
    """
    statement = StatementImport.objects.filter(court=court).order_by("-closing_at", "-id").first()
    if statement is None:
        return None
    today = today or timezone.localdate()
    existing = Reconciliation.objects.filter(statement=statement, run_on=today).first()
    if existing is not None:
        return existing
    cases = ledger_total(court, statement.closing_at)
    unmatched = unmatched_total(court, statement.closing_at)
    amounts = {
        "statement_balance": statement.closing_balance,
        "case_balances": cases,
        "unmatched": unmatched,
        "difference": statement.closing_balance - cases - unmatched,
    }
    _check_reconcilable(amounts)
    try:
        with transaction.atomic():
            result = Reconciliation.objects.create(
                court=court, statement=statement, run_on=today, as_of=statement.closing_at, **amounts
            )
            if not result.balanced:
                _tell_difference(result)
    except IntegrityError:  # another worker reconciled this statement today: its result stands
        return Reconciliation.objects.get(statement=statement, run_on=today)
    return result


def _check_reconcilable(amounts: dict[str, Decimal]) -> None:
    """Sums the reconciliation's columns cannot hold are refused (in a statement import: nothing is
    imported), never left for the database to overflow on."""
    for name, value in amounts.items():
        if value.copy_abs() > largest_amount(Reconciliation._meta.get_field(name)):
            raise AmountTooLarge(
                _(
                    "The court's money (%(cases)s yuan in case accounts, %(unmatched)s unmatched) is more "
                    "than a reconciliation can hold; check the statement with the bank."
                )
                % {"cases": amounts["case_balances"], "unmatched": amounts["unmatched"]}
            )


def _tell_difference(result: Reconciliation) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Reconciliation difference of %(difference)s yuan (%(court)s, %(day)s)") % {
            "difference": result.difference,
            "court": result.court.code,
            "day": result.run_on.isoformat(),
        }
        body = _(
            "Master account balance %(statement)s as of %(as_of)s; case balances %(cases)s; "
            "unmatched money %(unmatched)s."
        ) % {
            "statement": result.statement_balance,
            "as_of": timezone.localtime(result.as_of).strftime("%Y-%m-%d %H:%M"),
            "cases": result.case_balances,
            "unmatched": result.unmatched,
        }
    notify_money_staff(money_staff(result.court_id), title, body)


def reconcile_all(*, today: datetime.date | None = None) -> list[Reconciliation]:
    results = (reconcile(court, today=today) for court in Court.objects.filter(is_active=True))
    return [r for r in results if r is not None]


# --- Unmatched money not claimed in time -------------------------------------------------------------------


def flag_late_claims(*, today: datetime.date | None = None) -> int:
    """Unmatched money past its claim-by date: flagged once, and finance and supervisors told."""
    today = today or timezone.localdate()
    late = BankTransaction.objects.filter(
        status=BankTransaction.Status.UNMATCHED, claim_due_date__lt=today, late_flagged_at__isnull=True
    )
    flagged = 0
    for tx in late.order_by("pk")[:1000]:
        with transaction.atomic():
            # Compare-and-set: only the worker whose update changed the row tells anyone.
            won = BankTransaction.objects.filter(pk=tx.pk, late_flagged_at__isnull=True).update(
                late_flagged_at=timezone.now()
            )
            if not won:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Unmatched money of %(amount)s yuan not claimed by %(due)s") % {
                    "amount": tx.amount,
                    "due": tx.claim_due_date.isoformat() if tx.claim_due_date else "",
                }
                body = _("Bank transaction %(id)s from %(payer)s, sub-account given: %(account)s.") % {
                    "id": tx.transaction_id,
                    "payer": tx.payer_name or "?",
                    "account": tx.account_number or "?",
                }
            notify_money_staff(money_staff(tx.court_id), title, body)
            flagged += 1
    return flagged
