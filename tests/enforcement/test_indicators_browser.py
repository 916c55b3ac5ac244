"""End to end in Chromium (issue 15): a supervisor opens the indicators from his home page, sees the trend
charts drawn, follows a figure to the cases behind it and exports that list as xlsx."""

import io
from pathlib import Path

import openpyxl
import pytest
import time_machine
from playwright.sync_api import Page, expect

from enforcement.indicators.compute import compute_indicators
from tests.browser import log_in
from tests.indicators import at, closed_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_follows_a_figure_to_its_cases_and_exports_them(
    page: Page, live_server, court, supervisor
):
    with time_machine.travel(at("2026-11-28"), tick=True):
        for i in range(4):
            closed_case(
                court,
                filed="2026-06-01",
                closed=f"2026-11-0{i + 1}",
                closure="performed" if i else "dismissed",
            )
        closed_case(court, filed="2026-06-01", closed="2026-10-10")
        compute_indicators(court_ids=[court.pk])
        page.set_viewport_size({"width": 1366, "height": 900})
        log_in(page, live_server.url, "supervisor")
        expect(page.locator("#indicator-headlines")).to_be_visible()
        page.click("#indicators-link-home")
        expect(page.locator("#computed-at")).to_be_visible()
        # ECharts drew the trend of every indicator shown (the vendored file, allowed by the CSP).
        expect(page.locator('[data-trend="actual_enforcement"] svg')).to_have_count(1)

        page.click("#indicator-actual_enforcement a.figure-link")
        expect(page.locator("#case-count")).to_contain_text("3")
        assert page.locator("#figure-cases tbody tr").count() == 3

        with page.expect_download() as download_info:
            page.click("#export-cases")
        download = download_info.value
        assert download.suggested_filename.endswith(".xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(numbers) == 3 and all(str(n).startswith("（2026）") for n in numbers)
