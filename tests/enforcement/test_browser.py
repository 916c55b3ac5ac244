"""End to end in Chromium: a clerk logs in, files a case with two applicants, sees its number and notice."""

import re

import pytest
from playwright.sync_api import Page, expect

from enforcement.models import Case
from tests.browser import log_in
from tests.factories import resident_id, uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_party(page: Page, prefix: str, index: int, *, kind: str, name: str, id_number: str) -> None:
    page.select_option(f"#id_{prefix}-{index}-kind", kind)
    page.fill(f"#id_{prefix}-{index}-name", name)
    page.fill(f"#id_{prefix}-{index}-id_number", id_number)


def test_a_clerk_files_a_case_with_two_applicants_and_sees_its_number_and_notice(
    page: Page, live_server, clerk
):
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/intake/new/")
    fill_party(page, "applicants", 0, kind="person", name="张三", id_number=resident_id(11))
    page.click("[data-add-row=applicants]")
    fill_party(page, "applicants", 1, kind="person", name="李四", id_number=resident_id(12))
    fill_party(page, "respondents", 0, kind="organisation", name="乌海市某某建材有限公司", id_number=uscc(13))
    page.fill("#id_title_court_name", "乌海市海勃湾区人民法院")
    page.fill("#id_title_case_number", "(2026)蒙0302民初321号")
    page.fill("#id_title_effective_date", "2026-09-01")
    page.select_option("#id_claim_kind", "money")
    page.fill("#id_claim_amount", "86000.00")
    page.check("input[name=materials][value=application]")
    page.click("#file-case")

    number = page.locator("#case-number")
    expect(number).to_have_text(re.compile(r"^（\d{4}）蒙0302执1号$"))
    code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", code)
    case = Case.objects.get()
    assert [p.name for p in case.applicants()] == ["张三", "李四"]

    page.click("#acceptance-notice")
    expect(page.locator("body")).to_contain_text(case.number)
    expect(page.locator("body")).to_contain_text("张三")
    expect(page.locator("body")).to_contain_text("李四")
    expect(page.locator("body")).to_contain_text(code)


def test_a_bad_identity_number_is_shown_next_to_the_field_and_nothing_is_lost(page: Page, live_server, clerk):
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/intake/new/")
    fill_party(page, "applicants", 0, kind="person", name="王五", id_number="110105194912310021")
    fill_party(page, "respondents", 0, kind="person", name="赵六", id_number="")
    page.fill("#id_title_court_name", "乌海市海勃湾区人民法院")
    page.fill("#id_title_case_number", "(2026)蒙0302民初322号")
    page.fill("#id_title_effective_date", "2026-09-01")
    page.fill("#id_claim_amount", "1000")
    page.click("#file-case")
    expect(page.locator("[role=alert]").first).to_be_visible()
    expect(page.locator("#id_applicants-0-name")).to_have_value("王五")
    assert not Case.objects.exists()
