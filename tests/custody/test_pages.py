"""Pages of custody: the custody panel of the case page (searches, measures, detentions and fines), its
actions, the court-wide lists of expiring and lapsed measures, and the section of the supervisors' page.

Every action goes through its page by real HTTP, by persona; the wrong persona gets a 403, a 404 or a
refusal in words, bad input an error message, and nothing changes; never a 500.
"""

import datetime
import itertools
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assignment import services as assignment
from assignment.models import CasePlan
from custody import services
from custody.models import (
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    Measure,
    MeasureTerm,
    PropertySearch,
    SearchInquiry,
)
from enforcement.models import Case, CaseEvent, Court, Team, TeamKind, TeamMembership
from enforcement.people import display_name
from intake import services as intake
from payments.models import LedgerEntry
from tests.factories import CourtAccountFactory, UserFactory
from tests.intake.test_case_numbers import application
from tests.money import pay_in

pytestmark = pytest.mark.django_db

_numbers = itertools.count(9100)
BANK = "中国工商银行乌海分行"
ACCOUNT = "6222020000001234567"
RULING = "（2026）蒙0302执100号之一"
DECISION = "（2026）蒙0302司惩1号"
EXPIRING = "/custody/expiring/"
LAPSED = "/custody/lapsed/"


def term_end(starts_after: datetime.date, months: int) -> datetime.date:
    """Where a term ends, worked out here independently of the engine (same day, N months on)."""
    return starts_after + relativedelta(months=months)


# --- Data and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def team(court, judge, team_lead):
    quick = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=quick, user=judge, role=TeamMembership.Role.JUDGE)
    TeamMembership.objects.create(team=quick, user=team_lead, role=TeamMembership.Role.LEAD)
    Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队")
    return quick


@pytest.fixture
def assistant(court, team):
    user = UserFactory(username="assistant", roles=["assistant"], courts=[court])
    TeamMembership.objects.create(team=team, user=user, role=TeamMembership.Role.ASSISTANT)
    return user


def filed(court: Court, clerk: User, team_lead: User, judge: User, *, complex_stream: bool = False) -> Case:
    """A case filed now (with its account), triaged and assigned by hand to ``judge``: a claim of 1,000
    yuan goes to the simple stream, one of 90,000 to the complex stream."""
    CourtAccountFactory(court=court)
    claim = Decimal("90000.00") if complex_stream else Decimal("1000.00")
    result = intake.file_case(actor=clerk, application=application(court, next(_numbers), claim_amount=claim))
    assignment.assign_case(actor=team_lead, case=result.case, judge=judge)
    return Case.objects.get(pk=result.case.pk)


@pytest.fixture
def case(court, clerk, team_lead, judge, team):
    return filed(court, clerk, team_lead, judge)


def as_user(client, user):
    """Signed in, and reading English: the assertions on messages do not depend on the catalogue."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def case_url(case: Case, **params: Any) -> str:
    url = reverse("case-detail", args=[case.pk])
    return f"{url}?{urlencode(params)}" if params else url


def page(client, user, case: Case, **params: Any) -> str:
    response = as_user(client, user).get(case_url(case, **params))
    assert response.status_code == 200
    return response.content.decode()


def post(client, user, url: str, data: dict[str, Any] | None = None):
    response = as_user(client, user).post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def local_minute(moment: datetime.datetime) -> str:
    """A moment as the browser's date-and-time picker sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def measure_data(kind: str = "freeze_deposit", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": kind,
        "asset": "银行存款",
        "asset_reference": ACCOUNT,
        "holder_kind": "bank",
        "holder": BANK,
        "amount": "50000.00",
        "ruling_number": RULING,
        "effective_on": timezone.localdate().isoformat(),
        "rank": "first",
        "preceded_by": "",
        "term_months": "",
    }
    data.update(overrides)
    return data


def take(judge: User, case: Case, kind: str = "freeze_deposit", **overrides: Any) -> Measure:
    """A measure written through the service (for tests of what the pages show)."""
    fields: dict[str, Any] = {
        "kind": kind,
        "asset": "银行存款",
        "holder_kind": "bank",
        "holder": BANK,
        "ruling_number": RULING,
        "effective_on": timezone.localdate(),
        "amount": Decimal("50000.00"),
    }
    fields.update(overrides)
    return services.take_measure(actor=judge, case=case, data=services.MeasureInput(**fields))


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "party": "",
        "person_name": "王某",
        "person_id_number": "",
        "decision_number": DECISION,
        "reason": "拒不配合查封，阻挠执行人员",
    }
    data.update(overrides)
    return data


