"""The bank's notification endpoint: signed by the bank, idempotent on its transaction id, strict on money.

No user signs in: the signature (hex HMAC-SHA256 of the raw body with the shared secret) is the only key.
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from payments.models import BankTransaction, LedgerEntry
from tests.money import money_case

URL = "/api/v1/bank/notifications/"
SECRET = "test-bank-secret"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bank_secret(settings):
    settings.BANK_WEBHOOK_SECRET = SECRET


@pytest.fixture(autouse=True)
def a_week_after_the_bookings() -> Iterator[None]:
    """The notifications are booked on 2026-03-02: the clock stands months after, whatever day it is."""
    with time_machine.travel(
        datetime.datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True
    ):
        yield


@pytest.fixture
def case(court, clerk, judge):
    return money_case(court, clerk, judge)


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification(account: str, **overrides: Any) -> dict[str, Any]:
    return {
        "transaction_id": "BANK-0001",
        "account": account,
        "amount": "800.00",
        "payer_name": "被执行人甲",
        "payer_account": "6222000011112222",
        "booked_at": "2026-03-02T10:15:00+08:00",
        **overrides,
    }


def notify(client: Client, payload: Any, *, signature: str | None = None, secret: str = SECRET) -> Any:
    body = json.dumps(payload).encode()
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages in the English source, to compare
    if signature != "":
        headers["HTTP_X_SIGNATURE"] = signature or sign(body, secret)
    return client.post(URL, body, content_type="application/json", **headers)


def money_rows() -> tuple[int, int]:
    return BankTransaction.objects.count(), LedgerEntry.objects.count()


def balance(case) -> Decimal:
    case.account.refresh_from_db()
    return case.account.balance


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def test_a_signed_notification_credits_the_case_and_answers_201(client, case):
    response = notify(client, notification(case.account.number))
    assert response.status_code == 201, response.content
    assert response.json() == {
        "transaction_id": "BANK-0001",
        "status": "matched",
        "case": case.number,
        "created": True,
    }
    assert balance(case) == Decimal("800.00")
    tx = BankTransaction.objects.get()
    assert tx.source == BankTransaction.Source.NOTIFICATION
    assert tx.amount == Decimal("800.00") and tx.case == case
    assert tx.booked_at.isoformat() == "2026-03-02T02:15:00+00:00"


def test_the_same_transaction_delivered_twice_answers_200_and_credits_once(client, case):
    first = notify(client, notification(case.account.number))
    second = notify(client, notification(case.account.number))
    assert first.status_code == 201
    assert second.status_code == 200, second.content
    assert second.json()["created"] is False
    assert second.json()["case"] == case.number
    assert money_rows() == (1, 1)
    assert balance(case) == Decimal("800.00")


def test_a_new_transaction_id_is_credited_again(client, case):
    notify(client, notification(case.account.number))
    response = notify(client, notification(case.account.number, transaction_id="BANK-0002"))
    assert response.status_code == 201
    assert balance(case) == Decimal("1600.00")


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param("0" * 64, id="zeros"),
        pytest.param("not-hex-at-all", id="garbage"),
        pytest.param("签名", id="non-ascii"),
        pytest.param(sign(b"{}"), id="signature-of-another-body"),
    ],
)
def test_a_wrong_signature_is_refused_with_401_and_nothing_changes(client, case, signature):
    response = notify(client, notification(case.account.number), signature=signature)
    body = assert_error(response, 401)
    assert body["code"] == "bad_signature"
    assert money_rows() == (0, 0)
    assert balance(case) == Decimal("0.00")


def test_a_body_signed_with_another_secret_is_refused(client, case):
    response = notify(client, notification(case.account.number), secret="someone-elses-secret")
    assert_error(response, 401)
    assert money_rows() == (0, 0)


def test_a_missing_signature_is_refused_with_401_and_nothing_changes(client, case):
    response = notify(client, notification(case.account.number), signature="")
    assert_error(response, 401)
    assert money_rows() == (0, 0)


def test_the_signature_covers_the_raw_bytes_not_the_parsed_json(client, case):
    signed = json.dumps(notification(case.account.number)).encode()
    reformatted = json.dumps(notification(case.account.number), indent=2).encode()
    response = client.post(URL, reformatted, content_type="application/json", HTTP_X_SIGNATURE=sign(signed))
    assert_error(response, 401)
    assert money_rows() == (0, 0)


def test_the_signature_may_come_in_upper_case_hex(client, case):
    body = json.dumps(notification(case.account.number)).encode()
    response = client.post(URL, body, content_type="application/json", HTTP_X_SIGNATURE=sign(body).upper())
    assert response.status_code == 201, response.content


def test_without_a_configured_secret_every_notification_is_refused(client, case, settings):
    settings.BANK_WEBHOOK_SECRET = ""
    response = notify(client, notification(case.account.number), secret="")
    assert_error(response, 401)
    assert money_rows() == (0, 0)


def test_no_session_and_no_csrf_token_are_needed(case):
    strict = Client(enforce_csrf_checks=True)
    response = notify(strict, notification(case.account.number))
    assert response.status_code == 201, response.content


def test_a_signed_in_user_without_the_signature_gets_nothing(client, case, finance):
    client.force_login(finance)
    response = notify(client, notification(case.account.number), signature="")
    assert_error(response, 401)
    assert money_rows() == (0, 0)


def test_money_for_an_unknown_sub_account_waits_unmatched(client, case, court):
    mistyped = case.account.number[:-1] + str((int(case.account.number[-1]) + 1) % 10)
    response = notify(client, notification(mistyped))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "unmatched"
    assert response.json()["case"] is None
    tx = BankTransaction.objects.get()
    assert tx.case is None and tx.claim_due_date is not None
    assert LedgerEntry.objects.count() == 0
    assert balance(case) == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("12.345", "two decimal places", id="three-places"),
        pytest.param("-1", "greater than zero", id="negative"),
        pytest.param("0.00", "greater than zero", id="zero"),
        pytest.param("abc", "Enter an amount", id="letters"),
        pytest.param("1e3", "Enter an amount", id="exponent"),
        pytest.param("NaN", "Enter an amount", id="nan"),
        pytest.param("", "Enter an amount", id="empty"),
        pytest.param("1000000000000.00", "too large", id="too-large"),
        pytest.param(12.5, "decimal strings", id="json-float"),
        pytest.param(800, "decimal strings", id="json-integer"),
        pytest.param(None, "may not be null", id="null"),
    ],
)
def test_a_bad_amount_is_refused_with_400_and_nothing_saved(client, case, amount, message):
    response = notify(client, notification(case.account.number, amount=amount))
    body = assert_error(response, 400)
    assert message in body["errors"]["amount"][0]
    assert money_rows() == (0, 0)


def test_missing_fields_are_each_named_and_nothing_saved(client, case):
    response = notify(client, {"payer_name": "某人"})
    body = assert_error(response, 400)
    assert set(body["errors"]) == {"transaction_id", "account", "amount", "payer_account", "booked_at"}
    assert money_rows() == (0, 0)


@pytest.mark.parametrize(
    "booked_at",
    [
        pytest.param("2026-03-02T10:15:00", id="naive"),
        pytest.param("2026-03-02", id="date-only"),
        pytest.param("yesterday", id="words"),
        pytest.param("2026-02-30T10:15:00+08:00", id="no-such-day"),
    ],
)
def test_a_booking_time_without_offset_or_unreadable_is_refused(client, case, booked_at):
    response = notify(client, notification(case.account.number, booked_at=booked_at))
    body = assert_error(response, 400)
    assert "booked_at" in body["errors"]
    assert money_rows() == (0, 0)


def test_a_body_that_is_not_json_is_refused_with_400(client, case):
    body = b"transaction_id=1&amount=5"
    response = client.post(URL, body, content_type="application/json", HTTP_X_SIGNATURE=sign(body))
    assert_error(response, 400)
    assert money_rows() == (0, 0)


def test_fields_the_bank_adds_later_do_not_refuse_the_money(client, case):
    response = notify(client, notification(case.account.number, channel="网银", memo="货款"))
    assert response.status_code == 201, response.content
    assert balance(case) == Decimal("800.00")
