"""In Chromium, under the Content-Security-Policy: the main pages of every role raise no violation.

Chromium reports each blocked script, style or resource on the console ("Refused to ... because it
violates the following Content Security Policy directive") and as a ``securitypolicyviolation`` event;
both are collected, and any one of them fails the test. The pages are also used (the language menu,
a confirmation, htmx) to show that what used to be inline still works.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from enforcement.models import Case
from tests.browser import log_in
from tests.factories import UserFactory
from tests.money import money_case
from tests.portal.test_progress import APPLICANT_ID, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run before the page's own and are not subject to its policy.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const what = e.blockedURI || "inline";
  window.__cspViolations.push(`${e.violatedDirective} blocked ${what} on ${e.documentURI}`);
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        # Substrings of violations the policy is meant to cause (outside addresses a bundle reaches for).
        self.blocked_on_purpose: tuple[str, ...] = ()
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{message.text} ({self.page.url})")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 500, url
        assert "content-security-policy" in response.headers, url  # Playwright's names are lower case
        self.page.wait_for_load_state("networkidle")
        self.check()

    def _on_purpose(self, violation: str) -> bool:
        return any(part in violation for part in self.blocked_on_purpose)

    def check(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        found = [text for text in [*self.console, *events] if not self._on_purpose(text)]
        self.console.clear()
        assert not found, "\n".join(found)


@pytest.fixture
def violations(page: Page) -> Iterator[Violations]:
    collected = Violations(page)
    yield collected
    collected.check()


@pytest.fixture
def world(court, clerk, judge, team_lead, supervisor):
    money = money_case(court, clerk, judge)
    progress = make_world(court, clerk, team_lead, supervisor)
    return {"money": money, "progress": progress}


STAFF_PAGES = {
    "clerk": ["/", "/cases/", "/intake/new/", "/inbox/"],
    "judge": ["/", "/assignment/queue/", "/meet/slots/", "/custody/expiring/"],
    "teamlead": ["/assignment/desk/", "/assignment/queue/"],
    "finance": ["/payments/desk/"],
    "supervisor": ["/alerts/", "/progress/throttled/", "/custody/lapsed/"],
}


def test_the_main_pages_of_every_role_raise_no_violation(
    page: Page, live_server, violations, world, clerk, judge, team_lead, finance, supervisor
):
    case = world["money"]
    violations.visit(f"{live_server.url}/accounts/login/")
    for username, paths in STAFF_PAGES.items():
        log_in(page, live_server.url, username)
        for path in paths:
            violations.visit(f"{live_server.url}{path}")
        violations.visit(f"{live_server.url}/cases/{case.pk}/")
    log_in(page, live_server.url, "clerk")
    for path in [f"/intake/cases/{case.pk}/filed/", f"/intake/cases/{case.pk}/interview/"]:
        violations.visit(f"{live_server.url}{path}")
    for link in page.locator("a[href*='/notices/']").all():
        href = link.get_attribute("href")
        if href and not href.endswith("/pdf/"):
            violations.visit(f"{live_server.url}{href}")
            expect(page.locator("[data-print]")).to_be_visible()


def test_the_error_pages_raise_no_violation(page: Page, live_server, violations, clerk, settings):
    settings.DEBUG = False  # django-csp leaves Django's debug 404 page alone
    log_in(page, live_server.url, "clerk")
    violations.visit(f"{live_server.url}/cases/?q=%00")
    expect(page.locator("main.error-page h1")).to_be_visible()
    violations.visit(f"{live_server.url}/no-such-page/")


def test_the_portal_raises_no_violation(page: Page, live_server, violations, world):
    progress = world["progress"]
    violations.visit(f"{live_server.url}/progress/")
    page.fill("input[name=number]", progress.case.number)
    page.fill("input[name=id_number]", APPLICANT_ID)
    page.fill("input[name=query_code]", progress.code)
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text(progress.case.number)
    page.wait_for_load_state("networkidle")
    violations.check()


def test_the_admin_raises_no_violation(page: Page, live_server, violations, court):
    UserFactory(username="admin", is_staff=True, is_superuser=True, courts=[court])
    log_in(page, live_server.url, "admin")
    for path in ["/admin/", "/admin/enforcement/case/", "/admin/enforcement/case/add/", "/admin/auth/user/"]:
        violations.visit(f"{live_server.url}{path}")


def test_the_api_docs_work_under_their_own_policy(page: Page, live_server, violations, clerk):
    log_in(page, live_server.url, "clerk")
    violations.visit(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Enforcement service center API")
    # ReDoc's footer shows its logo from its makers' CDN: outside the court's network, blocked on purpose.
    violations.blocked_on_purpose = ("https://cdn.redoc.ly/",)
    violations.visit(f"{live_server.url}/api/redoc/")
    expect(page.locator("h1").first).to_contain_text("Enforcement service center API")
    violations.visit(f"{live_server.url}/api/v1/cases/")  # the browsable API


def test_what_was_inline_script_still_works(page: Page, live_server, violations, world, clerk):
    case: Case = world["money"]
    log_in(page, live_server.url, "clerk")
    violations.visit(f"{live_server.url}/cases/")
    # The language menu sends its form when the choice changes (it was an inline onchange).
    page.select_option("#language-switcher select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # A confirmation that is refused sends nothing, and one accepted sends the form (an inline onsubmit).
    violations.visit(f"{live_server.url}/cases/{case.pk}/")
    reissue = page.locator(f"form[data-confirm][action='/intake/cases/{case.pk}/query-code/'] button")
    before = case.query_code_hash
    page.once("dialog", lambda dialog: dialog.dismiss())
    reissue.click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.query_code_hash == before
    page.once("dialog", lambda dialog: dialog.accept())
    reissue.click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.query_code_hash != before
    violations.check()