def proposed_detention(judge: User, case: Case, days: int = 10, hours_ago: int = 3) -> Detention:
    """A detention proposed ``hours_ago`` hours ago, so that custody may begin since then."""
    detention = services.propose_detention(
        actor=judge,
        case=case,
        person=services.PersonInput(name="王某", reason="阻挠执行", decision_number=DECISION),
        days=days,
    )
    Detention.objects.filter(pk=detention.pk).update(
        proposed_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    detention.refresh_from_db()
    return detention


def approved_detention(judge: User, president: User, case: Case, hours_ago: int = 2) -> Detention:
    detention = proposed_detention(judge, case, hours_ago=hours_ago + 1)
    return services.decide_detention(
        actor=president,
        detention=detention,
        approve=True,
        started_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def lapsed_measure(judge: User, case: Case) -> Measure:
    """A one-month freeze that took effect 40 days ago, flagged by the hourly job."""
    measure = take(
        judge, case, effective_on=timezone.localdate() - datetime.timedelta(days=40), term_months=1
    )
    assert services.flag_lapsed_measures() >= 1
    measure.refresh_from_db()
    assert measure.status == Measure.Status.LAPSED
    return measure


def expiring_in(judge: User, case: Case, days: int, **overrides: Any) -> Measure:
    """A freeze whose term (of a month or a few) ends ``days`` days from today. Some last days of a month
    are no month-end of a term of one month (Feb 28 + 1 month is Mar 28): a term of another length is."""
    today = timezone.localdate()
    target = today + datetime.timedelta(days=days)
    base = days // 28 + 1
    for months in (base, base + 1, base + 2):
        effective = target - relativedelta(months=months)
        if term_end(effective, months) == target and effective <= today:
            measure = take(judge, case, effective_on=effective, term_months=months, **overrides)
            assert measure.expires_on == target
            return measure
    raise AssertionError(f"no term ends on {target}")


# --- The panel: three tabs, empty states, who sees which form -----------------------------------------------


def test_the_panel_has_three_tabs_with_their_empty_states_and_the_judges_forms(client, case, judge):
    html = page(client, judge, case)
    assert 'id="custody-panel"' in html
    for tab in ("custody-searches", "custody-measures", "custody-detentions"):
        assert f'id="{tab}"' in html
    for empty in ("no-searches", "no-measures", "no-detentions", "no-fines"):
        assert f'id="{empty}"' in html
    for form in ("search-form", "measure-form", "detention-form", "fine-form"):
        assert f'id="{form}"' in html
    # The legal maximum of each kind, from the node types.
    maximums = html[html.index('id="term-maximums"') :]
    assert "Freeze of a bank deposit: 12 months" in maximums
    assert "Seal of real estate: 36 months" in maximums
    assert "Deduction of a bank deposit: no term" in maximums


def test_the_tab_asked_for_is_the_one_open(client, case, judge):
    html = page(client, judge, case, custody="detentions")
    assert 'id="custody-detentions" class="custody-tab" open' in html
    assert 'id="custody-searches" class="custody-tab" open' not in html
    html = page(client, judge, case)  # nothing yet: the searches
    assert 'id="custody-searches" class="custody-tab" open' in html


@pytest.mark.parametrize("persona", ["clerk", "finance", "supervisor", "president"])
def test_other_staff_see_the_data_but_no_judges_forms(client, case, judge, persona, request):
    take(judge, case)
    user = request.getfixturevalue(persona)
    html = page(client, user, case)
    assert 'id="custody-panel"' in html and "Freeze of a bank deposit" in html
    for form in ("search-form", "measure-form", "detention-form", "fine-form", "renew-measure"):
        assert form not in html


def test_an_assistant_records_searches_but_sees_no_measure_form(client, case, assistant):
    html = page(client, assistant, case)
    assert 'id="search-form"' in html
    assert 'id="measure-form"' not in html and 'id="detention-form"' not in html


def test_an_outsider_gets_a_404_for_the_case_and_every_action(client, case, judge, outsider):
    measure = take(judge, case)
    detention = proposed_detention(judge, case)
    as_user(client, outsider)
    assert client.get(case_url(case)).status_code == 404
    for url in (
        reverse("custody:request-search", args=[case.pk]),
        reverse("custody:take-measure", args=[case.pk]),
        reverse("custody:renew-measure", args=[measure.pk]),
        reverse("custody:release-measure", args=[measure.pk]),
        reverse("custody:link-receipt", args=[measure.pk]),
        reverse("custody:propose-detention", args=[case.pk]),
        reverse("custody:decide-detention", args=[detention.pk]),
        reverse("custody:family-notice", args=[detention.pk]),
        reverse("custody:release-detention", args=[detention.pk]),
        reverse("custody:propose-fine", args=[case.pk]),
    ):
        assert client.post(url, {"ruling_number": "x", "decision": "approve"}).status_code == 404, url
    assert Measure.objects.get(pk=measure.pk).terms.count() == 1


def test_actions_answer_only_to_post(client, case, judge):
    as_user(client, judge)
    assert client.get(reverse("custody:take-measure", args=[case.pk])).status_code == 405


# --- Searches, replies, and a measure from what was found --------------------------------------------------


def test_search_reply_and_a_measure_taken_from_the_found_asset_then_renewed_and_released(client, case, judge):
    today = timezone.localdate().isoformat()
    response = post(
        client,
        judge,
        reverse("custody:request-search", args=[case.pk]),
        {
            "requested_on": today,
            "note": "总对总查询",
            "kind_0": "bank",
            "name_0": BANK,
            "kind_1": "real_estate",
            "name_1": "乌海市不动产登记中心",
            "kind_2": "vehicles",
            "name_2": "",
        },
    )
    assert response.redirect_chain[-1][0].endswith("?custody=searches#custody-searches")
    assert "Search recorded; record each institution's reply when it comes." in messages_of(response)
    search = PropertySearch.objects.get(case=case)
    bank, registry = search.inquiries.order_by("id")
    assert (bank.institution, registry.institution) == (BANK, "乌海市不动产登记中心")
    html = response.content.decode()
    assert f'id="inquiry-{bank.pk}"' in html and "No reply yet" in html
    assert f'id="reply-{bank.pk}"' in html  # the reply form of each pending institution

    respondent = case.respondents()[0]
    response = post(
        client,
        judge,
        reverse("custody:record-reply", args=[bank.pk]),
        {
            "replied_on": today,
            "note": "查得存款",
            "asset_kind_0": "deposit",
            "asset_description_0": "银行存款",
            "asset_reference_0": ACCOUNT,
            "asset_amount_0": "50000.00",
            "asset_owner_0": respondent.pk,
        },
    )
    assert f"Reply of {BANK} recorded." in messages_of(response)
    asset = FoundAsset.objects.get(inquiry=bank)
    assert (asset.kind, asset.amount, asset.owner) == ("deposit", Decimal("50000.00"), respondent)
    post(client, judge, reverse("custody:record-reply", args=[registry.pk]), {"replied_on": today})
    assert SearchInquiry.objects.get(pk=registry.pk).reply == SearchInquiry.Reply.NOTHING

    # "Take a measure" opens the measure form filled in from the asset and its institution.
    html = page(client, judge, case)
    assert f"from_asset={asset.pk}#take-measure" in html
    html = page(client, judge, case, custody="measures", from_asset=asset.pk)
    form = html[html.index('id="measure-form"') :]
    assert f'name="source" value="{asset.pk}"' in form
    assert '<option value="freeze_deposit" selected>' in form
    assert '<option value="bank" selected>' in form
    assert f'value="{BANK}"' in form and f'value="{ACCOUNT}"' in form and 'value="50000.00"' in form
    assert f'<option value="{respondent.pk}" selected>' in form

    response = post(
        client,
        judge,
        reverse("custody:take-measure", args=[case.pk]),
        measure_data(source=asset.pk, owner=respondent.pk),
    )
    assert "Measure recorded." in messages_of(response)
    assert response.redirect_chain[-1][0].endswith("?custody=measures#custody-measures")
    measure = Measure.objects.get(case=case)
    assert measure.source == asset and measure.owner == respondent
    assert measure.expires_on == term_end(timezone.localdate(), 12)
    html = response.content.decode()
    assert f'id="measure-{measure.pk}"' in html and "In force" in html
    assert "12 months →" in html  # how the last day was computed
    assert f"from_asset={asset.pk}" not in html  # taken once
    assert "Measure taken" in html

    response = post(
        client,
        judge,
        reverse("custody:renew-measure", args=[measure.pk]),
        {"ruling_number": "（2026）蒙0302执100号之二", "months": "6"},
    )
    assert "Measure renewed." in messages_of(response)
    measure.refresh_from_db()
    assert measure.terms.count() == 2
    first_end = term_end(timezone.localdate(), 12)
    assert measure.expires_on == term_end(first_end, 6)
    assert "Renewal 1" in response.content.decode()

    response = post(
        client,
        judge,
        reverse("custody:release-measure", args=[measure.pk]),
        {"released_on": timezone.localdate().isoformat(), "reason": "被执行人已履行"},
    )
    assert "Measure released." in messages_of(response)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.RELEASED and measure.release_reason == "被执行人已履行"
    html = response.content.decode()
    assert (
        "被执行人已履行" in html and "renew-measure" not in html[html.index(f'id="measure-{measure.pk}"') :]
    )


def test_the_search_and_reply_forms_refuse_in_words(client, case, judge):
    url = reverse("custody:request-search", args=[case.pk])
    response = post(client, judge, url, {"requested_on": timezone.localdate().isoformat()})
    assert errors_of(response) == ["Name at least one institution asked."]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(client, judge, url, {"requested_on": tomorrow, "kind_0": "bank", "name_0": BANK})
    assert errors_of(response) == ["The request date cannot be in the future."]
    response = post(client, judge, url, {"requested_on": "yesterday", "kind_0": "bank", "name_0": BANK})
    assert errors_of(response)[0].startswith("Nothing was changed:")
    assert not PropertySearch.objects.exists()

    search = services.request_search(
        actor=judge,
        case=case,
        requested_on=timezone.localdate(),
        institutions=[services.Institution("bank", BANK)],
    )
    inquiry = search.inquiries.get()
    reply = reverse("custody:record-reply", args=[inquiry.pk])
    today = timezone.localdate().isoformat()
    for data in (
        {"replied_on": today, "asset_kind_0": "deposit"},  # no description
        {"replied_on": today, "asset_description_0": "存款"},  # no kind
        {
            "replied_on": today,
            "asset_kind_0": "deposit",
            "asset_description_0": "存款",
            "asset_amount_0": "-5",
        },
        {"replied_on": today, "asset_kind_0": "gold", "asset_description_0": "金条"},
        {"replied_on": today, "asset_kind_0": "deposit", "asset_description_0": "存款", "asset_owner_0": "x"},
    ):
        response = post(client, judge, reply, data)
        assert errors_of(response)[0].startswith("Nothing was changed:"), data
    assert SearchInquiry.objects.get(pk=inquiry.pk).reply == SearchInquiry.Reply.PENDING
    post(client, judge, reply, {"replied_on": today})
    response = post(client, judge, reply, {"replied_on": today})
    assert errors_of(response) == ["This institution's reply is already recorded."]


def test_clerk_and_finance_cannot_search_nor_take_measures(client, case, clerk, finance):
    today = timezone.localdate().isoformat()
    response = post(
        client,
        clerk,
        reverse("custody:request-search", args=[case.pk]),
        {"requested_on": today, "kind_0": "bank", "name_0": BANK},
    )
    assert errors_of(response) == ["Only the case's judge and team record searches."]
    response = post(client, finance, reverse("custody:take-measure", args=[case.pk]), measure_data())
    assert errors_of(response) == ["Only the case's judge, or a judge or lead of its team, may do this."]
    assert not PropertySearch.objects.exists() and not Measure.objects.exists()


def test_an_assistant_requests_a_search_but_cannot_take_a_measure(client, case, assistant):
    response = post(
        client,
        assistant,
        reverse("custody:request-search", args=[case.pk]),
        {"requested_on": timezone.localdate().isoformat(), "kind_0": "bank", "name_0": BANK},
    )
    assert PropertySearch.objects.filter(case=case).count() == 1
    response = post(client, assistant, reverse("custody:take-measure", args=[case.pk]), measure_data())
    assert errors_of(response) == ["Only the case's judge, or a judge or lead of its team, may do this."]


# --- Measures: refusals, bad input, flags ------------------------------------------------------------------


def test_a_term_over_the_legal_maximum_is_refused_in_words(client, case, judge):
    response = post(
        client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data(term_months=13)
    )
    assert errors_of(response) == [
        "The term may be at most 12 months for this kind of measure (Freeze of a bank deposit)."
    ]
    assert not Measure.objects.exists()
    # A shorter term is the judge's choice.
    post(client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data(term_months=6))
    assert Measure.objects.get().expires_on == term_end(timezone.localdate(), 6)


def test_a_renewal_over_the_maximum_is_refused_and_nothing_changes(client, case, judge):
    measure = take(judge, case)
    response = post(
        client,
        judge,
        reverse("custody:renew-measure", args=[measure.pk]),
        {"ruling_number": "续", "months": "13"},
    )
    assert "at most 12 months" in errors_of(response)[0]
    assert MeasureTerm.objects.filter(measure=measure).count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"effective_on": "2026-02-30"},
        {"kind": "confiscate"},
        {"source": "abc"},
        {"owner": "not-a-party"},
        {"term_months": "-3"},
        {"term_months": "many"},
        {"amount": "lots"},
        {"asset": "x" * 201},
        {"ruling_number": ""},
        {"rank": "after", "preceded_by": ""},
        {"amount": ""},  # a freeze of a deposit needs its amount
        {"effective_on": "2099-01-01"},
    ],
)
def test_bad_measure_input_is_an_error_message_never_a_500(client, case, judge, bad):
    response = post(client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data(**bad))
    assert errors_of(response), bad
    assert not Measure.objects.exists()


