"""The faults found from outside in the money paths (issue 12, points 7 and 8), each reproduced:

* a credit that would overflow the ledger's balance column, through the bank's notification, a claim of
  unmatched money (API and finance desk) and a statement: refused with a 4xx or a form error, nothing
  written, and a refused notification reaches finance's and the supervisors' inbox once;
* the same transaction id sent again with another amount, sub-account or payer: 409, nothing changed,
  finance and supervisors alerted once however often it comes;
* a booking time in the future (beyond the tolerance) or before the court's account was opened: 400.
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from enforcement.models import InboxItem
from payments import statements
from payments.models import BankTransaction, CourtAccount, LedgerEntry, RefusedNotification, StatementImport
from tests.factories import UserFactory, api_token
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=BEIJING)  # a Wednesday
URL = "/api/v1/bank/notifications/"
SECRET = "faults-test-secret"
TOO_MUCH = "999999999999.99"  # fits the amount column; not the balance of an account that holds money


@pytest.fixture(autouse=True)
def frozen(settings) -> Iterator[time_machine.Traveller]:
    settings.BANK_WEBHOOK_SECRET = SECRET
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(court, clerk, judge):
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00", transaction_id="FIRST", booked_at=NOW - datetime.timedelta(days=1))
    return case


@pytest.fixture
def money_staff(finance, supervisor) -> list[User]:
    return [finance, supervisor]


def notification(case, **overrides: Any) -> dict[str, Any]:
    return {
        "transaction_id": "FIRST",
        "account": case.account.number,
        "amount": "100.00",
        "payer_name": case.respondents()[0].name,
        "payer_account": "6222000011112222",
        "booked_at": (NOW - datetime.timedelta(days=1)).isoformat(),
        **overrides,
    }


def notify(payload: dict[str, Any]) -> Any:
    body = json.dumps(payload).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        URL, body, content_type="application/json", HTTP_X_SIGNATURE=signature, HTTP_ACCEPT_LANGUAGE="en"
    )


def error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "code", "errors"} and body["message"]
    return body


def money_rows() -> tuple[int, int]:
    return BankTransaction.objects.count(), LedgerEntry.objects.count()


def balance(case) -> Decimal:
    case.account.refresh_from_db()
    return case.account.balance


def inbox(user: User) -> list[InboxItem]:
    return list(InboxItem.objects.filter(user=user))


# --- Overflow: the bank's notification ---------------------------------------------------------------------


def test_a_credit_that_would_overflow_the_balance_is_refused_and_finance_is_told_once(case, money_staff):
    huge = notification(case, transaction_id="HUGE-1", amount=TOO_MUCH)

    first = error(notify(huge), 400)
    again = error(notify(huge), 400)  # the bank retries a refused notification

    assert "the ledger holds at most 999999999999.99" in first["errors"]["amount"][0]
    assert again["errors"] == first["errors"]
    assert money_rows() == (1, 1) and balance(case) == Decimal("100.00")
    refusal = RefusedNotification.objects.get()
    assert (refusal.transaction_id, refusal.reason, refusal.amount) == ("HUGE-1", "too_large", TOO_MUCH)
    assert refusal.deliveries == 2 and refusal.alerted and refusal.court == case.court
    for user in money_staff:
        (item,) = inbox(user)
        assert "HUGE-1" in item.title and TOO_MUCH in item.title
        assert case.account.number in item.body


def test_an_amount_larger_than_its_column_is_refused_and_reported(case, money_staff):
    body = error(notify(notification(case, transaction_id="HUGE-2", amount="1" * 20)), 400)
    assert "too large" in body["errors"]["amount"][0]
    assert money_rows() == (1, 1)
    assert RefusedNotification.objects.get().reason == "too_large"
    assert all(len(inbox(user)) == 1 for user in money_staff)


def test_the_largest_credit_that_fits_is_accepted(court, clerk, judge):
    empty = money_case(court, clerk, judge)
    response = notify(notification(empty, transaction_id="JUST-FITS", amount=TOO_MUCH))
    assert response.status_code == 201, response.content
    assert balance(empty) == Decimal(TOO_MUCH)
    # A retry of it is the same transaction, not a second credit that would overflow.
    assert notify(notification(empty, transaction_id="JUST-FITS", amount=TOO_MUCH)).status_code == 200


# --- Overflow: claiming unmatched money ---------------------------------------------------------------------


@pytest.fixture
def unmatched_huge(case, court):
    response = notify(notification(case, transaction_id="UNMATCHED-HUGE", account="", amount=TOO_MUCH))
    assert response.status_code == 201, response.content
    return BankTransaction.objects.get(transaction_id="UNMATCHED-HUGE")


def _finance_api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_claiming_money_that_would_overflow_the_balance_is_a_400_in_the_api(case, unmatched_huge, finance):
    response = _finance_api(finance).post(
        f"/api/v1/bank/transactions/{unmatched_huge.pk}/claim/",
        json.dumps({"case": case.number}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="claim-huge",
    )
    body = error(response, 400)
    assert "the ledger holds at most" in body["errors"]["amount"][0]
    unmatched_huge.refresh_from_db()
    assert unmatched_huge.status == BankTransaction.Status.UNMATCHED and unmatched_huge.case is None
    assert balance(case) == Decimal("100.00") and LedgerEntry.objects.count() == 1


def test_claiming_it_on_the_finance_desk_is_refused_in_words(client, case, unmatched_huge, finance):
    client.force_login(finance)
    response = client.post(
        reverse("payments:claim", args=[unmatched_huge.pk]),
        {"case_number": case.number},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "the ledger holds at most 999999999999.99 yuan" in errors[0]
    unmatched_huge.refresh_from_db()
    assert unmatched_huge.status == BankTransaction.Status.UNMATCHED
    assert balance(case) == Decimal("100.00")


# --- Overflow: the statement --------------------------------------------------------------------------------


def _statement(*lines: str) -> bytes:
    header = "transaction_id,booked_at,account,amount,payer_name,payer_account,balance"
    return "\r\n".join([header, *lines]).encode("utf-8")


def _refused_statement(court, content: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        statements.import_statement(court=court, actor=None, filename="s.csv", content=content)
    return caught.value.messages


def test_a_statement_line_that_would_overflow_a_balance_refuses_the_file(case, court):
    content = _statement(
        f"S-1,2026-11-24 09:00:00,{case.account.number},50.00,甲,,150.00",
        f"S-2,2026-11-24 10:00:00,{case.account.number},{TOO_MUCH},甲,,999999999999.99",
    )
    messages = _refused_statement(court, content)
    assert len(messages) == 1
    assert messages[0].startswith("Line 3: This would bring the case account's balance to")
    assert money_rows() == (1, 1) and not StatementImport.objects.exists()  # line 2 rolled back too


def test_a_statement_amount_larger_than_its_column_is_a_line_error(case, court):
    content = _statement(f"S-1,2026-11-24 09:00:00,{case.account.number},{'9' * 13}.00,甲,,1.00")
    assert _refused_statement(court, content) == [
        "Line 2: the column amount: 9999999999999.00 is more than the ledger holds (at most 999999999999.99)."
    ]
    assert not StatementImport.objects.exists()


def test_a_statement_may_give_full_width_amounts(case, court):
    content = _statement(f"S-1,2026-11-24 09:00:00,{case.account.number},１，２００．００,甲,,１２００．００")
    statements.import_statement(court=court, actor=None, filename="s.csv", content=content)
    assert balance(case) == Decimal("1300.00")


def test_a_statement_line_booked_before_the_account_was_opened_refuses_the_file(case, court):
    CourtAccount.objects.filter(court=court).update(opened_on=datetime.date(2026, 1, 1))
    content = _statement(f"S-1,2025-12-31 23:00:00,{case.account.number},5.00,甲,,5.00")
    assert _refused_statement(court, content) == [
        "Line 2: booked before the court's enforcement account was opened (2026-01-01)."
    ]


# --- The same transaction id with other content -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changed", "field", "recorded"),
    [
        pytest.param({"amount": "99999.00"}, "amount", "Recorded as 100.00.", id="amount"),
        pytest.param({"payer_name": "另一个人"}, "payer_name", None, id="payer"),
        pytest.param({"payer_account": "6222999999999999"}, "payer_account", None, id="payer-account"),
        pytest.param({"account": ""}, "account", None, id="sub-account"),
    ],
)
def test_the_same_id_with_other_content_is_a_409_and_changes_nothing(
    case, money_staff, changed, field, recorded
):
    body = error(notify(notification(case, **changed)), 409)

    assert body["code"] == "conflict"
    assert "FIRST" in body["message"] and "nothing was changed" in body["message"]
    assert set(body["errors"]) == {field}
    if recorded is not None:
        assert body["errors"][field] == [recorded]
    assert money_rows() == (1, 1) and balance(case) == Decimal("100.00")
    tx = BankTransaction.objects.get()
    assert (tx.amount, tx.payer_account) == (Decimal("100.00"), "6222000011112222")
    assert all(len(inbox(user)) == 1 for user in money_staff)


def test_a_conflict_alerts_finance_and_supervisors_once_however_often_it_comes(case, money_staff):
    conflicting = notification(case, amount="99999.00")
    for _attempt in range(3):
        error(notify(conflicting), 409)
    error(notify(notification(case, amount="5.00")), 409)  # another variant of the same id

    for user in money_staff:
        (item,) = inbox(user)
        assert "FIRST" in item.title
        assert "100.00" in item.body and "99999.00" in item.body
    variants = RefusedNotification.objects.filter(transaction_id="FIRST", reason="conflict")
    assert sorted(variants.values_list("amount", "deliveries", "alerted")) == [
        ("5.00", 1, False),
        ("99999.00", 3, True),
    ]
    assert money_rows() == (1, 1) and balance(case) == Decimal("100.00")


def test_the_identical_body_again_is_still_a_harmless_200(case, money_staff):
    response = notify(notification(case))
    assert response.status_code == 200, response.content
    assert response.json()["created"] is False
    assert not RefusedNotification.objects.exists()
    assert not any(inbox(user) for user in money_staff)


def test_finance_of_another_court_is_not_told(case, other_court):
    elsewhere = UserFactory(username="finance2", roles=["finance"], courts=[other_court])
    error(notify(notification(case, amount="99999.00")), 409)
    assert inbox(elsewhere) == []


# --- Booking times ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("booked_at", "why"),
    [
        pytest.param("1900-01-01T10:00:00+08:00", "before the court's enforcement account", id="1900"),
        pytest.param("2099-01-01T10:00:00+08:00", "in the future", id="2099"),
        pytest.param("2026-12-25T10:00:00+08:00", "in the future", id="next-month"),
        pytest.param("2026-11-25T10:11:00+08:00", "in the future", id="eleven-minutes-ahead"),
        pytest.param(
            "2019-12-31T23:59:00+08:00", "before the court's enforcement account", id="before-opening"
        ),
    ],
)
def test_an_impossible_booking_time_is_refused_with_400(case, booked_at, why):
    body = error(notify(notification(case, transaction_id="WHEN", booked_at=booked_at)), 400)
    assert why in body["errors"]["booked_at"][0]
    assert money_rows() == (1, 1) and balance(case) == Decimal("100.00")
    assert RefusedNotification.objects.get().reason == "booking_time"


@pytest.mark.parametrize(
    "booked_at",
    [
        pytest.param("2026-11-25T10:09:00+08:00", id="nine-minutes-ahead:-clock-drift"),
        pytest.param("2020-01-01T00:00:00+08:00", id="the-day-the-account-was-opened"),
    ],
)
def test_a_booking_time_within_the_bounds_is_credited(case, booked_at):
    response = notify(notification(case, transaction_id="WHEN", booked_at=booked_at))
    assert response.status_code == 201, response.content
    assert balance(case) == Decimal("200.00")


def test_the_tolerance_is_a_setting(case, settings):
    settings.BANK_BOOKING_TOLERANCE_MINUTES = 60
    ahead = (NOW + datetime.timedelta(minutes=30)).isoformat()
    assert notify(notification(case, transaction_id="AHEAD", booked_at=ahead)).status_code == 201
    settings.BANK_BOOKING_TOLERANCE_MINUTES = 0
    ahead = (NOW + datetime.timedelta(minutes=1)).isoformat()
    error(notify(notification(case, transaction_id="AHEAD-2", booked_at=ahead)), 400)


def test_money_of_no_known_court_is_checked_against_the_first_account_opened(case):
    unknown = notification(
        case, transaction_id="NOWHERE", account="99999", booked_at="2019-06-01T10:00:00+08:00"
    )
    body = error(notify(unknown), 400)
    assert "2020-01-01" in body["errors"]["booked_at"][0]
    assert not BankTransaction.objects.filter(transaction_id="NOWHERE").exists()
