"""Twenty deliveries of one bank transaction id at once, with different amounts, on PostgreSQL with real
connections (each thread is its own client): exactly one credit; each other delivery is a 409, or a 200
when its body is identical to the one credited; finance and the supervisors are alerted once.
"""

import datetime
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from enforcement.models import InboxItem
from payments.models import BankTransaction, LedgerEntry, RefusedNotification
from tests.money import money_case
from tests.payments.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "twenty-at-once-secret"
DELIVERIES = 20
AMOUNTS = 10  # each amount is sent twice: the twin of the one credited is an identical retry


def test_twenty_deliveries_of_one_id_with_different_amounts_credit_once(
    settings, court, clerk, judge, finance, supervisor
):
    assert connection.vendor == "postgresql"
    settings.BANK_WEBHOOK_SECRET = SECRET
    case = money_case(court, clerk, judge)
    booked_at = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    def body(i: int) -> bytes:
        return json.dumps(
            {
                "transaction_id": "RACE-1",
                "account": case.account.number,
                "amount": f"{100 + i % AMOUNTS}.00",
                "payer_name": case.respondents()[0].name,
                "payer_account": "6222000011112222",
                "booked_at": booked_at,
            }
        ).encode()

    def deliver(i: int) -> tuple[Decimal, int]:
        content = body(i)
        signature = hmac.new(SECRET.encode(), content, hashlib.sha256).hexdigest()
        response = Client().post(
            "/api/v1/bank/notifications/",
            content,
            content_type="application/json",
            HTTP_X_SIGNATURE=signature,
        )
        return Decimal(f"{100 + i % AMOUNTS}.00"), response.status_code

    answers, errors = at_once(DELIVERIES, deliver, timeout=300)  # 20 clients in one interpreter

    assert errors == []
    assert len(answers) == DELIVERIES
    winners = [amount for amount, status in answers if status == 201]
    assert len(winners) == 1, answers
    credited = winners[0]
    for amount, status in answers:
        assert status in (200, 201, 409)
        assert (status == 409) == (amount != credited), answers
    assert BankTransaction.objects.get().amount == credited
    assert LedgerEntry.objects.count() == 1
    case.account.refresh_from_db()
    assert case.account.balance == credited
    # Nine other amounts, each refused twice; one alert for the transaction id, to each of the two.
    refused = RefusedNotification.objects.filter(transaction_id="RACE-1", reason="conflict")
    assert refused.count() == AMOUNTS - 1
    assert sum(refused.values_list("deliveries", flat=True)) == DELIVERIES - 2
    assert refused.filter(alerted=True).count() == 1
    assert InboxItem.objects.filter(user=finance).count() == 1
    assert InboxItem.objects.filter(user=supervisor).count() == 1