def test_an_asset_of_another_case_cannot_be_the_source(client, court, clerk, team_lead, judge, case):
    other = filed(court, clerk, team_lead, judge)
    search = services.request_search(
        actor=judge,
        case=other,
        requested_on=timezone.localdate(),
        institutions=[services.Institution("bank", BANK)],
    )
    services.record_reply(
        actor=judge,
        inquiry=search.inquiries.get(),
        replied_on=timezone.localdate(),
        assets=[services.AssetFound(kind="deposit", description="存款", amount=Decimal("10.00"))],
    )
    asset = FoundAsset.objects.get()
    response = post(
        client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data(source=asset.pk)
    )
    assert errors_of(response) == ["Nothing was changed: That asset was not found for this case."]
    # And a link asking to pre-fill from it is ignored.
    html = page(client, judge, case, from_asset=asset.pk)
    assert 'name="source" value' not in html[html.index('id="measure-form"') :]
    assert page(client, judge, case, from_asset="junk")


def test_a_measure_expiring_within_30_days_and_a_lapsed_one_are_flagged(client, case, judge):
    soon = expiring_in(judge, case, 10)
    later = take(judge, case)
    gone = lapsed_measure(judge, case)
    html = page(client, judge, case)
    assert 'id="custody-measures" class="custody-tab" open' in html
    assert 'id="measures-flagged"' in html
    block = html[html.index(f'id="measure-{soon.pk}"') :]
    assert "Expires in 10 days" in block[: block.index("</article>")]
    block = html[html.index(f'id="measure-{later.pk}"') :]
    assert "expiry-flag" not in block[: block.index("</article>")]
    block = html[html.index(f'id="measure-{gone.pk}"') :]
    block = block[: block.index("</article>")]
    assert "Lapsed without renewal" in block and "status-overdue" in block
    assert "renew-measure" not in block and "release-measure" in block  # a lapsed measure is released


