"""On a phone-sized window in Chromium: a party checks his case's progress, books a time with the judge
and reports a property lead; the judge then sees the booking on his home page and the lead on the case."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from intake import services as intake_services
from portal.models import AppointmentSlot, PartyMessage
from tests.browser import log_in
from tests.intake.test_case_numbers import application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_party_queries_books_and_reports_a_lead_and_the_judge_sees_both(
    page: Page, live_server, court, clerk, judge
):
    filed = intake_services.file_case(actor=clerk, application=application(court, 8801))
    case = filed.case
    case.responsible_judge = judge
    case.save(update_fields=["responsible_judge"])
    applicant = case.applicants()[0]
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    start = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
    AppointmentSlot.objects.create(
        judge=judge,
        court=court,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
        place="执行事务中心3号接待室",
    )

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/progress/")
    page.fill("input[name=number]", case.number)
    page.fill("input[name=id_number]", applicant.id_number)
    page.fill("input[name=query_code]", filed.query_code)
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text(case.number)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.fill("#book-form input[name=topic]", "了解执行进度")
    page.click("#book-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("执行事务中心3号接待室")
    expect(page.locator("#cancel-appointment")).to_be_visible()

    page.select_option("#lead-form select[name=kind]", "vehicle")
    page.fill("#lead-form textarea[name=detail]", "被执行人名下蒙C·12345小型轿车，停放于海勃湾区某小区")
    page.click("#lead-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("蒙C·12345")

    page.fill("#message-form textarea[name=body]", "请问什么时候能拿到执行款？")
    page.click("#message-form button[type=submit]")
    expect(page.locator("#message-thread")).to_contain_text("请问什么时候能拿到执行款")

    log_in(page, live_server.url, "judge")
    page.goto(f"{live_server.url}/")
    expect(page.locator("body")).to_contain_text(case.number)
    expect(page.locator("body")).to_contain_text("执行事务中心3号接待室")
    # The case page shows the message, then marks it read by a POST of its own (the GET writes nothing).
    with page.expect_response(lambda r: r.url.endswith(f"/meet/cases/{case.pk}/messages/read/")) as read:
        page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert read.value.status == 204
    expect(page.locator("body")).to_contain_text("蒙C·12345")
    expect(page.locator("#party-panel")).to_contain_text("请问什么时候能拿到执行款")
    assert PartyMessage.objects.get(case=case).read_at is not None
