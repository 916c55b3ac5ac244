"""End to end in Chromium (issue 14): a judge takes a case to 终本, the supervisor approves it, and the first
re-search falls due.

The judge sees on the closing page which of the law's conditions still lack their evidence, records the
applicant's interview there and proposes 终本; he cannot approve it himself. The supervisor finds it in his
review queue and approves it (the quality review), confirming what the closure does besides (the pool's
ten re-searches). Six months later the first re-search is due: the scan alerts the judge, and the pool page
lists the round as overdue. The clock is moved with time-machine, which the live server shares.
"""

import datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from enforcement.models import Alert, Case, ClosureProposal
from enforcement.scan import scan_deadlines
from tests.browser import log_in
from tests.closing import meet_terminate_round_conditions
from tests.custody.test_services import START, at, file_assigned, make_teams

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_judge_takes_a_case_to_termination_the_supervisor_approves_and_the_re_search_falls_due(
    page: Page, live_server, court, clerk, team_lead, judge, supervisor
):
    with time_machine.travel(START, tick=False):
        make_teams(court, judge, team_lead)
        case = file_assigned(court, clerk, team_lead, judge)
        meet_terminate_round_conditions(case, judge, skip=frozenset({"applicant_interviewed"}))
    page.set_viewport_size({"width": 1366, "height": 900})

    with time_machine.travel(at(2026, 6, 5), tick=True):
        log_in(page, live_server.url, "judge")
        page.goto(f"{live_server.url}/cases/{case.pk}/close/")
        interview_line = page.locator('.checklist-line[data-kind="applicant_interviewed"]')
        expect(interview_line).to_have_class("checklist-line unmet")
        expect(page.locator("#closure-earliest")).to_contain_text("2026-06-03")

        page.click("#record-interview-link")
        page.fill("#id_measures_told", "网络查控两次；对被执行人限制消费。")
        page.fill("#id_property_told", "未发现可供执行的财产。")
        page.fill("#id_consequences_told", "终本后每六个月查控一次，发现财产可申请恢复执行。")
        page.fill("#id_applicant_view", "同意终结本次执行程序。")
        page.click("#closure-interview-form button[type=submit]")
        expect(page.locator('.checklist-line[data-kind="applicant_interviewed"]')).to_have_class(
            "checklist-line met"
        )
        assert page.locator(".checklist-line.unmet").count() == 0

        page.select_option("#id_closure", Case.Closure.TERMINATED_THIS_ROUND)
        page.fill("#id_ruling_number", "（2026）蒙0302执8100号之一")
        page.click("#closure-form button[type=submit]")
        expect(page.locator("#closure-proposal")).to_be_visible()
        expect(page.locator("#closure-review-form")).to_have_count(0)  # never his own approval

        log_in(page, live_server.url, "supervisor")
        page.click("#closure-reviews-link")
        page.click(f"#closure-review-list a[href='/cases/{case.pk}/close/#closure-proposal']")
        page.select_option("#closure-review-form select[name=decision]", "approve")
        page.fill("#closure-review-form textarea[name=note]", "经审查，符合终本条件。")
        page.check("#closure-review-form input[name=confirm_steps]")
        page.click("#closure-review-form button[type=submit]")
        expect(page.locator("#case-closure-line")).to_be_visible()

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure == Case.Closure.TERMINATED_THIS_ROUND
    review = ClosureProposal.objects.get(case=case)
    assert review.status == ClosureProposal.Status.APPROVED and review.decided_by == supervisor

    # Round 1 is due six months after the closure (2026-12-05, a Saturday: the next Monday, 12-07).
    with time_machine.travel(at(2026, 12, 8), tick=True):
        scan_deadlines()
        alert = Alert.objects.get(
            case=case, deadline__node_type__code="pool_research", level=Alert.Level.OVERDUE
        )
        assert alert.deadline.due_date == datetime.date(2026, 12, 7)
        log_in(page, live_server.url, "judge")
        page.goto(f"{live_server.url}/assignment/pool/")
        expect(page.locator("#pool-overdue")).to_contain_text(case.number)