def test_a_measure_past_its_last_day_before_the_hourly_job_is_flagged_and_cannot_be_renewed(
    client, case, judge
):
    measure = take(
        judge, case, effective_on=timezone.localdate() - datetime.timedelta(days=40), term_months=1
    )
    assert measure.status == Measure.Status.IN_FORCE
    html = page(client, judge, case)
    block = html[html.index(f'id="measure-{measure.pk}"') :]
    block = block[: block.index("</article>")]
    assert "Expired: not renewed in time" in block and "renew-measure" not in block
    assert 'id="measures-flagged"' in html
    response = post(
        client, judge, reverse("custody:renew-measure", args=[measure.pk]), {"ruling_number": "续"}
    )
    assert errors_of(response) == ["The measure has expired: it can no longer be renewed."]


def test_a_deduction_gets_the_money_that_arrived_linked(client, case, judge, finance):
    response = post(
        client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data(kind="deduct_deposit")
    )
    assert "Measure recorded." in messages_of(response)
    deduction = Measure.objects.get(kind="deduct_deposit")
    assert deduction.expires_on is None and not deduction.terms.exists()
    html = response.content.decode()
    assert "No money linked yet" in html and "link-receipt" not in html  # no money in the account yet

    pay_in(case, "50000.00")
    entry = LedgerEntry.objects.get(account=case.account, kind=LedgerEntry.Kind.RECEIVED)
    # Finance sees the deduction but may not link.
    assert "link-receipt" not in page(client, finance, case)
    response = post(
        client, finance, reverse("custody:link-receipt", args=[deduction.pk]), {"entry": entry.pk}
    )
    assert errors_of(response) == ["Only the case's judge, or a judge or lead of its team, may do this."]

    html = page(client, judge, case)
    assert f'<option value="{entry.pk}">¥50,000.00' in html
    response = post(client, judge, reverse("custody:link-receipt", args=[deduction.pk]), {"entry": "junk"})
    assert errors_of(response)[0].startswith("Nothing was changed:")
    response = post(client, judge, reverse("custody:link-receipt", args=[deduction.pk]), {"entry": entry.pk})
    assert "The money is linked to the deduction." in messages_of(response)
    receipt = DeductionReceipt.objects.get()
    assert receipt.measure == deduction and receipt.entry == entry
    deduction.refresh_from_db()
    assert deduction.status == Measure.Status.EXECUTED
    html = response.content.decode()
    assert f'id="receipt-{receipt.pk}"' in html and "Deducted" in html
    # Linked money is not offered again.
    response = post(client, judge, reverse("custody:link-receipt", args=[deduction.pk]), {"entry": entry.pk})
    assert errors_of(response) == ["Nothing was changed: Choose money received in this case's account."]


