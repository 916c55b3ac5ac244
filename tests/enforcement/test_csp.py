"""The Content-Security-Policy (django-csp 4): on every page, strict for scripts, and what it relies on.

Pages may run scripts and styles from this site only, or inline ones carrying the request's nonce; so no
template or rendered page may hold an inline script, an event handler attribute or a style attribute.
The API docs relax styles (their bundles inject them), and so does DRF's browsable API, for its own
templates. The browser proves there is no violation (tests/enforcement/test_csp_browser.py); this file
checks the headers and the HTML.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.money import money_case
from tests.portal.test_progress import APPLICANT_ID, make_world

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# An inline script (a <script> without src), an event handler attribute, a style attribute, a
# javascript: URL, or a <style> element without a nonce.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)
FAULTS = {
    "inline script": INLINE_SCRIPT,
    "event handler": HANDLER,
    "style attribute": STYLE_ATTRIBUTE,
    "<style> without nonce": STYLE_WITHOUT_NONCE,
    "javascript: URL": JAVASCRIPT_URL,
}
# Third-party pages we override only to drop what they fetch from outside; the policy for them is relaxed.
THIRD_PARTY = {"drf_spectacular"}


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def faults_in(html: str) -> list[str]:
    return [f"{name}: {match.group()[:80]}" for name, rx in FAULTS.items() for match in rx.finditer(html)]


def assert_strict(response: Any) -> dict[str, list[str]]:
    found = policy(response)
    assert found["default-src"] == ["'self'"]
    assert found["script-src"][0] == "'self'"
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in found[directive] and "'unsafe-eval'" not in found[directive]
        assert all(value == "'self'" or value.startswith("'nonce-") for value in found[directive])
    assert found["object-src"] == ["'none'"] and found["frame-ancestors"] == ["'none'"]
    assert found["base-uri"] == ["'self'"] and found["form-action"] == ["'self'"]
    return found


def nonce_of(response: Any, directive: str) -> str:
    values = [v for v in policy(response)[directive] if v.startswith("'nonce-")]
    assert len(values) == 1, policy(response)[directive]
    return values[0][len("'nonce-") : -1]


class TestTheTemplates:
    @pytest.mark.parametrize(
        "template",
        sorted(
            str(p.relative_to(TEMPLATES))
            for p in TEMPLATES.rglob("*.html")
            if p.relative_to(TEMPLATES).parts[0] not in THIRD_PARTY
        ),
    )
    def test_no_template_has_inline_script_or_style(self, template):
        assert not faults_in((TEMPLATES / template).read_text()), template


class TestThePages:
    @pytest.fixture
    def case(self, court, clerk, judge):
        return money_case(court, clerk, judge)

    @pytest.mark.parametrize(
        ("username", "paths"),
        [
            (
                "clerk",
                ["/", "/cases/", "/intake/new/", "/inbox/", "/cases/{pk}/", "/intake/cases/{pk}/filed/"],
            ),
            ("clerk", ["/intake/cases/{pk}/interview/"]),
            ("judge", ["/assignment/queue/", "/meet/slots/", "/custody/expiring/", "/cases/{pk}/"]),
            ("teamlead", ["/assignment/desk/"]),
            ("finance", ["/payments/desk/"]),
            ("supervisor", ["/alerts/", "/progress/throttled/", "/custody/lapsed/"]),
        ],
    )
    def test_staff_pages_send_a_strict_policy_and_hold_no_inline_code(
        self, client, case, clerk, judge, team_lead, finance, supervisor, username, paths
    ):
        client.force_login({u.username: u for u in [clerk, judge, team_lead, finance, supervisor]}[username])
        for path in paths:
            response = client.get(path.format(pk=case.pk))
            assert response.status_code == 200, path
            assert_strict(response)
            assert not faults_in(response.content.decode()), path

    def test_the_login_page_and_the_portal(self, client, court, clerk, team_lead, supervisor):
        world = make_world(court, clerk, team_lead, supervisor)
        for path in ["/accounts/login/", "/progress/"]:
            response = client.get(path)
            assert_strict(response)
            assert not faults_in(response.content.decode()), path
        details = {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code}
        response = client.post("/progress/", details, follow=True)
        assert world.case.number in response.content.decode()
        assert_strict(response)
        assert not faults_in(response.content.decode())  # the lead form's checkbox had a style attribute

    def test_a_printable_notice_styles_itself_with_the_requests_nonce(self, client, case, clerk):
        client.force_login(clerk)
        response = client.get(f"/intake/cases/{case.pk}/notices/acceptance/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<style nonce="{nonce_of(response, "style-src")}">' in html
        assert "data-print" in html and "/static/js/app.js" in html
        assert not faults_in(html)

    def test_each_response_has_its_own_nonce(self, client, case, clerk):
        client.force_login(clerk)
        url = f"/intake/cases/{case.pk}/notices/acceptance/"
        assert nonce_of(client.get(url), "style-src") != nonce_of(client.get(url), "style-src")

    def test_htmx_adds_no_inline_style(self, client, clerk):
        client.force_login(clerk)
        html = client.get("/").content.decode()
        assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html

    def test_the_error_pages(self, client, clerk, settings):
        settings.DEBUG = False  # django-csp leaves Django's debug pages alone
        client.force_login(clerk)
        for path, status in [("/cases/?q=%00", 400), ("/no-such-page/", 404)]:
            response = client.get(path)
            assert response.status_code == status
            assert_strict(response)
            assert not faults_in(response.content.decode())


class TestTheApi:
    def test_json_answers_keep_the_strict_policy(self, client, clerk):
        client.force_login(clerk)
        assert_strict(client.get("/api/v1/cases/"))

    def test_the_browsable_api_may_use_inline_styles_but_no_inline_scripts(self, client, clerk):
        client.force_login(clerk)
        response = client.get("/api/v1/cases/", HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html")
        found = policy(response)
        assert found["style-src"] == ["'self'", "'unsafe-inline'"]
        assert found["script-src"][0] == "'self'" and "'unsafe-inline'" not in found["script-src"]
        assert not INLINE_SCRIPT.search(response.content.decode())

    def test_swagger_ui_loads_its_start_up_script_from_the_same_address(self, client: Client, clerk):
        client.force_login(clerk)
        response = client.get("/api/docs/")
        assert response.status_code == 200
        found = policy(response)
        assert found["style-src"] == ["'self'", "'unsafe-inline'"]
        assert "'unsafe-inline'" not in found["script-src"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html)
        script = client.get("/api/docs/?script=")
        assert script.status_code == 200
        assert script["Content-Type"].startswith("application/javascript")
        assert "SwaggerUIBundle" in script.content.decode()

    def test_redoc_gets_its_worker_and_fetches_nothing_from_outside(self, client, clerk):
        client.force_login(clerk)
        response = client.get("/api/redoc/")
        found = policy(response)
        assert found["worker-src"] == ["'self'", "blob:"]
        assert found["style-src"] == ["'self'", "'unsafe-inline'"]
        html = response.content.decode()
        assert "fonts.googleapis.com" not in html and "<redoc spec-url=" in html
