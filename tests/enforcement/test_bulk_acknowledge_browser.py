"""In Chromium: a supervisor ticks alerts on /alerts/ and acknowledges them with one comment; the page
is looked at on a desktop and on a phone (screenshots in the temporary directory)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcement.models import Alert
from enforcement.scan import scan_deadlines
from tests.browser import log_in
from tests.enforcement.test_notifications import file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_acknowledges_two_ticked_alerts_with_one_comment(
    page: Page, live_server, court, clerk, supervisor, tmp_path
):
    for n in range(1, 4):
        file(court, clerk, n)
    scan_deadlines(now=timezone.now() + datetime.timedelta(days=14))
    log_in(page, live_server.url, supervisor.username)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/alerts/")
        page.screenshot(path=str(tmp_path / f"alerts-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    boxes = page.locator("input[type=checkbox][form=bulk-ack]")
    expect(boxes).to_have_count(3)
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#bulk-ack input[name=comment]", "已督促承办人")
    page.click("#bulk-ack button[value=selected]")
    expect(page.locator("body")).to_contain_text("2")
    assert Alert.objects.filter(acknowledgement="已督促承办人").count() == 2
    expect(page.locator("input[type=checkbox][form=bulk-ack]")).to_have_count(1)
    print(tmp_path)  # where the screenshots are
