"""The lobby screen in Chromium: on a 1920×1080 LED, a 1366 screen and a 390 px phone it fits the window,
shows no identity number or phone, moves to the next page by itself (static/js/lobby.js, under the
Content-Security-Policy) without a console error, and empties when the court turns its screen off.

Screenshots go to ``$LOBBY_SCREENSHOTS`` when it is set (to look at them), else to the test's tmp_path.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcement.models import Party
from portal.models import Appointment, AppointmentSlot, LobbyScreen
from tests.factories import CaseFactory, PartyFactory, UserFactory, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"led": (1920, 1080), "laptop": (1366, 768), "phone": (390, 844)}
MOBILE = "13912345678"


def build_court(court) -> None:
    LobbyScreen.objects.create(
        court=court, enabled=True, rows_per_page=10, seconds_per_page=5, opening_hours="周一至周五 8:30–17:30"
    )
    judges = [UserFactory(first_name=first, last_name=last) for first, last in (("芳", "王"), ("建国", "李"))]
    names = ["张三丰", "欧阳娜娜", "刘备", "赵云", "诸葛亮", "孙权"]
    names += ["周瑜", "黄忠", "马超", "关羽", "张飞", "曹操"]
    day = timezone.localdate()
    for n, name in enumerate(names, start=1):
        case = CaseFactory(court=court, seq=20 + n, responsible_judge=judges[n % 2] if n % 4 else None)
        applicant = PartyFactory(
            case=case, name=name, id_number=resident_id(n), phone=MOBILE, address="海勃湾区滨河路88号"
        )
        PartyFactory(
            case=case,
            role=Party.Role.RESPONDENT,
            kind=Party.Kind.ORGANISATION,
            name=f"乌海市第{n}建筑工程有限责任公司",
            id_type=Party.IdType.USCC,
            id_number=f"91150302MA0{n:07d}",
            phone="0473-6998877",
        )
        if n <= 6:
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + n, 0)))
            slot = AppointmentSlot.objects.create(
                judge=judges[n % 2],
                court=court,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=30),
                place=f"执行事务中心{n}号接待室",
            )
            Appointment.objects.create(slot=slot, case=case, party=applicant)


def shots_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("LOBBY_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_the_lobby_screen_fits_each_screen_and_turns_its_pages(page: Page, live_server, court, tmp_path):
    build_court(court)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    url = f"{live_server.url}/lobby/{court.code}/"
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        expect(page.locator(".lobby-cases tbody tr")).to_have_count(10)
        expect(page.locator(".lobby-phone")).to_contain_text(court.service_phone)
        body = page.locator("body").inner_text()
        assert "张某" in body
        assert "张三丰" not in body
        assert MOBILE not in body
        assert not re.search(r"\d{17}[\dX]", body)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        if name != "phone":  # the whole board fits the screen: nothing to scroll on an LED
            page.screenshot(path=str(shots_dir(tmp_path) / f"lobby-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollHeight") <= height, name
            size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert size >= (24 if name == "led" else 16), f"{name}: {size}px is too small to read"
        page.screenshot(path=str(shots_dir(tmp_path) / f"lobby-{name}.png"), full_page=True)

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(url)
    expect(page.locator(".lobby-page")).to_contain_text(re.compile(r"\b1\D+2\b"))
    # After seconds_per_page (5) the script swaps in page 2, and then page 1 again.
    expect(page.locator(".lobby-page")).to_contain_text(re.compile(r"\b2\D+2\b"), timeout=9000)
    expect(page.locator(".lobby-cases tbody tr")).to_have_count(2)
    expect(page.locator(".lobby-page")).to_contain_text(re.compile(r"\b1\D+2\b"), timeout=9000)
    # Turned off in the admin: the board empties at the next turn (nothing stale stays in the hall), and
    # comes back by itself when the screen is on again.
    LobbyScreen.objects.filter(court=court).update(enabled=False)
    expect(page.locator(".lobby-cases")).to_have_count(0, timeout=9000)
    LobbyScreen.objects.filter(court=court).update(enabled=True)
    expect(page.locator(".lobby-cases")).to_have_count(1, timeout=9000)
    assert [e for e in errors if "404" not in e] == []  # the console reports the 404 it was answered
