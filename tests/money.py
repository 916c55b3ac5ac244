"""Helpers of the money tests: a case with an account, a confirmed payee and money paid in."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from enforcement.models import Case, Court
from intake import services as intake_services
from payments.models import BankTransaction, PayeeAccount
from payments.services import IncomingMoney, receive_money
from tests.factories import CourtAccountFactory
from tests.intake.test_case_numbers import application

_numbers = itertools.count(5000)
_transactions = itertools.count(1)


def money_case(court: Court, clerk: User, judge: User, *, applicants: int = 1) -> Case:
    """A filed case (so it has its sub-account) with ``judge`` responsible and every applicant's payout
    account confirmed."""
    CourtAccountFactory(court=court)
    n = next(_numbers)
    extra = {}
    if applicants > 1:
        extra["applicants"] = [
            intake_services.PartyInput(
                kind="organisation", name=f"申请公司{n}-{i}", id_type="other", id_number=f"X{n}{i}"
            )
            for i in range(applicants)
        ]
    case = intake_services.file_case(actor=clerk, application=application(court, n, **extra)).case
    case.responsible_judge = judge
    case.save(update_fields=["responsible_judge"])
    for i, party in enumerate(case.applicants()):
        PayeeAccount.objects.create(
            case=case,
            party=party,
            bank_name="中国银行",
            account_name=party.name,
            account_number=f"62170000{n:06d}{i:02d}",
            basis="申请人提交的账户确认书",
            confirmed_by=judge,
        )
    return case


def pay_in(
    case: Case,
    amount: str | Decimal,
    *,
    transaction_id: str | None = None,
    payer: str | None = None,
    booked_at: datetime.datetime | None = None,
) -> BankTransaction:
    """Money arriving on the case's sub-account by bank notification, from its respondent by default."""
    tx, _created = receive_money(
        incoming=IncomingMoney(
            transaction_id=transaction_id or f"T{next(_transactions):08d}",
            account_number=case.account.number,
            amount=Decimal(amount),
            booked_at=booked_at or timezone.now(),
            payer_name=payer if payer is not None else case.respondents()[0].name,
            payer_account="6222000011112222",
        ),
        source=BankTransaction.Source.NOTIFICATION,
    )
    return tx