def test_a_freeze_cannot_take_money(client, case, judge):
    freeze = take(judge, case)
    pay_in(case, "100.00")
    entry = LedgerEntry.objects.get(account=case.account, kind=LedgerEntry.Kind.RECEIVED)
    response = post(client, judge, reverse("custody:link-receipt", args=[freeze.pk]), {"entry": entry.pk})
    assert errors_of(response) == ["Only a deduction brings money into the case account."]


# --- The complex stream: no compulsory measure before the plan ----------------------------------------------


def test_a_complex_case_without_its_plan_says_why_and_refuses_measures_and_detentions(
    client, court, clerk, team_lead, judge, team
):
    case = filed(court, clerk, team_lead, judge, complex_stream=True)
    assert case.stream == Case.Stream.COMPLEX
    html = page(client, judge, case)
    assert 'id="measures-blocked"' in html and 'id="detentions-blocked"' in html
    assert 'id="measure-form"' not in html and 'id="detention-form"' not in html
    assert 'id="search-form"' in html  # searching is not compulsory

    response = post(client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data())
    refusal = (
        "This complex case needs its risk assessment and enforcement plan before any compulsory measure."
    )
    assert errors_of(response) == [refusal]
    response = post(client, judge, reverse("custody:propose-detention", args=[case.pk]), person_data(days=5))
    assert errors_of(response) == [refusal]
    response = post(
        client, judge, reverse("custody:propose-fine", args=[case.pk]), person_data(amount="1000")
    )
    assert errors_of(response) == [refusal]
    assert not Measure.objects.exists() and not Detention.objects.exists() and not Fine.objects.exists()

    CasePlan.objects.create(case=case, risk_assessment="风险", enforcement_plan="方案", recorded_by=judge)
    html = page(client, judge, case)
    assert 'id="measures-blocked"' not in html and 'id="measure-form"' in html
    post(client, judge, reverse("custody:take-measure", args=[case.pk]), measure_data())
    assert Measure.objects.filter(case=case).count() == 1


# --- Detention and fines -----------------------------------------------------------------------------------


def test_detention_proposed_approved_by_the_president_family_told_and_released_early(
    client, case, judge, president
):
    respondent = case.respondents()[0]
    response = post(
        client,
        judge,
        reverse("custody:propose-detention", args=[case.pk]),
        person_data(party=respondent.pk, person_name="", days="10"),
    )
    assert "Detention proposed; the court's president decides." in messages_of(response)
    assert response.redirect_chain[-1][0].endswith("?custody=detentions#custody-detentions")
    detention = Detention.objects.get()
    assert detention.person_name == respondent.name and detention.party == respondent
    assert detention.status == Detention.Status.PROPOSED
    html = response.content.decode()
    assert f'id="detention-{detention.pk}"' in html and "Awaiting the president" in html
    assert "decide-detention" not in html  # the proposer does not decide

    response = post(
        client, judge, reverse("custody:decide-detention", args=[detention.pk]), {"decision": "approve"}
    )
    assert errors_of(response) == ["Only the court's president, not the proposer, decides a detention."]

    Detention.objects.filter(pk=detention.pk).update(proposed_at=timezone.now() - datetime.timedelta(hours=3))
    started = timezone.now() - datetime.timedelta(hours=2)
    html = page(client, president, case)
    assert "decide-detention" in html and 'id="to-decide"' in html
    assert 'id="custody-detentions" class="custody-tab" open' in html  # his decision first
    response = post(
        client,
        president,
        reverse("custody:decide-detention", args=[detention.pk]),
        {"decision": "approve", "started_at": local_minute(started), "note": ""},
    )
    assert "Detention approved; tell the family within 24 hours." in messages_of(response)
    detention.refresh_from_db()
    assert detention.status == Detention.Status.APPROVED and detention.decided_by == president
    assert detention.started_at is not None
    start_day = timezone.localtime(detention.started_at).date()
    assert detention.release_on == start_day + datetime.timedelta(days=10)

    html = page(client, judge, case)
    block = html[html.index(f'id="detention-{detention.pk}"') :]
    block = block[: block.index("</article>")]
    assert detention.release_on.isoformat() in block and "In custody" in block
    due = timezone.localtime(detention.started_at + datetime.timedelta(hours=24)).strftime("%Y-%m-%d %H:%M")
    assert f"Not recorded yet: the family must be told by {due}." in block
    assert "family-notice-form" in block and "early-release" in block
    # The timeline shows the approval.
    with translation.override("en"):
        assert str(CaseEvent.Kind.DETENTION_APPROVED.label) in html

    response = post(
        client,
        judge,
        reverse("custody:family-notice", args=[detention.pk]),
        {"notified_at": local_minute(timezone.now()), "notice": "电话通知其妻李某"},
    )
    assert "The family's notice is recorded." in messages_of(response)
    detention.refresh_from_db()
    assert detention.family_notice == "电话通知其妻李某"
    block = response.content.decode()
    block = block[block.index(f'id="detention-{detention.pk}"') :]
    assert "notice-missing" not in block[: block.index("</article>")]
    response = post(
        client,
        judge,
        reverse("custody:family-notice", args=[detention.pk]),
        {"notified_at": local_minute(timezone.now()), "notice": "再次"},
    )
    assert errors_of(response) == ["The family's notice is already recorded."]

    response = post(
        client,
        judge,
        reverse("custody:release-detention", args=[detention.pk]),
        {"released_at": local_minute(timezone.now()), "reason": "具结悔过"},
    )
    assert "Early release recorded." in messages_of(response)
    detention.refresh_from_db()
    assert detention.status == Detention.Status.RELEASED and detention.release_reason == "具结悔过"
    html = response.content.decode()
    assert "Released early" in html and "具结悔过" in html


