"""End to end in Chromium: a team lead triages and assigns a new case; the judge finds it atop his queue."""

import pytest
from playwright.sync_api import Page, expect

from assignment import services
from enforcement.models import Case, Team, TeamKind, TeamMembership
from intake import services as intake
from tests.browser import log_in
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_lead_triages_and_assigns_a_new_case_and_the_judge_finds_it_on_top_of_his_queue(
    page: Page, live_server, court, clerk, judge
):
    lead = UserFactory(username="lead", roles=["team_lead"], courts=[court])
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=team, user=lead, role="lead")
    TeamMembership.objects.create(team=team, user=judge, role="judge", capacity=10)
    # The judge already works a case whose short clocks are all met (the online search's three working
    # days can end on the day the new case's notice clock rolls to): only its six-month limit runs.
    older = intake.file_case(actor=clerk, application=application(court, 1)).case
    services.assign_case(actor=lead, case=older)
    for step in (
        services.Step.NOTICE_SERVED,
        services.Step.REPORT_ORDER_SERVED,
        services.Step.LEADS_REQUESTED,
        services.Step.ONLINE_SEARCH_STARTED,
    ):
        services.record_step(actor=judge, case=older, step=step)
    new = intake.file_case(actor=clerk, application=application(court, 2)).case

    log_in(page, live_server.url, "lead")
    page.click("#desk-link")
    row = page.locator(f"#desk-case-{new.pk}")
    expect(row).to_contain_text(new.number)
    row.locator("form[action$='/triage/'] button").click()
    expect(page.locator(f"#desk-case-{new.pk} .decision")).to_contain_text("执行标的额在5万元以下")
    page.locator(f"#desk-case-{new.pk} .assign-by-load").click()
    expect(page.locator(f"#desk-case-{new.pk}")).to_have_count(0)
    new.refresh_from_db()
    assert (new.stream, new.responsible_judge) == (Case.Stream.SIMPLE, judge)

    log_in(page, live_server.url, "judge")
    page.click("#queue-link")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(new.number)
    expect(rows.nth(1)).to_contain_text(older.number)
    rows.first.locator("a").click()
    expect(page.locator("#assignment-panel")).to_contain_text("速执团队")
