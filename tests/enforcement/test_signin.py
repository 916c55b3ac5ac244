"""Staff sign-in is throttled and API tokens expire (issue 12, point 9).

Found from outside: 30 wrong passwords, then the right one, were all answered, and API tokens never
expired. Now django-axes counts failures per account and per address, on the sign-in page and at the
API's token endpoint together, and django-rest-knox tokens expire and are revoked by signing out.
"""

import datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # tests/factories.py: every user's password
LIMIT = settings.AXES_FAILURE_LIMIT
TOKEN = "/api/v1/auth/token/"
TOKEN_TTL = datetime.timedelta(hours=10)  # settings.REST_KNOX["TOKEN_TTL"] by default: checked below


def page_sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def api_sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        TOKEN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def locked_out_json(response: Any) -> bool:
    return (
        response.status_code == 429
        and response.json()["code"] == "locked_out"
        and int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    )


class TestThePage:
    def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(self, client, clerk):
        answers = [page_sign_in(client, clerk.username, f"wrong-{i}").status_code for i in range(30)]
        assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
        assert set(answers[LIMIT:]) == {429}
        response = page_sign_in(client, clerk.username, PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)
        text = response.content.decode()
        assert "登录失败次数过多" in text and "15分钟后再试" in text
        assert f'value="{clerk.username}"' in text  # the user name is kept in the form

    def test_the_message_is_in_the_browsers_language(self, client, clerk):
        for i in range(LIMIT):
            page_sign_in(client, clerk.username, f"wrong-{i}")
        response = client.post(
            reverse("login"),
            {"username": clerk.username, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.content.decode()

    def test_failures_below_the_limit_then_the_right_password_sign_in_and_start_the_count_again(
        self, client, clerk
    ):
        for i in range(LIMIT - 1):
            page_sign_in(client, clerk.username, f"wrong-{i}")
        assert page_sign_in(client, clerk.username, PASSWORD).status_code == 302
        assert signed_in(client)
        other = Client()
        for i in range(LIMIT - 1):
            assert page_sign_in(other, clerk.username, f"again-{i}").status_code == 200
        assert page_sign_in(other, clerk.username, PASSWORD).status_code == 302

    def test_the_account_is_locked_whatever_address_the_failures_come_from(self, client, clerk):
        for i in range(LIMIT):
            page_sign_in(Client(), clerk.username, "wrong", address=f"10.0.1.{i}")
        response = page_sign_in(client, clerk.username, PASSWORD, address="10.0.2.1")
        assert response.status_code == 429
        assert not signed_in(client)

    def test_an_address_is_locked_whatever_accounts_it_tries(self, client, clerk):
        for i in range(LIMIT):
            page_sign_in(Client(), f"nobody-{i}", "wrong", address="10.0.3.3")
        assert page_sign_in(client, clerk.username, PASSWORD, address="10.0.3.3").status_code == 429
        # The same account from elsewhere is not locked: it failed nowhere.
        assert page_sign_in(client, clerk.username, PASSWORD, address="10.0.3.4").status_code == 302

    def test_the_lock_ends_after_the_cool_off(self, client, clerk):
        for i in range(LIMIT):
            page_sign_in(client, clerk.username, f"wrong-{i}")
        assert page_sign_in(client, clerk.username, PASSWORD).status_code == 429
        later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
        with time_machine.travel(later):
            assert page_sign_in(client, clerk.username, PASSWORD).status_code == 302
        assert signed_in(client)


class TestTheTokenEndpoint:
    def test_the_right_password_gives_a_token_that_expires(self, client, clerk):
        response = api_sign_in(client, clerk.username, PASSWORD)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"token", "expiry"}
        expiry = datetime.datetime.fromisoformat(body["expiry"])
        assert expiry - timezone.now() <= TOKEN_TTL
        stored = AuthToken.objects.get(user=clerk)
        assert body["token"] not in (stored.digest, stored.token_key)  # stored hashed, shown once

    def test_a_wrong_password_is_a_400_in_the_error_shape_in_the_users_language(self, client, clerk):
        response = api_sign_in(client, clerk.username, "wrong")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["errors"] == {"non_field_errors": ["用户名或密码错误。"]}
        assert not AuthToken.objects.exists()

    def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_gets_no_token(self, client, clerk):
        answers = [api_sign_in(client, clerk.username, f"wrong-{i}").status_code for i in range(30)]
        assert answers[: LIMIT - 1] == [400] * (LIMIT - 1)
        assert set(answers[LIMIT:]) == {429}
        response = api_sign_in(client, clerk.username, PASSWORD)
        assert locked_out_json(response)
        assert not AuthToken.objects.exists()

    def test_the_page_and_the_api_count_together(self, client, clerk):
        for i in range(LIMIT // 2):
            page_sign_in(client, clerk.username, f"page-{i}")
        for i in range(LIMIT - LIMIT // 2):
            api_sign_in(client, clerk.username, f"api-{i}")
        assert locked_out_json(api_sign_in(client, clerk.username, PASSWORD))
        assert page_sign_in(client, clerk.username, PASSWORD).status_code == 429

    def test_a_body_without_the_fields_is_a_400(self, client):
        response = client.post(TOKEN, {}, content_type="application/json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"username", "password"}


def test_tokens_last_the_documented_ten_hours():
    assert settings.REST_KNOX["TOKEN_TTL"] == TOKEN_TTL


class TestTokens:
    def _token(self, client: Client, user: Any) -> str:
        return str(api_sign_in(client, user.username, PASSWORD).json()["token"])

    def test_a_token_works_until_it_expires(self, client, clerk):
        token = self._token(client, clerk)
        assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
        after = timezone.now() + TOKEN_TTL + datetime.timedelta(minutes=1)
        with time_machine.travel(after):
            response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")

    def test_signing_out_revokes_the_token_and_only_that_one(self, client, clerk):
        first, second = self._token(client, clerk), self._token(client, clerk)
        response = client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {first}")
        assert response.status_code == 204
        assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
        assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200

    def test_signing_out_everywhere_revokes_every_token_of_the_user_only(self, client, clerk, judge):
        mine = [self._token(client, clerk), self._token(client, clerk)]
        theirs = self._token(client, judge)
        assert (
            client.post("/api/v1/auth/logout-all/", HTTP_AUTHORIZATION=f"Token {mine[0]}").status_code == 204
        )
        for token in mine:
            assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
        assert client.get("/api/v1/queue/", HTTP_AUTHORIZATION=f"Token {theirs}").status_code == 200

    def test_signing_out_needs_a_token(self, client):
        response = client.post("/api/v1/auth/logout/")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_an_inactive_user_gets_no_token(self, client, court):
        user = UserFactory(is_active=False)
        assert api_sign_in(client, user.username, PASSWORD).status_code == 400
        assert not AuthToken.objects.exists()