def test_a_president_may_refuse_a_detention_with_a_reason(client, case, judge, president):
    detention = proposed_detention(judge, case)
    url = reverse("custody:decide-detention", args=[detention.pk])
    response = post(client, president, url, {"decision": "refuse", "note": ""})
    assert errors_of(response) == ["Give the reason for the refusal."]
    response = post(client, president, url, {"decision": "refuse", "note": "证据不足"})
    assert "Detention refused." in messages_of(response)
    assert Detention.objects.get().status == Detention.Status.REFUSED
    response = post(client, president, url, {"decision": "approve"})
    assert errors_of(response) == ["This detention has already been decided."]


def test_a_president_who_proposed_does_not_see_nor_use_the_approval(client, court, clerk, team_lead, team):
    judge_president = UserFactory(username="judgepresident", roles=["judge", "president"], courts=[court])
    TeamMembership.objects.create(team=team, user=judge_president, role=TeamMembership.Role.JUDGE)
    case = filed(court, clerk, team_lead, judge_president)
    detention = proposed_detention(judge_president, case)
    html = page(client, judge_president, case)
    assert 'id="detention-form"' in html and "decide-detention" not in html
    response = post(
        client,
        judge_president,
        reverse("custody:decide-detention", args=[detention.pk]),
        {"decision": "approve"},
    )
    assert errors_of(response) == ["Only the court's president, not the proposer, decides a detention."]
    assert Detention.objects.get().status == Detention.Status.PROPOSED


@pytest.mark.parametrize("persona", ["clerk", "finance", "supervisor", "team_lead"])
def test_only_the_president_decides(client, case, judge, persona, request):
    detention = proposed_detention(judge, case)
    user = request.getfixturevalue(persona)
    assert "decide-detention" not in page(client, user, case)
    response = post(
        client, user, reverse("custody:decide-detention", args=[detention.pk]), {"decision": "approve"}
    )
    assert errors_of(response) == ["Only the court's president, not the proposer, decides a detention."]


def test_a_detention_of_16_days_is_refused_in_words(client, case, judge):
    response = post(
        client, judge, reverse("custody:propose-detention", args=[case.pk]), person_data(days="16")
    )
    assert errors_of(response) == ["Detention is at least 1 day and at most 15 days."]
    for bad in ("0", "abc", "99999"):
        response = post(
            client, judge, reverse("custody:propose-detention", args=[case.pk]), person_data(days=bad)
        )
        assert errors_of(response), bad
    response = post(
        client,
        judge,
        reverse("custody:propose-detention", args=[case.pk]),
        person_data(days="5", person_name=""),
    )
    assert errors_of(response) == ["Name the person."]
    assert not Detention.objects.exists()


def test_clerk_and_finance_cannot_propose_nor_record_for_a_detention(
    client, case, judge, president, clerk, finance
):
    detention = approved_detention(judge, president, case)
    for user in (clerk, finance):
        html = page(client, user, case)
        assert "family-notice-form" not in html and 'id="detention-form"' not in html
        response = post(
            client, user, reverse("custody:propose-detention", args=[case.pk]), person_data(days="5")
        )
        assert errors_of(response) == ["Only the case's judge, or a judge or lead of its team, may do this."]
        response = post(
            client,
            user,
            reverse("custody:family-notice", args=[detention.pk]),
            {"notified_at": local_minute(timezone.now()), "notice": "电话"},
        )
        assert errors_of(response) == ["Only the case's judge, or a judge or lead of its team, may do this."]
    assert Detention.objects.count() == 1 and Detention.objects.get().family_notified_at is None


