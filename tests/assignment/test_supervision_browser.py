"""In Chromium: the team lead rebalances from the workload page; finance follows a money-ageing figure to
its cases; the forecast reads on a phone. Each page fits a 390 px wide screen without sideways scrolling of
the page itself (wide tables scroll in their own box). ``SHOTS=dir`` keeps screenshots at 1366 and 390 px."""

import datetime
import os

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcement.models import Case, Deadline, TeamMembership
from enforcement.services.deadlines import open_deadline
from tests.assignment.test_workload import make_team, member
from tests.browser import log_in
from tests.factories import UserFactory
from tests.money import money_case, pay_in
from tests.pool import FILED, filed_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(page: Page, url: str, name: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width} px"
        if shots := os.environ.get("SHOTS"):
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    if shots := os.environ.get("SHOTS"):
        page.emulate_media(media="print")
        page.screenshot(path=f"{shots}/{name}-print.png", full_page=True)
        page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_lead_rebalances_finance_follows_money_ageing(
    page: Page, live_server, court, clerk, judge, team_lead, finance
):
    with time_machine.travel(FILED, tick=False):
        quick = make_team(court, "速执团队")
        make_team(court, "普执一队", "ordinary")
        member(quick, judge, capacity=2)
        member(quick, team_lead, TeamMembership.Role.LEAD)
        judge2 = UserFactory(username="judge2", first_name="李法官", roles=["judge"], courts=[court])
        member(quick, judge2)
        cases = [filed_case(court, clerk, team_lead, judge) for _ in range(3)]
    limit = Deadline.objects.filter(case=cases[0], node_type__code="case_limit").first() or open_deadline(
        case=cases[0], code="case_limit", anchor_at=FILED
    )
    Deadline.objects.filter(pk=limit.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=12))

    log_in(page, live_server.url, "teamlead")
    look(page, f"{live_server.url}/assignment/workload/", "workload")
    page.goto(f"{live_server.url}/assignment/workload/")
    expect(page.locator(f"#judge-{quick.pk}-{judge.pk}")).to_contain_text("3 / 2 (150%)")
    page.locator(f"#judge-{quick.pk}-{judge.pk} a").click()
    page.check(f"#pick-{cases[0].pk}")
    page.check(f"#pick-{cases[1].pk}")
    page.select_option("#rebalance-form select[name=judge]", str(judge2.pk))
    page.fill("#rebalance-form textarea[name=reason]", "超出容量，均衡分配")
    page.click("#rebalance-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("2")
    assert Case.objects.filter(responsible_judge=judge2).count() == 2
    look(
        page,
        f"{live_server.url}/assignment/workload/?team={quick.pk}&judge={judge2.pk}",
        "workload-rebalance",
    )
    look(page, f"{live_server.url}/assignment/forecast/?horizon=60", "forecast")

    held = money_case(court, clerk, judge)
    pay_in(held, "1200.00", booked_at=timezone.now() - datetime.timedelta(days=12))
    log_in(page, live_server.url, "finance")
    look(page, f"{live_server.url}/payments/ageing/", "ageing")
    page.goto(f"{live_server.url}/payments/ageing/")
    page.locator("#ageing-judge-table td[data-bucket=d15] a").first.click()
    expect(page.locator("#ageing-case-table")).to_contain_text(held.number)
    look(page, page.url, "ageing-cases")
