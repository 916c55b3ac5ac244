"""Amounts as people type them and the bank sends them: one reading (``enforcement.money.parse_amount``)
on every path that takes one (intake page and API, money pages and API, the bank's notification), and
none larger than its column holds.

Full-width digits, the full-width point and thousands grouped by commas or spaces are normalised; anything
that would need a guess is refused with a message, and nothing is written.
"""

import datetime
import hashlib
import hmac
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.models import Case
from enforcement.money import largest_amount, parse_amount
from payments.ledger import LARGEST_AMOUNT, LARGEST_BALANCE
from payments.models import BankTransaction, LedgerEntry, Payout
from tests.factories import api_token
from tests.intake.test_pages import form_data
from tests.money import money_case, pay_in
from tests.payloads import application_payload

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SECRET = "amounts-test-secret"
LARGEST = Decimal("999999999999.99")  # what the 14-digit, 2-place columns hold

# Read the same everywhere: what is typed, and the amount it is.
NORMALISED = [
    pytest.param("12000.00", "12000.00", id="plain"),
    pytest.param("12000", "12000.00", id="whole-yuan"),
    pytest.param("１２０００．００", "12000.00", id="full-width"),
    pytest.param("12 000.00", "12000.00", id="spaces-between-thousands"),
    pytest.param("12\u3000000.00", "12000.00", id="ideographic-space-between-thousands"),
    pytest.param("12,000.00", "12000.00", id="commas-between-thousands"),
    pytest.param("１２，０００．５０", "12000.50", id="full-width-commas"),
    pytest.param(" 12000.5 ", "12000.50", id="surrounding-spaces"),
    pytest.param("12000.500", "12000.50", id="a-third-place-of-zero"),
]
# Refused, with the code of the reason: never guessed at.
HOSTILE = [
    pytest.param("1" * 20, "amount_max", id="too-many-digits"),
    pytest.param("1000000000000.00", "amount_max", id="one-cent-over-the-column"),
    pytest.param("1e309", "amount", id="exponent-1e309"),
    pytest.param("1e3", "amount", id="exponent"),
    pytest.param("NaN", "amount", id="nan"),
    pytest.param("Infinity", "amount", id="infinity"),
    pytest.param("-Infinity", "amount", id="minus-infinity"),
    pytest.param("-12.00", "amount_positive", id="negative"),
    pytest.param("－１２", "amount_positive", id="full-width-negative"),
    pytest.param("0.00", "amount_positive", id="zero"),
    pytest.param("12.345", "amount_places", id="three-decimals"),
    pytest.param("１２．３４５", "amount_places", id="full-width-three-decimals"),
    pytest.param("12,00", "amount", id="decimal-comma"),
    pytest.param("1,2345.00", "amount", id="commas-not-in-thousands"),
    pytest.param("1 2 3", "amount", id="spaces-not-in-thousands"),
    pytest.param("12,000 000.00", "amount", id="two-kinds-of-separator"),
    pytest.param("12000。00", "amount", id="ideographic-full-stop"),
    pytest.param("1_000", "amount", id="underscore"),
    pytest.param("١٢٣", "amount", id="arabic-indic-digits"),
    pytest.param("¥12000", "amount", id="currency-sign"),
    pytest.param("12000元", "amount", id="yuan-written-after"),
    pytest.param("9" * 65, "amount", id="longer-than-any-amount"),
]


def codes(error: ValidationError) -> set[str | None]:
    return {e.code for e in error.error_list}


# --- The one function ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "amount"), NORMALISED)
def test_full_width_and_grouped_amounts_are_normalised(typed: str, amount: str) -> None:
    assert parse_amount(typed, largest=LARGEST) == Decimal(amount)


@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_hostile_amounts_are_refused_with_their_reason(typed: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, largest=LARGEST)
    assert codes(refused.value) == {code}


@pytest.mark.parametrize("value", [12.5, True, None, ["1"], {"amount": "1"}, Decimal("1")])
def test_anything_but_text_or_a_whole_number_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_amount(value, largest=LARGEST)
    assert codes(refused.value) == {"amount_type"}


def test_the_largest_amount_comes_from_the_columns() -> None:
    assert largest_amount(Case._meta.get_field("claim_amount")) == LARGEST
    assert LARGEST_AMOUNT == LARGEST_BALANCE == LARGEST
    assert parse_amount("999999999999.99", largest=LARGEST) == LARGEST