def test_bad_times_for_a_detention_are_refused_in_words(client, case, judge, president):
    detention = proposed_detention(judge, case, hours_ago=1)
    url = reverse("custody:decide-detention", args=[detention.pk])
    response = post(client, president, url, {"decision": "approve", "started_at": "not a time"})
    assert errors_of(response)[0].startswith("Nothing was changed:")
    earlier = timezone.now() - datetime.timedelta(hours=5)
    response = post(client, president, url, {"decision": "approve", "started_at": local_minute(earlier)})
    assert errors_of(response) == ["Custody cannot begin before the detention was proposed."]
    response = post(client, president, url, {"decision": "maybe"})
    assert errors_of(response)[0].startswith("Nothing was changed:")
    assert Detention.objects.get().status == Detention.Status.PROPOSED

    detention = approved_detention(judge, president, case)
    response = post(
        client,
        judge,
        reverse("custody:release-detention", args=[detention.pk]),
        {"released_at": local_minute(timezone.now() + datetime.timedelta(days=2)), "reason": "x"},
    )
    assert errors_of(response) == ["The release must fall between the custody's start and now."]


def test_a_fine_is_proposed_and_the_president_approves_or_refuses(client, case, judge, president):
    detention = proposed_detention(judge, case)
    url = reverse("custody:propose-fine", args=[case.pk])
    response = post(client, judge, url, person_data(amount="5000.00", detention=detention.pk))
    assert "Fine proposed; the court's president decides." in messages_of(response)
    fine = Fine.objects.get()
    assert fine.amount == Decimal("5000.00") and fine.detention == detention
    html = response.content.decode()
    assert f'id="fine-{fine.pk}"' in html and "¥5,000.00" in html and "decide-fine" not in html
    for bad in ({"amount": "0"}, {"amount": "abc"}, {"detention": "999999"}):
        response = post(client, judge, url, person_data(**{"amount": "10", **bad}))
        assert errors_of(response)[0].startswith("Nothing was changed:"), bad
    assert Fine.objects.count() == 1

    response = post(client, judge, reverse("custody:decide-fine", args=[fine.pk]), {"decision": "approve"})
    assert errors_of(response) == ["Only the court's president, not the proposer, decides a fine."]
    assert "decide-fine" in page(client, president, case)
    response = post(
        client, president, reverse("custody:decide-fine", args=[fine.pk]), {"decision": "approve"}
    )
    assert "Fine approved." in messages_of(response)
    assert Fine.objects.get().status == Fine.Status.APPROVED

    second = services.propose_fine(
        actor=judge,
        case=case,
        person=services.PersonInput(name="李某", reason="阻挠", decision_number="（2026）蒙0302司惩2号"),
        amount=Decimal("100.00"),
    )
    response = post(
        client, president, reverse("custody:decide-fine", args=[second.pk]), {"decision": "refuse"}
    )
    assert errors_of(response) == ["Give the reason for the refusal."]
    post(
        client,
        president,
        reverse("custody:decide-fine", args=[second.pk]),
        {"decision": "refuse", "note": "过重"},
    )
    assert Fine.objects.get(pk=second.pk).status == Fine.Status.REFUSED


def test_the_panel_takes_as_many_queries_for_many_records_as_for_one(client, case, judge, president):
    def queries() -> int:
        as_user(client, judge)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(case_url(case)).status_code == 200
        return len(captured)

    def add_one(n: int) -> None:
        search = services.request_search(
            actor=judge,
            case=case,
            requested_on=timezone.localdate(),
            institutions=[
                services.Institution("bank", f"银行{n}"),
                services.Institution("vehicles", f"车管所{n}"),
            ],
        )
        services.record_reply(
            actor=judge,
            inquiry=search.inquiries.order_by("id").first(),
            replied_on=timezone.localdate(),
            assets=[services.AssetFound(kind="deposit", description=f"存款{n}", owner=case.respondents()[0])],
        )
        measure = take(judge, case, asset=f"存款{n}", owner=case.respondents()[0])
        services.renew_measure(actor=judge, measure=measure, ruling_number=f"续{n}")
        take(judge, case, kind="deduct_deposit", asset=f"扣划{n}")
        approved_detention(judge, president, case)
        services.propose_fine(
            actor=judge,
            case=case,
            person=services.PersonInput(name=f"李{n}", reason="阻挠", decision_number=f"罚{n}"),
            amount=Decimal("100.00"),
        )

    add_one(0)
    few = queries()
    for n in range(1, 4):
        add_one(n)
    assert queries() == few


# --- The court-wide lists -----------------------------------------------------------------------------------


def test_the_expiring_list_shows_the_window_soonest_first_with_days_left(
    client, court, case, judge, team_lead
):
    other = filed(court, case.filed_by, team_lead, second_judge(court))
    in_ten = expiring_in(judge, case, 10, asset="十天后到期")
    in_three = expiring_in(team_lead, other, 3, asset="三天后到期")
    in_sixty = expiring_in(judge, case, 60, asset="六十天后到期")
    take(judge, case, asset="一年后到期")
    lapsed_measure(judge, case)

    as_user(client, judge)
    response = client.get(EXPIRING)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="listed-measure-{in_three.pk}"') < html.index(f'id="listed-measure-{in_ten.pk}"')
    assert f'id="listed-measure-{in_sixty.pk}"' not in html and "一年后到期" not in html
    row = html[html.index(f'id="listed-measure-{in_ten.pk}"') :]
    row = row[: row.index("</tr>")]
    assert case.number in row and "Freeze of a bank deposit" in row and BANK in row
    assert in_ten.expires_on.isoformat() in row and ">10<" in row and display_name(judge) in row
    assert 'id="lapsed-count"' in html  # the lapsed one is counted, and listed on its own page

    html = client.get(EXPIRING, {"days": "90"}).content.decode()
    assert f'id="listed-measure-{in_sixty.pk}"' in html
    html = client.get(EXPIRING, {"days": "5"}).content.decode()
    assert f'id="listed-measure-{in_three.pk}"' in html and f'id="listed-measure-{in_ten.pk}"' not in html

    # Mine only: the cases where I am the responsible judge.
    html = client.get(EXPIRING, {"mine": "on"}).content.decode()
    assert f'id="listed-measure-{in_ten.pk}"' in html and f'id="listed-measure-{in_three.pk}"' not in html


