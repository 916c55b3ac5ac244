"""Money under concurrency, on PostgreSQL with real connections: each thread is its own client.

The same bank notification delivered at once is credited once; proposals that together exceed the
balance cannot both pass; the same idempotent request sent twice at once is done once.
"""

import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from payments import services
from payments.models import BankTransaction, IdempotencyKey, LedgerEntry, Payout
from tests.factories import api_token
from tests.money import money_case, pay_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "concurrency-test-secret"
THREAD_TIMEOUT = 60


def at_once(
    count: int, work: Callable[[int], Any], *, timeout: float = THREAD_TIMEOUT
) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released together; each closes its own connection. The
    threads share the interpreter, so many of them on a busy machine may need a longer ``timeout``."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(work(i))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return results, errors


def test_the_same_notification_delivered_at_once_is_credited_once(settings, court, clerk, judge):
    assert connection.vendor == "postgresql"
    settings.BANK_WEBHOOK_SECRET = SECRET
    case = money_case(court, clerk, judge)
    body = json.dumps(
        {
            "transaction_id": "SAME-1",
            "account": case.account.number,
            "amount": "800.00",
            "payer_name": case.respondents()[0].name,
            "payer_account": "6222000011112222",
            "booked_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),  # on any date
        }
    ).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    def deliver(_i: int) -> int:
        response = Client().post(
            "/api/v1/bank/notifications/", body, content_type="application/json", HTTP_X_SIGNATURE=signature
        )
        return response.status_code

    statuses, errors = at_once(8, deliver)

    assert errors == []
    assert sorted(statuses) == [200] * 7 + [201]
    assert BankTransaction.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    case.account.refresh_from_db()
    assert case.account.balance == Decimal("800.00")


def test_two_proposals_that_together_exceed_the_balance_cannot_both_pass(court, clerk, judge):
    assert connection.vendor == "postgresql"
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00")
    applicant = case.applicants()[0]

    def propose(_i: int) -> Payout:
        return services.propose_payout(actor=judge, case=case, lines=[(applicant, Decimal("70.00"))])

    proposed, errors = at_once(2, propose)

    assert len(proposed) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert Payout.objects.count() == 1
    assert Payout.objects.get().amount == Decimal("70.00")


def _approved(court, clerk, judge, team_lead) -> Payout:
    case = money_case(court, clerk, judge)
    pay_in(case, "1000.00")
    payout = services.propose_payout(
        actor=judge, case=case, lines=[(case.applicants()[0], Decimal("600.00"))]
    )
    return services.decide_payout(actor=team_lead, payout=payout, approve=True)


def _pay(finance, payout: Payout, key: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(finance)}")
    return client.post(
        f"/api/v1/payouts/{payout.pk}/pay/",
        json.dumps({"bank_reference": "REF-1"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_idempotent_request_sent_twice_at_once_pays_once(court, clerk, judge, team_lead, finance):
    payout = _approved(court, clerk, judge, team_lead)

    responses, errors = at_once(2, lambda _i: _pay(finance, payout, "pay-once"))

    assert errors == []
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAID_OUT).count() == 1
    assert IdempotencyKey.objects.filter(key="pay-once").count() == 1


def test_two_different_requests_paying_one_payout_at_once_pay_it_once(
    court, clerk, judge, team_lead, finance
):
    payout = _approved(court, clerk, judge, team_lead)

    responses, errors = at_once(2, lambda i: _pay(finance, payout, f"pay-{i}"))

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 400]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAID_OUT).count() == 1
    assert IdempotencyKey.objects.count() == 1  # the refusal's key was rolled back with it