# --- Intake: the application form and the API -------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(("typed", "amount"), NORMALISED[:7])
def test_the_clerk_may_type_the_claim_in_full_width(client, clerk, court, typed, amount):
    client.force_login(clerk)
    response = client.post(reverse("intake:new"), form_data(court, claim_amount=typed))
    assert response.status_code == 302, response.context["form"].errors
    assert Case.objects.get().claim_amount == Decimal(amount)


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_a_hostile_claim_on_the_form_is_an_error_and_nothing_is_filed(client, clerk, court, typed, code):
    client.force_login(clerk)
    response = client.post(
        reverse("intake:new"), form_data(court, claim_amount=typed), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code in (200, 400)  # the form again, with its errors
    assert response.context["form"].errors["claim_amount"]
    assert not Case.objects.exists()


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(("typed", "amount"), NORMALISED)
def test_the_api_reads_the_claim_the_same_way(client, clerk, court, typed, amount):
    client.force_login(clerk)
    payload = application_payload(claim={"kind": "money", "amount": typed, "description": "货款"})
    response = client.post("/api/v1/cases/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["claim_amount"] == amount


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_a_hostile_claim_in_the_api_is_a_400_and_nothing_is_filed(client, clerk, court, typed, code):
    client.force_login(clerk)
    payload = application_payload(claim={"kind": "money", "amount": typed, "description": "货款"})
    response = client.post(
        "/api/v1/cases/", json.dumps(payload), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["errors"]["claim"]["amount"]
    assert not Case.objects.exists()


# --- Payments: the case page's forms and the API -----------------------------------------------------------


@pytest.fixture
def funded(court, clerk, judge):
    case = money_case(court, clerk, judge)
    pay_in(case, "20000.00")
    return case


def _propose_on_the_page(client, judge, case, typed: str):
    client.force_login(judge)
    field = f"amount_{case.applicants()[0].pk}"
    url = reverse("payments:propose", args=[case.pk])
    return client.post(url, {field: typed}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("typed", "amount"), NORMALISED)
def test_the_judge_may_type_a_payout_in_full_width(client, funded, judge, typed, amount):
    _propose_on_the_page(client, judge, funded, typed)
    assert Payout.objects.get().amount == Decimal(amount)


@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_a_hostile_payout_on_the_page_is_refused_in_words(client, funded, judge, typed, code):
    response = _propose_on_the_page(client, judge, funded, typed)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and errors[0].startswith("Nothing was changed")
    assert not Payout.objects.exists()


def _api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


_keys = itertools.count(1)


def _propose_in_the_api(judge, case, typed: str):
    lines = [{"payee": case.applicants()[0].pk, "amount": typed}]
    return _api(judge).post(
        f"/api/v1/cases/{case.pk}/payouts/",
        json.dumps({"lines": lines}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"propose-{next(_keys)}",
    )


@pytest.mark.parametrize(("typed", "amount"), NORMALISED)
def test_the_money_api_reads_amounts_the_same_way(funded, judge, typed, amount):
    response = _propose_in_the_api(judge, funded, typed)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == amount


@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_a_hostile_amount_in_the_money_api_is_a_400(funded, judge, typed, code):
    response = _propose_in_the_api(judge, funded, typed)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["lines"]["0"]["amount"]
    assert not Payout.objects.exists()


# --- The bank's notification --------------------------------------------------------------------------------


def _notify(case, amount: Any) -> Any:
    body = json.dumps(
        {
            "transaction_id": "AMOUNT-1",
            "account": case.account.number,
            "amount": amount,
            "payer_name": case.respondents()[0].name,
            "payer_account": "6222000011112222",
            "booked_at": (NOW - datetime.timedelta(hours=1)).isoformat(),
        }
    ).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        "/api/v1/bank/notifications/",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def bank(settings, court, clerk, judge):
    settings.BANK_WEBHOOK_SECRET = SECRET
    with time_machine.travel(NOW, tick=True):
        yield money_case(court, clerk, judge)


@pytest.mark.parametrize(("typed", "amount"), NORMALISED)
def test_the_bank_may_send_full_width_amounts(bank, typed, amount):
    response = _notify(bank, typed)
    assert response.status_code == 201, response.content
    assert BankTransaction.objects.get().amount == Decimal(amount)


@pytest.mark.parametrize(("typed", "code"), HOSTILE)
def test_a_hostile_amount_from_the_bank_is_a_400_and_nothing_is_written(bank, typed, code):
    response = _notify(bank, typed)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["amount"]
    assert not BankTransaction.objects.exists()
    assert not LedgerEntry.objects.exists()