def second_judge(court: Court) -> User:
    """A second judge of the quick team, responsible for another case."""
    user = cast(User, UserFactory(username="judge2", roles=["judge"], courts=[court]))
    team = Team.objects.get(name="速执团队")
    TeamMembership.objects.create(team=team, user=user, role=TeamMembership.Role.JUDGE)
    return user


@pytest.mark.parametrize("days", ["0", "367", "abc", "-5", "1.5"])
def test_a_wrong_window_is_a_form_error_not_a_500(client, case, judge, days):
    expiring_in(judge, case, 10)
    as_user(client, judge)
    response = client.get(EXPIRING, {"days": days})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="days-errors"' in html and "Showing the default window of 30 days." in html
    assert "listed-measure-" in html


def test_the_expiring_list_paginates(client, case, judge):
    for i in range(27):
        expiring_in(judge, case, 5 + i % 3, asset=f"存款{i}")
    as_user(client, judge)
    html = client.get(EXPIRING).content.decode()
    assert html.count('id="listed-measure-') == 25 and "Page 1 of 2" in html
    html = client.get(EXPIRING, {"page": "2"}).content.decode()
    assert html.count('id="listed-measure-') == 2
    assert client.get(EXPIRING, {"page": "junk"}).status_code == 200


def test_the_lapsed_list_and_its_mine_filter(client, court, case, judge, team_lead, supervisor):
    gone = lapsed_measure(judge, case)
    as_user(client, supervisor)
    html = client.get(LAPSED).content.decode()
    assert f'id="listed-measure-{gone.pk}"' in html and "Lapsed for" in html
    assert f'id="listed-measure-{gone.pk}"' not in client.get(LAPSED, {"mine": "on"}).content.decode()
    as_user(client, judge)
    assert f'id="listed-measure-{gone.pk}"' in client.get(LAPSED, {"mine": "on"}).content.decode()


@pytest.mark.parametrize("persona", ["finance", "clerk", "stranger"])
def test_the_lists_are_refused_to_others(client, persona, request, court):
    user = request.getfixturevalue(persona)
    as_user(client, user)
    assert client.get(EXPIRING).status_code == 403
    assert client.get(LAPSED).status_code == 403


def test_the_lists_need_a_login(client):
    response = client.get(EXPIRING)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["judge", "team_lead", "supervisor", "president"])
def test_the_nav_links_to_the_list_for_those_who_may_use_it(client, persona, request):
    user = request.getfixturevalue(persona)
    as_user(client, user)
    assert 'id="expiring-link"' in client.get("/").content.decode()
    assert client.get(EXPIRING).status_code == 200


def test_finance_has_no_link_to_the_list(client, finance):
    as_user(client, finance)
    assert 'id="expiring-link"' not in client.get("/").content.decode()


# --- The supervisors' page ----------------------------------------------------------------------------------


def test_the_supervisors_page_has_no_custody_section_when_there_is_nothing(client, case, supervisor):
    as_user(client, supervisor)
    response = client.get(reverse("supervisor-alerts"))
    assert response.status_code == 200
    assert 'id="custody-supervision"' not in response.content.decode()


def test_the_supervisors_page_shows_lapsed_measures_custody_and_decisions_awaited(
    client, case, judge, president, supervisor
):
    gone = lapsed_measure(judge, case)
    inside = approved_detention(judge, president, case)
    waiting = proposed_detention(judge, case)
    fine = services.propose_fine(
        actor=judge,
        case=case,
        person=services.PersonInput(name="李某", reason="阻挠", decision_number="（2026）蒙0302司惩2号"),
        amount=Decimal("3000.00"),
    )
    as_user(client, supervisor)
    html = client.get(reverse("supervisor-alerts")).content.decode()
    section = html[html.index('id="custody-supervision"') :]
    assert f'id="lapsed-{gone.pk}"' in section and case.number in section
    row = section[section.index(f'id="in-custody-{inside.pk}"') :]
    row = row[: row.index("</tr>")]
    assert inside.release_on.isoformat() in row and "notice-missing" in row
    assert 'id="missing-notices"' in section
    assert f'id="awaiting-detention-{waiting.pk}"' in section and f'id="awaiting-fine-{fine.pk}"' in section
    assert "¥3,000.00" in section or "3,000.00" in section

    services.record_family_notice(actor=judge, detention=inside, notified_at=timezone.now(), notice="电话")
    html = client.get(reverse("supervisor-alerts")).content.decode()
    row = html[html.index(f'id="in-custody-{inside.pk}"') :]
    assert "notice-missing" not in row[: row.index("</tr>")]
    assert 'id="missing-notices"' not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_and_the_lists_render_in_both_languages(client, case, judge, president, language):
    take(judge, case)
    approved_detention(judge, president, case)
    client.force_login(judge)
    for url in (case_url(case), EXPIRING, LAPSED, EXPIRING + "?days=x"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
