"""Input that used to end in a server error: deeply nested JSON and NUL characters (issue 12, point 7).

Each is answered 400 before any view or query runs, in the API's error shape under /api/ and as a page
elsewhere, in the request's language; nothing is written. NUL reaches PostgreSQL as a 500 (it refuses NUL
in text); the tests marked ``postgres`` show it there, the others hold on any database.
"""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIRequestFactory

from enforcement.api.parsers import (
    JSONParser,
    JSONRefused,
    check_json_text,
    json_depth_exceeds,
    loads_limited,
)
from enforcement.models import Case, CaseEvent, Party
from payments.api import BankNotificationApi
from payments.models import BankTransaction, LedgerEntry
from portal.models import QueryAttempt
from tests.money import money_case
from tests.payloads import application_payload
from tests.payments.test_webhook import SECRET, notification, sign

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
DEEP_BODIES = [DEEP_ARRAY, "[" * 1000, DEEP_OBJECT, '{"number": ' + DEEP_ARRAY + "}"]


def nested(depth: int) -> str:
    """A JSON text whose brackets nest exactly ``depth`` levels."""
    return "[" * depth + "]" * depth


def assert_refused(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code
    assert body["message"]
    return body


def post_form(client: Client, url: str, fields: dict[str, str], **extra: Any) -> Any:
    """As a browser sends a form (the test client's default is multipart)."""
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded", **extra)


def post_json(client: Client, url: str, text: str | bytes, **extra: Any) -> Any:
    return client.post(url, text, content_type="application/json", **extra)


@pytest.fixture(autouse=True)
def bank_secret(settings):
    settings.BANK_WEBHOOK_SECRET = SECRET


@pytest.fixture
def staff_api(client, clerk):
    client.force_login(clerk)
    return client


class TestDeepJson:
    """1,000 nested brackets gave 500 (RecursionError inside the decoder) on four endpoints."""

    @pytest.mark.parametrize("body", DEEP_BODIES)
    def test_the_progress_query_refuses_it_without_a_login(self, client, body):
        response = post_json(client, "/api/v1/progress/", body, **EN)
        assert_refused(response, "too_deep")
        assert "nested too deeply (at most 32 levels)" in response.json()["message"]
        assert not QueryAttempt.objects.exists()

    @pytest.mark.parametrize("body", DEEP_BODIES)
    def test_the_token_sign_in_refuses_it(self, client, clerk, body):
        assert_refused(post_json(client, "/api/v1/auth/token/", body), "too_deep")
        assert not AuthToken.objects.exists()

    @pytest.mark.parametrize("body", DEEP_BODIES)
    def test_filing_refuses_it_and_writes_nothing(self, staff_api, body):
        assert_refused(post_json(staff_api, "/api/v1/cases/", body), "too_deep")
        assert not Case.objects.exists() and not Party.objects.exists() and not CaseEvent.objects.exists()

    @pytest.mark.parametrize("body", DEEP_BODIES)
    def test_a_signed_bank_notification_is_refused_and_credits_nothing(
        self, client, court, clerk, judge, body
    ):
        money_case(court, clerk, judge)
        before = BankTransaction.objects.count(), LedgerEntry.objects.count()
        raw = body.encode()
        response = post_json(client, "/api/v1/bank/notifications/", raw, HTTP_X_SIGNATURE=sign(raw))
        assert_refused(response, "too_deep")
        assert (BankTransaction.objects.count(), LedgerEntry.objects.count()) == before

    def test_the_bank_view_parses_safely_on_its_own(self, court, clerk, judge):
        # The view itself, without the middleware in front: its raw-body-then-parse path uses the same limit.
        money_case(court, clerk, judge)
        raw = DEEP_ARRAY.encode()
        request = APIRequestFactory().post(
            "/api/v1/bank/notifications/", raw, content_type="application/json", HTTP_X_SIGNATURE=sign(raw)
        )
        response = BankNotificationApi.as_view()(request)
        assert response.status_code == 400
        assert response.data["code"] == "too_deep"
        assert not BankTransaction.objects.exists()

    def test_a_body_at_the_limit_is_decoded_and_one_level_more_is_refused(self, staff_api, settings):
        settings.API_MAX_JSON_DEPTH = 3
        payload = application_payload()  # court, parties, a party's fields: exactly 3 levels
        assert json_depth_exceeds(json.dumps(payload), 3) is False
        assert post_json(staff_api, "/api/v1/cases/", json.dumps(payload)).status_code == 201
        payload["claim"]["description"] = ["too", ["deep"]]
        assert_refused(post_json(staff_api, "/api/v1/cases/", json.dumps(payload)), "too_deep")
        assert Case.objects.count() == 1

    def test_brackets_inside_strings_do_not_count(self, staff_api):
        payload = application_payload()
        payload["claim"]["description"] = "[" * 500 + '{"\\"' + "]" * 500
        response = post_json(staff_api, "/api/v1/cases/", json.dumps(payload))
        assert response.status_code == 201, response.content
        assert Case.objects.get().claim_description == payload["claim"]["description"]


class TestTheParser:
    def test_a_million_levels_are_counted_without_recursion(self):
        assert json_depth_exceeds("[" * 1_000_000, 32) is True
        assert json_depth_exceeds('{"a": [1, {"b": [2]}]}', 4) is False
        assert json_depth_exceeds('{"a": [1, {"b": [2]}]}', 3) is True

    def test_loads_limited_decodes_what_json_decodes(self):
        assert loads_limited(b'{"a": [1, "\\u00e9"]}') == {"a": [1, "é"]}

    @pytest.mark.parametrize("text", ['{"a": "\\u0000"}', '{"\\u0000": 1}', '["x\\\\\\u0000"]'])
    def test_a_nul_escape_in_a_string_is_refused(self, text):
        with pytest.raises(JSONRefused) as refused:
            check_json_text(text)
        assert refused.value.code == "nul_character"

    def test_an_escaped_backslash_before_u0000_is_not_a_nul(self):
        assert loads_limited('["\\\\u0000"]') == ["\\u0000"]

    def test_drf_uses_it_by_default(self):
        from rest_framework.settings import api_settings

        assert api_settings.DEFAULT_PARSER_CLASSES[0] is JSONParser


class TestNulInTheAddress:
    """A NUL in ``q`` of /api/v1/cases/ and of /cases/ gave 500 on PostgreSQL."""

    def test_the_cases_api_answers_400_in_the_error_shape(self, staff_api):
        body = assert_refused(
            staff_api.get("/api/v1/cases/", {"q": "蒙\x000302"}, **EN), "control_characters"
        )
        assert body["message"].startswith("The address contains control characters")

    def test_the_case_list_page_answers_a_400_page_in_the_users_language(self, staff_api):
        response = staff_api.get("/cases/", {"q": "a\x00b"}, **EN)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert b"The address contains control characters" in response.content
        assert b"a\x00b" not in response.content

    def test_the_page_is_chinese_by_default(self, staff_api):
        response = staff_api.get("/cases/", {"q": "a\x00b"})
        assert response.status_code == 400
        assert '<html lang="zh-hans">' in response.content.decode()

    @pytest.mark.parametrize(
        "query", [{"a\x00": "1"}, {"q": "\x01"}, {"q": "x\x1f"}, {"q": "\x7f"}, {"page": ["1", "\x00"]}]
    )
    def test_names_other_controls_and_repeated_values_are_refused_too(self, staff_api, query):
        assert_refused(staff_api.get("/api/v1/cases/", query), "control_characters")

    def test_a_nul_in_the_path_is_refused(self, staff_api):
        assert staff_api.get("/cases/%00/").status_code == 400

    def test_ordinary_searches_still_work(self, staff_api):
        for q in ["蒙0302", "张 三", "a\tb", "（2026）"]:
            assert staff_api.get("/api/v1/cases/", {"q": q}).status_code == 200, q
            assert staff_api.get("/cases/", {"q": q}).status_code == 200, q

    def test_the_progress_page_refuses_it_without_a_login(self, client):
        assert client.get("/progress/", {"number": "\x00"}).status_code == 400


class TestNulInBodies:
    def test_a_form_field_with_nul_is_refused_before_the_view(self, client, clerk):
        response = post_form(client, "/accounts/login/", {"username": "clerk\x00", "password": "x"}, **EN)
        assert response.status_code == 400
        assert b"The form contains control characters" in response.content

    def test_line_breaks_and_tabs_in_form_values_are_kept(self, client, clerk):
        response = post_form(client, "/accounts/login/", {"username": "clerk", "password": "a\tb\r\nc"})
        assert response.status_code == 200  # the login page again: wrong password, nothing refused

    def test_a_json_string_with_nul_is_refused_and_nothing_is_filed(self, staff_api):
        payload = application_payload()
        payload["claim"]["description"] = "货款\u0000及利息"
        body = assert_refused(
            post_json(staff_api, "/api/v1/cases/", json.dumps(payload), **EN), "nul_character"
        )
        assert body["message"] == "The JSON body contains a NUL character, which is not allowed."
        assert not Case.objects.exists()

    def test_a_nul_in_a_progress_query_is_refused(self, client):
        body = {"number": "（2026）蒙0302执1号", "id_number": "\u0000", "query_code": "AB"}
        assert_refused(post_json(client, "/api/v1/progress/", json.dumps(body)), "nul_character")
        assert not QueryAttempt.objects.exists()

    def test_a_signed_bank_notification_with_nul_credits_nothing(self, client, court, clerk, judge):
        case = money_case(court, clerk, judge)
        raw = json.dumps(notification(case.account.number, payer_name="被执行人\u0000甲")).encode()
        response = post_json(client, "/api/v1/bank/notifications/", raw, HTTP_X_SIGNATURE=sign(raw))
        assert_refused(response, "nul_character")
        assert not BankTransaction.objects.exists()


@pytest.mark.postgres
class TestOnPostgres:
    """PostgreSQL refuses NUL in text: these were 500s there."""

    def test_the_cases_api_search(self, staff_api):
        assert_refused(staff_api.get("/api/v1/cases/", {"q": "a\x00"}), "control_characters")

    def test_the_case_list_page_search(self, staff_api):
        assert staff_api.get("/cases/", {"q": "a\x00"}).status_code == 400

    def test_a_json_string_with_nul(self, staff_api):
        payload = application_payload()
        payload["applicants"][0]["address"] = "乌海\u0000"
        assert_refused(post_json(staff_api, "/api/v1/cases/", json.dumps(payload)), "nul_character")
        assert not Case.objects.exists()

    def test_the_token_sign_in(self, client, clerk):
        body = json.dumps({"username": "clerk\u0000", "password": "x"})
        assert_refused(post_json(client, "/api/v1/auth/token/", body), "nul_character")
        assert not AuthToken.objects.exists()
