"""The API's answers to the wrong path, the wrong method and no credentials (issue 12, point 12).

Unknown paths are a JSON 404 (the bare /api and /api/ too, and a POST without a CSRF token), an unknown
method on a known path is a JSON 405, and a call without credentials is a 401 with ``WWW-Authenticate``.
"""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STAFF_ENDPOINTS = ["/api/v1/cases/", "/api/v1/queue/", "/api/v1/payouts/", "/api/v1/bank/unmatched/"]
UNKNOWN_PATHS = [
    "/api",
    "/api/",
    "/api/v1",
    "/api/v1/",
    "/api/v1/nothing/",
    "/api/v2/cases/",
    "/api/v1/cases/x/",
]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code
    assert body["message"]
    return body


class TestUnknownPaths:
    @pytest.mark.parametrize("path", UNKNOWN_PATHS)
    @pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
    def test_any_method_on_an_unknown_path_is_a_json_404(self, client, path, method):
        assert_error(getattr(client, method)(path), 404, "not_found")

    @pytest.mark.parametrize("path", UNKNOWN_PATHS)
    def test_a_signed_in_post_without_a_csrf_token_is_still_a_json_404(self, clerk, path):
        client = Client(enforce_csrf_checks=True)
        client.force_login(clerk)
        assert_error(client.post(path, {}, content_type="application/json"), 404, "not_found")

    def test_a_case_that_does_not_exist_is_a_json_404(self, client, clerk):
        client.force_login(clerk)
        assert_error(client.get("/api/v1/cases/999999/"), 404, "not_found")

    def test_the_message_follows_the_language(self, client):
        body = assert_error(client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
        assert body["message"] == "Not found."

    def test_pages_outside_the_api_keep_the_html_404(self, client, clerk):
        client.force_login(clerk)
        response = client.get("/apix/")
        assert response.status_code == 404
        assert not response["Content-Type"].startswith("application/json")


class TestUnknownMethods:
    @pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "FOO"])
    def test_an_unknown_method_on_a_known_path_is_a_json_405(self, client, clerk, method):
        client.force_login(clerk)
        response = client.generic(method, "/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
        body = assert_error(response, 405, "method_not_allowed")
        assert method in body["message"]
        assert "POST" in response["Allow"]


class TestNoCredentials:
    @pytest.mark.parametrize("path", STAFF_ENDPOINTS)
    def test_a_call_without_credentials_is_a_401_with_www_authenticate(self, client, path):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Token")

    def test_a_post_without_credentials_is_a_401_and_files_nothing(self, client):
        from enforcement.models import Case

        response = client.post("/api/v1/cases/", {}, content_type="application/json")
        assert_error(response, 401, "not_authenticated")
        assert "WWW-Authenticate" in response
        assert not Case.objects.exists()

    def test_a_wrong_token_is_a_401_too(self, client):
        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token not-a-real-token")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")

    def test_a_session_still_signs_in(self, client, clerk):
        client.force_login(clerk)
        assert client.get("/api/v1/cases/").status_code == 200

    def test_a_party_endpoint_without_its_token_names_the_party_token(self, client):
        response = client.get("/api/v1/progress/case/", HTTP_ACCEPT_LANGUAGE="en")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("X-Party-Token")

    def test_a_bank_notification_without_its_signature_names_the_signature(self, client):
        response = client.post("/api/v1/bank/notifications/", {}, content_type="application/json")
        assert_error(response, 401, "bad_signature")
        assert response["WWW-Authenticate"].startswith("X-Signature")
