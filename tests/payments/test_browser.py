"""End to end in Chromium: the judge proposes a payout on the case page, the team lead approves it on the
finance desk, finance marks it paid there, and the case page shows the money gone out."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from payments.models import Payout
from tests.browser import log_in
from tests.money import money_case, pay_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_payout_is_proposed_approved_and_paid_and_the_case_page_shows_it(
    page: Page, live_server, court, clerk, judge, team_lead, finance
):
    case = money_case(court, clerk, judge)
    pay_in(case, "1000.00")
    applicant = case.applicants()[0]
    case_page = f"{live_server.url}/cases/{case.pk}/"

    log_in(page, live_server.url, "judge")
    page.goto(case_page)
    expect(page.locator("#money-balance")).to_have_text("¥1,000.00")
    page.fill(f"#propose-form input[name=amount_{applicant.pk}]", "600.00")
    page.fill("#propose-form textarea[name=reason]", "首笔执行款发放")
    page.click("#propose-form button[type=submit]")
    expect(page.locator("#money-available")).to_have_text("¥400.00")
    payout = Payout.objects.get(case=case)
    expect(page.locator(f"#payout-{payout.pk} .badge.payout-proposed")).to_be_visible()
    expect(page.locator(f"#payout-{payout.pk} .decide-payout")).to_have_count(0)  # not his to approve

    log_in(page, live_server.url, "teamlead")
    page.click("#finance-desk-link")
    row = page.locator(f"#approve-payout-{payout.pk}")
    expect(row).to_contain_text(case.number)
    expect(row).to_contain_text("600.00")
    row.locator("button.approve").click()
    expect(page.locator(f"#approve-payout-{payout.pk}")).to_have_count(0)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.APPROVED and payout.decided_by == team_lead

    log_in(page, live_server.url, "finance")
    page.click("#finance-desk-link")
    row = page.locator(f"#pay-payout-{payout.pk}")
    expect(row).to_contain_text(applicant.name)
    row.locator("input[name=bank_reference]").fill("BOC20261122001")
    row.locator(".mark-paid button").click()
    expect(page.locator(f"#pay-payout-{payout.pk}")).to_have_count(0)

    page.goto(case_page)
    expect(page.locator("#money-balance")).to_have_text("¥400.00")
    expect(page.locator(f"#payout-{payout.pk} .badge.payout-paid")).to_be_visible()
    expect(page.locator(f"#payout-{payout.pk}")).to_contain_text("BOC20261122001")
    payout.refresh_from_db()
    case.account.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert case.account.balance == Decimal("400.00")
