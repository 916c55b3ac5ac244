"""End to end in Chromium: the judge records an online search and a bank's reply on the case page, takes a
freeze on the deposit it found with one action, renews it; proposes a detention, which the president
approves on the same page; the supervisors' page shows the person in custody."""

import re

import pytest
from playwright.sync_api import Page, expect

from custody.models import Detention, Measure, SearchInquiry
from tests.browser import log_in
from tests.custody.test_services import file_assigned, make_teams

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_reply_measure_from_the_asset_renewal_and_a_detention(
    page: Page, live_server, court, clerk, judge, team_lead, president, supervisor
):
    make_teams(court, judge, team_lead)
    case = file_assigned(court, clerk, team_lead, judge)
    case_page = f"{live_server.url}/cases/{case.pk}/"

    log_in(page, live_server.url, "judge")
    page.goto(case_page + "?custody=searches")
    form = page.locator("#search-form")
    form.locator("select[name=kind_0]").select_option("bank")
    form.locator("input[name=name_0]").fill("中国工商银行乌海分行")
    form.locator("select[name=kind_1]").select_option("real_estate")
    form.locator("input[name=name_1]").fill("乌海市不动产登记中心")
    form.locator("button[type=submit]").click()
    bank = SearchInquiry.objects.get(institution="中国工商银行乌海分行")
    expect(page.locator(f"#inquiry-{bank.pk}")).to_be_visible()

    page.locator(f"#reply-{bank.pk} summary").click()
    reply = page.locator(f"#reply-{bank.pk} form")
    reply.locator("select[name=asset_kind_0]").select_option("deposit")
    reply.locator("input[name=asset_description_0]").fill("活期存款账户")
    reply.locator("input[name=asset_reference_0]").fill("6222020603000123456")
    reply.locator("input[name=asset_amount_0]").fill("48200.00")
    reply.locator("button[type=submit]").click()
    asset = bank.assets.get()
    expect(page.locator(f"#asset-{asset.pk}")).to_contain_text("活期存款账户")

    page.locator(f"#asset-{asset.pk} a.take-from-asset").click()
    measure_form = page.locator("#measure-form")
    expect(measure_form.locator("input[name=asset]")).to_have_value("活期存款账户")
    measure_form.locator("input[name=ruling_number]").fill("（2026）蒙0302执1号之一")
    measure_form.locator("input[name=term_months]").fill("13")  # over the 12-month maximum
    measure_form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(re.compile("at most 12 months|最长为12个月"))
    assert not Measure.objects.exists()

    page.goto(f"{case_page}?custody=measures&from_asset={asset.pk}#take-measure")  # the link's address
    measure_form = page.locator("#measure-form")
    measure_form.locator("input[name=ruling_number]").fill("（2026）蒙0302执1号之一")
    measure_form.locator("input[name=term_months]").fill("6")
    measure_form.locator("button[type=submit]").click()
    measure = Measure.objects.get()
    assert measure.source == asset and measure.terms.count() == 1
    row = page.locator(f"#measure-{measure.pk}")
    expect(row).to_contain_text("活期存款账户")

    row.locator("details:has(form[action$='/renew/']) summary").click()
    row.locator("form[action$='/renew/'] input[name=ruling_number]").fill("（2026）蒙0302执1号之二")
    row.locator("form[action$='/renew/'] button[type=submit]").click()
    expect(page.locator(f"#measure-{measure.pk}")).to_contain_text("（2026）蒙0302执1号之二")
    assert measure.terms.count() == 2

    page.goto(case_page + "?custody=detentions")
    page.locator("#propose-detention > summary").click()
    detention_form = page.locator("#detention-form")
    detention_form.locator("input[name=person_name]").fill("欧阳娜娜")
    detention_form.locator("textarea[name=reason]").fill("拒不报告财产")
    detention_form.locator("input[name=decision_number]").fill("（2026）蒙0302司惩1号")
    detention_form.locator("input[name=days]").fill("15")
    detention_form.locator("button[type=submit]").click()
    detention = Detention.objects.get()
    expect(page.locator(f"#detention-{detention.pk}")).to_be_visible()
    expect(page.locator(f"#detention-{detention.pk} form[action$='/decide/']")).to_have_count(0)

    log_in(page, live_server.url, "president")
    page.goto(case_page)  # with something to decide, the detentions tab opens by itself
    decide = page.locator(f"#detention-{detention.pk} form[action$='/decide/']")
    expect(decide).to_be_visible()
    decide.locator("button.approve").click()
    detention.refresh_from_db()
    assert detention.status == Detention.Status.APPROVED and detention.decided_by == president

    log_in(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/alerts/")
    expect(page.locator("#supervision-in-custody")).to_contain_text("欧阳娜娜")
