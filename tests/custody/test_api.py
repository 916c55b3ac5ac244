"""The custody API by persona: online searches and replies, property measures (terms, renewal, release,
deductions' money, the expiring and lapsed lists), judicial detention and fines.

The case's judge acts; the court's president approves sanctions (never his own proposal); clerks and
finance read but may not act (403); outsiders learn nothing (404), whether they ask by case or by the id
of an object. Staff sign in with a token, as in the money API's tests.
"""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from assignment import services as assignment
from custody import services
from custody.models import Detention, Fine, FoundAsset, Measure, SearchInquiry
from enforcement.models import Case
from payments.models import LedgerEntry
from tests.factories import UserFactory, api_token
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db

API = "/api/v1"


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def post(client: APIClient, url: str, payload: Any = None) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def now_iso(**delta: float) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(**delta)).isoformat()


@pytest.fixture
def case(court, clerk, judge):
    return money_case(court, clerk, judge)


@pytest.fixture
def other_case(court, clerk, judge):
    """Another case of the same judge: its ids must not be usable on ``case``."""
    return money_case(court, clerk, judge)


def measure_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "freeze_deposit",
        "asset": "工商银行账户存款",
        "asset_reference": "6222020000001234",
        "holder_kind": "bank",
        "holder": "工商银行乌海分行",
        "amount": "5000.00",
        "ruling_number": "（2026）蒙0302执1号之一",
        "effective_on": today().isoformat(),
        **overrides,
    }


def take(case: Case, judge, *, effective_on: datetime.date | None = None, **extra: Any) -> Measure:
    """A freeze of a deposit recorded through the service (for tests of what comes after)."""
    data = {
        "kind": Measure.Kind.FREEZE_DEPOSIT,
        "asset": "建设银行账户存款",
        "holder_kind": Measure.HolderKind.BANK,
        "holder": "建设银行乌海分行",
        "ruling_number": "（2026）蒙0302执1号之二",
        "effective_on": effective_on or today(),
        "amount": Decimal("3000.00"),
        **extra,
    }
    return services.take_measure(actor=judge, case=case, data=services.MeasureInput(**data))


def person(**overrides: Any) -> dict[str, Any]:
    return {
        "person_name": "王某",
        "person_id_number": "150302198001011234",
        "reason": "拒不报告财产，转移银行存款",
        "decision_number": "（2026）蒙0302司惩1号",
        **overrides,
    }


def propose_detention(case: Case, judge, days: int = 7) -> Detention:
    return services.propose_detention(
        actor=judge,
        case=case,
        person=services.PersonInput(
            name="王某", reason="拒不报告财产", decision_number="（2026）蒙0302司惩1号"
        ),
        days=days,
    )


def propose_fine(case: Case, judge, amount: str = "5000.00") -> Fine:
    return services.propose_fine(
        actor=judge,
        case=case,
        person=services.PersonInput(name="李某", reason="虚假诉讼", decision_number="（2026）蒙0302司惩2号"),
        amount=Decimal(amount),
    )


def search_with_inquiry(case: Case, judge) -> SearchInquiry:
    search = services.request_search(
        actor=judge,
        case=case,
        requested_on=today(),
        institutions=[
            services.Institution("bank", "工商银行"),
            services.Institution("real_estate", "不动产登记中心"),
        ],
    )
    return search.inquiries.get(institution="工商银行")


# --- Online searches ---------------------------------------------------------------------------------------


def test_the_judge_sends_a_search_and_everyone_on_the_case_reads_it(case, judge, clerk):
    payload = {
        "requested_on": today().isoformat(),
        "institutions": [{"kind": "bank", "name": "工商银行"}, {"kind": "vehicles", "name": "车管所"}],
        "note": "总对总查控",
    }
    body = ok(post(api(judge), f"{API}/cases/{case.pk}/searches/", payload), 201)
    assert body["case"] == case.pk and body["requested_on"] == today().isoformat()
    assert body["requested_by"] == judge.get_full_name() and body["note"] == "总对总查控"
    assert [(i["kind"], i["institution"], i["reply"]) for i in body["inquiries"]] == [
        ("bank", "工商银行", "pending"),
        ("vehicles", "车管所", "pending"),
    ]
    listed = ok(api(clerk).get(f"{API}/cases/{case.pk}/searches/"))
    assert [s["id"] for s in listed] == [body["id"]]


def test_a_reply_records_the_assets_found_and_one_becomes_a_measure(case, judge):
    inquiry = search_with_inquiry(case, judge)
    respondent = case.respondents()[0]
    payload = {
        "replied_on": today().isoformat(),
        "note": "查得存款两笔",
        "assets": [
            {
                "kind": "deposit",
                "description": "工商银行活期存款",
                "reference": "6222020000009999",
                "amount": "12000.50",
                "owner": respondent.pk,
            },
            {"kind": "securities", "description": "证券账户"},
        ],
    }
    body = ok(post(api(judge), f"{API}/inquiries/{inquiry.pk}/reply/", payload))
    assert body["reply"] == "found" and body["replied_on"] == today().isoformat()
    first, second = body["assets"]
    assert (first["amount"], first["owner"], first["owner_name"]) == (
        "12000.50",
        respondent.pk,
        respondent.name,
    )
    assert (second["amount"], second["owner"], second["measure"]) == (None, None, None)

    taken = ok(post(api(judge), f"{API}/cases/{case.pk}/measures/", measure_payload(source=first["id"])), 201)
    assert taken["source"] == first["id"]
    [search] = ok(api(judge).get(f"{API}/cases/{case.pk}/searches/"))
    assets = next(i for i in search["inquiries"] if i["id"] == inquiry.pk)["assets"]
    assert [a["measure"] for a in assets] == [taken["id"], None]
    # A reply is recorded once.
    assert_error(post(api(judge), f"{API}/inquiries/{inquiry.pk}/reply/", payload), 400)


def test_a_reply_with_nothing_found(case, judge):
    inquiry = search_with_inquiry(case, judge)
    body = ok(post(api(judge), f"{API}/inquiries/{inquiry.pk}/reply/", {"replied_on": today().isoformat()}))
    assert body["reply"] == "nothing" and body["assets"] == []


def test_search_input_is_checked(case, judge):
    url = f"{API}/cases/{case.pk}/searches/"
    bank = [{"kind": "bank", "name": "工商银行"}]
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    body = assert_error(post(api(judge), url, {"requested_on": tomorrow, "institutions": bank}), 400)
    assert "requested_on" in body["errors"]
    body = assert_error(post(api(judge), url, {"requested_on": today().isoformat(), "institutions": []}), 400)
    assert "institutions" in body["errors"]
    wrong_kind = [{"kind": "casino", "name": "某赌场"}]
    body = assert_error(
        post(api(judge), url, {"requested_on": today().isoformat(), "institutions": wrong_kind}), 400
    )
    assert "institutions" in body["errors"]


def test_a_reply_refuses_an_owner_of_another_case_and_a_date_in_the_future(case, other_case, judge):
    inquiry = search_with_inquiry(case, judge)
    url = f"{API}/inquiries/{inquiry.pk}/reply/"
    stranger_party = other_case.respondents()[0]
    asset = {"kind": "deposit", "description": "存款", "owner": stranger_party.pk}
    body = assert_error(post(api(judge), url, {"replied_on": today().isoformat(), "assets": [asset]}), 400)
    assert body["errors"] == {"assets": ["Not a party of this case."]}
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    assert "replied_on" in assert_error(post(api(judge), url, {"replied_on": tomorrow}), 400)["errors"]
    inquiry.refresh_from_db()
    assert inquiry.reply == SearchInquiry.Reply.PENDING


# --- Measures ----------------------------------------------------------------------------------------------


def test_the_judge_takes_a_measure_with_its_term_and_expiry_clock(case, judge, finance):
    respondent = case.respondents()[0]
    payload = measure_payload(term_months=6, owner=respondent.pk)
    body = ok(post(api(judge), f"{API}/cases/{case.pk}/measures/", payload), 201)
    assert (body["kind"], body["status"], body["amount"], body["owner"]) == (
        "freeze_deposit",
        "in_force",
        "5000.00",
        respondent.pk,
    )
    assert body["rank"] == "first" and body["recorded_by"] == judge.get_full_name()
    [term] = body["terms"]
    assert (term["number"], term["months"], term["starts_after"]) == (1, 6, today().isoformat())
    assert term["ends_on"] == term["due_date"] == body["expires_on"]
    assert term["deadline_status"] == "open"
    assert term["explanation"] and all(isinstance(step, str) for step in term["explanation"])
    assert any("6 months" in step for step in term["explanation"])
    assert body["receipts"] == []

    listed = ok(api(finance).get(f"{API}/cases/{case.pk}/measures/"))
    assert [m["id"] for m in listed] == [body["id"]]
    assert listed[0]["terms"][0]["explanation"] == term["explanation"]


def test_a_term_longer_than_the_legal_maximum_is_refused(case, judge):
    url = f"{API}/cases/{case.pk}/measures/"
    body = assert_error(post(api(judge), url, measure_payload(term_months=13)), 400)
    assert "12 months" in body["errors"]["term_months"][0]
    # Real estate may be sealed for up to 36 months, not more.
    seal = measure_payload(kind="seal_real_estate", holder_kind="registry", amount=None)
    assert ok(post(api(judge), url, {**seal, "term_months": 36}), 201)["terms"][0]["months"] == 36
    assert "term_months" in assert_error(post(api(judge), url, {**seal, "term_months": 37}), 400)["errors"]
    assert Measure.objects.filter(case=case).count() == 1


def test_measure_input_is_checked(case, other_case, judge):
    url = f"{API}/cases/{case.pk}/measures/"
    # Amounts are decimal strings: a JSON number never passes through a float.
    assert "amount" in assert_error(post(api(judge), url, measure_payload(amount=5000.5)), 400)["errors"]
    assert "amount" in assert_error(post(api(judge), url, measure_payload(amount="1.005")), 400)["errors"]
    assert (
        "term_months"
        in assert_error(post(api(judge), url, measure_payload(term_months="six")), 400)["errors"]
    )
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    assert (
        "effective_on"
        in assert_error(post(api(judge), url, measure_payload(effective_on=tomorrow)), 400)["errors"]
    )
    assert "preceded_by" in assert_error(post(api(judge), url, measure_payload(rank="after")), 400)["errors"]
    # Ids of another case's party or found asset are refused.
    owner = other_case.respondents()[0].pk
    assert assert_error(post(api(judge), url, measure_payload(owner=owner)), 400)["errors"] == {
        "owner": ["Not a party of this case."]
    }
    inquiry = search_with_inquiry(other_case, judge)
    services.record_reply(
        actor=judge,
        inquiry=inquiry,
        replied_on=today(),
        assets=[services.AssetFound(kind="deposit", description="存款")],
    )
    foreign = FoundAsset.objects.get(inquiry=inquiry)
    assert "source" in assert_error(post(api(judge), url, measure_payload(source=foreign.pk)), 400)["errors"]
    assert_error(post(api(judge), url, [measure_payload()]), 400)
    assert not Measure.objects.filter(case=case).exists()


def test_unknown_fields_are_refused_not_ignored(case, judge):
    body = assert_error(
        post(api(judge), f"{API}/cases/{case.pk}/measures/", measure_payload(status="released")), 400
    )
    assert body["errors"] == {"status": ["Unknown field."]}
    search = {
        "requested_on": today().isoformat(),
        "institutions": [{"kind": "bank", "name": "工商银行", "x": 1}],
    }
    body = assert_error(post(api(judge), f"{API}/cases/{case.pk}/searches/", search), 400)
    assert body["errors"] == {"institutions": {"0": {"x": ["Unknown field."]}}}
    measure = take(case, judge)
    body = assert_error(
        post(
            api(judge), f"{API}/measures/{measure.pk}/renew/", {"ruling_number": "续", "until": "2030-01-01"}
        ),
        400,
    )
    assert body["errors"] == {"until": ["Unknown field."]}
    body = assert_error(
        post(api(judge), f"{API}/cases/{case.pk}/detentions/", {**person(days=3), "by": 1}), 400
    )
    assert body["errors"] == {"by": ["Unknown field."]}
    assert_error(api(judge).get(f"{API}/measures/expiring/", {"window": 3}), 400)


def test_a_complex_case_needs_its_plan_before_a_measure_or_a_sanction(case, judge):
    case.stream = Case.Stream.COMPLEX
    case.save(update_fields=["stream"])
    url = f"{API}/cases/{case.pk}/measures/"
    body = assert_error(post(api(judge), url, measure_payload()), 400)
    assert "risk assessment and enforcement plan" in json.dumps(body["errors"])
    assert_error(post(api(judge), f"{API}/cases/{case.pk}/detentions/", person(days=5)), 400)
    assert_error(post(api(judge), f"{API}/cases/{case.pk}/fines/", person(amount="100.00")), 400)

    assignment.record_plan(
        actor=judge, case=case, risk_assessment="有转移财产风险", enforcement_plan="先冻结存款"
    )
    ok(post(api(judge), url, measure_payload()), 201)


def test_renewal_adds_a_term_and_release_ends_the_measure(case, judge):
    measure = take(case, judge, term_months=6)
    body = ok(
        post(api(judge), f"{API}/measures/{measure.pk}/renew/", {"ruling_number": "（2026）蒙0302执1号之三"})
    )
    first, second = body["terms"]
    assert first["deadline_status"] == "met" and second["deadline_status"] == "open"
    assert second["starts_after"] == first["ends_on"] and second["months"] == 12  # the legal maximum
    assert body["expires_on"] == second["ends_on"]
    assert (
        "months"
        in assert_error(
            post(api(judge), f"{API}/measures/{measure.pk}/renew/", {"ruling_number": "续", "months": 13}),
            400,
        )["errors"]
    )

    release = {"released_on": today().isoformat(), "reason": "被执行人已履行"}
    body = ok(post(api(judge), f"{API}/measures/{measure.pk}/release/", release))
    assert (body["status"], body["released_on"], body["release_reason"]) == (
        "released",
        today().isoformat(),
        "被执行人已履行",
    )
    assert body["terms"][1]["deadline_status"] == "met"
    assert_error(post(api(judge), f"{API}/measures/{measure.pk}/release/", release), 400)
    assert_error(
        post(api(judge), f"{API}/measures/{measure.pk}/release/", {"released_on": today().isoformat()}), 400
    )


def test_the_money_of_a_deduction_is_linked_to_it(case, other_case, judge):
    deduction = ok(
        post(
            api(judge),
            f"{API}/cases/{case.pk}/measures/",
            measure_payload(kind="deduct_deposit", amount="800.00"),
        ),
        201,
    )
    assert deduction["terms"] == [] and deduction["expires_on"] is None
    pay_in(case, "800.00")
    pay_in(other_case, "800.00")
    entry = LedgerEntry.objects.get(account__case=case, kind=LedgerEntry.Kind.RECEIVED)
    foreign = LedgerEntry.objects.get(account__case=other_case, kind=LedgerEntry.Kind.RECEIVED)
    url = f"{API}/measures/{deduction['id']}/receipts/"

    assert assert_error(post(api(judge), url, {"entry": foreign.pk}), 400)["errors"] == {
        "entry": ["Not an entry of this case's account."]
    }
    body = ok(post(api(judge), url, {"entry": entry.pk}), 201)
    assert body["status"] == "executed"
    [receipt] = body["receipts"]
    assert (receipt["entry"], receipt["amount"]) == (entry.pk, "800.00")
    assert_error(post(api(judge), url, {"entry": entry.pk}), 400)  # linked once
    assert_error(post(api(judge), url, {"entry": "one"}), 400)
    assert_error(post(api(judge), url, {"entry": 2**70}), 400)


def test_the_lists_of_measures_read_in_a_constant_number_of_queries(case, judge):
    client = api(judge)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    of_case, expiring = f"{API}/cases/{case.pk}/measures/", f"{API}/measures/expiring/?days=366"
    take(case, judge)
    once = (queries(of_case), queries(expiring))
    take(case, judge, term_months=3)
    services.renew_measure(
        actor=judge, measure=take(case, judge, term_months=2), ruling_number="续行", months=1
    )
    assert ok(client.get(expiring))["count"] == 3
    assert (queries(of_case), queries(expiring)) == once


# --- Expiring and lapsed -----------------------------------------------------------------------------------


def test_the_expiring_list_shows_the_terms_ending_within_the_window(
    case, judge, supervisor, team_lead, president, finance, clerk
):
    soon = take(case, judge, effective_on=days_ago(20), term_months=1)
    take(case, judge, term_months=12)  # ends in a year
    assert soon.expires_on is not None
    left = (soon.expires_on - today()).days
    assert 0 < left < 30
    url = f"{API}/measures/expiring/"

    body = ok(api(judge).get(url))  # 30 days by default
    assert body["count"] == 1
    [row] = body["results"]
    assert (row["case"], row["case_number"], row["days_left"]) == (case.pk, case.number, left)
    assert row["judge"] == judge.get_full_name()
    assert row["measure"]["id"] == soon.pk and row["measure"]["terms"][0]["months"] == 1
    assert ok(api(judge).get(url, {"days": left}))["count"] == 1
    assert ok(api(judge).get(url, {"days": left - 1}))["count"] == 0
    assert ok(api(supervisor).get(url, {"days": 366}))["count"] == 2
    assert ok(api(president).get(url))["count"] == 1
    ok(api(team_lead).get(url))

    for days in (0, 367, "soon"):
        assert "days" in assert_error(api(judge).get(url, {"days": days}), 400)["errors"]
    for user in (finance, clerk):
        assert_error(api(user).get(url), 403)
        assert_error(api(user).get(f"{API}/measures/lapsed/"), 403)


def test_the_expiring_list_stays_within_the_cases_one_may_see(case, judge, other_court):
    take(case, judge, effective_on=days_ago(20), term_months=1)
    elsewhere = UserFactory(username="judge-elsewhere", roles=["judge"], courts=[other_court])
    assert ok(api(elsewhere).get(f"{API}/measures/expiring/"))["count"] == 0


def test_the_lapsed_list_shows_terms_that_ended_unrenewed(case, judge, supervisor):
    old = take(case, judge, effective_on=days_ago(70), term_months=1)
    take(case, judge)
    assert services.flag_lapsed_measures() == 1
    body = ok(api(supervisor).get(f"{API}/measures/lapsed/"))
    [row] = body["results"]
    assert row["measure"]["id"] == old.pk and row["measure"]["status"] == "lapsed"
    assert row["days_left"] < 0
    # A lapsed measure cannot be renewed, but it can be released.
    assert_error(post(api(judge), f"{API}/measures/{old.pk}/renew/", {"ruling_number": "续"}), 400)
    release = {"released_on": today().isoformat(), "reason": "期限届满，解除"}
    assert ok(post(api(judge), f"{API}/measures/{old.pk}/release/", release))["status"] == "released"
    assert ok(api(supervisor).get(f"{API}/measures/lapsed/"))["count"] == 0


# --- Detention ---------------------------------------------------------------------------------------------


def test_a_detention_from_proposal_to_early_release(case, judge, president, clerk):
    respondent = case.respondents()[0]
    proposed = ok(
        post(api(judge), f"{API}/cases/{case.pk}/detentions/", person(days=7, party=respondent.pk)), 201
    )
    assert (proposed["status"], proposed["days"], proposed["party"]) == ("proposed", 7, respondent.pk)
    assert proposed["proposed_by"] == judge.get_full_name() and proposed["started_at"] is None
    assert proposed["family_notice_due_at"] is None
    pk = proposed["id"]

    approved = ok(post(api(president), f"{API}/detentions/{pk}/approve/", {"note": "同意"}))
    assert approved["status"] == "approved" and approved["decided_by"] == president.get_full_name()
    started = datetime.datetime.fromisoformat(approved["started_at"])
    assert started.tzinfo is not None
    assert (
        approved["release_on"]
        == (timezone.localtime(started).date() + datetime.timedelta(days=7)).isoformat()
    )
    due = datetime.datetime.fromisoformat(approved["family_notice_due_at"])
    assert due - started == datetime.timedelta(hours=24)

    notice = {"notified_at": now_iso(), "notice": "电话通知其妻张某"}
    body = ok(post(api(judge), f"{API}/detentions/{pk}/family-notice/", notice))
    assert body["family_notice"] == "电话通知其妻张某" and body["family_notified_at"]

    release = {"released_at": now_iso(), "reason": "已具结悔过并报告财产"}
    body = ok(post(api(judge), f"{API}/detentions/{pk}/release/", release))
    assert body["status"] == "released" and body["release_reason"] == "已具结悔过并报告财产"

    [listed] = ok(api(clerk).get(f"{API}/cases/{case.pk}/detentions/"))
    assert listed["id"] == pk and listed["status"] == "released"


def test_a_detention_is_at_most_15_days(case, judge):
    url = f"{API}/cases/{case.pk}/detentions/"
    assert "days" in assert_error(post(api(judge), url, person(days=16)), 400)["errors"]
    assert "days" in assert_error(post(api(judge), url, person(days=0)), 400)["errors"]
    assert ok(post(api(judge), url, person(days=15)), 201)["days"] == 15
    assert Detention.objects.filter(case=case).count() == 1


def test_only_a_president_who_did_not_propose_decides_a_detention(case, court, judge, president, supervisor):
    detention = propose_detention(case, judge)
    for user in (judge, supervisor):
        assert_error(post(api(user), f"{API}/detentions/{detention.pk}/approve/"), 403)
        assert_error(post(api(user), f"{API}/detentions/{detention.pk}/refuse/", {"note": "不同意"}), 403)

    # A judge who is also the court's president may not approve his own proposal.
    judge_president = UserFactory(username="judge-president", roles=["judge", "president"], courts=[court])
    case.responsible_judge = judge_president
    case.save(update_fields=["responsible_judge"])
    own = propose_detention(case, judge_president)
    body = assert_error(post(api(judge_president), f"{API}/detentions/{own.pk}/approve/"), 403)
    assert "president" in body["message"]
    # ... but he may decide another's.
    assert ok(post(api(judge_president), f"{API}/detentions/{detention.pk}/approve/"))["status"] == "approved"

    assert "note" in assert_error(post(api(president), f"{API}/detentions/{own.pk}/refuse/"), 400)["errors"]
    body = ok(post(api(president), f"{API}/detentions/{own.pk}/refuse/", {"note": "证据不足"}))
    assert (body["status"], body["decision_note"]) == ("refused", "证据不足")
    assert_error(post(api(president), f"{API}/detentions/{own.pk}/approve/"), 400)  # decided already


def test_detention_times_are_aware_and_not_in_the_future(case, judge, president):
    detention = propose_detention(case, judge)
    url = f"{API}/detentions/{detention.pk}/"
    body = assert_error(post(api(president), url + "approve/", {"started_at": now_iso(hours=2)}), 400)
    assert "started_at" in body["errors"]
    body = assert_error(post(api(president), url + "approve/", {"started_at": "2026-03-02T10:15:00"}), 400)
    assert "UTC offset" in body["errors"]["started_at"][0]
    # The family is told once custody has begun.
    assert_error(post(api(judge), url + "family-notice/", {"notified_at": now_iso(), "notice": "电话"}), 400)

    ok(post(api(president), url + "approve/"))
    naive = {"notified_at": "2026-03-02T10:15:00", "notice": "电话"}
    assert "notified_at" in assert_error(post(api(judge), url + "family-notice/", naive), 400)["errors"]
    future = {"notified_at": now_iso(hours=1), "notice": "电话"}
    assert "notified_at" in assert_error(post(api(judge), url + "family-notice/", future), 400)["errors"]
    late_release = {"released_at": now_iso(hours=1), "reason": "悔过"}
    assert "released_at" in assert_error(post(api(judge), url + "release/", late_release), 400)["errors"]


# --- Fines -------------------------------------------------------------------------------------------------


def test_a_fine_is_proposed_with_its_detention_and_approved_by_the_president(case, judge, president, finance):
    detention = propose_detention(case, judge)
    payload = person(amount="20000.00", detention=detention.pk)
    body = ok(post(api(judge), f"{API}/cases/{case.pk}/fines/", payload), 201)
    assert (body["status"], body["amount"], body["detention"]) == ("proposed", "20000.00", detention.pk)

    approved = ok(post(api(president), f"{API}/fines/{body['id']}/approve/"))
    assert approved["status"] == "approved" and approved["decided_at"]
    other = propose_fine(case, judge)
    refused = ok(post(api(president), f"{API}/fines/{other.pk}/refuse/", {"note": "数额过高"}))
    assert refused["status"] == "refused"

    listed = ok(api(finance).get(f"{API}/cases/{case.pk}/fines/"))
    assert {(f["id"], f["status"]) for f in listed} == {(body["id"], "approved"), (other.pk, "refused")}


def test_fine_input_and_approval_are_checked(case, other_case, court, judge, president):
    url = f"{API}/cases/{case.pk}/fines/"
    for amount in ("-5.00", "0", 100, "1e3"):
        assert "amount" in assert_error(post(api(judge), url, person(amount=amount)), 400)["errors"]
    foreign = propose_detention(other_case, judge)
    body = assert_error(post(api(judge), url, person(amount="100.00", detention=foreign.pk)), 400)
    assert body["errors"] == {"detention": ["Not a detention of this case."]}
    assert not Fine.objects.filter(case=case).exists()

    fine = propose_fine(case, judge)
    assert_error(post(api(judge), f"{API}/fines/{fine.pk}/approve/"), 403)
    judge_president = UserFactory(username="judge-president-2", roles=["judge", "president"], courts=[court])
    case.responsible_judge = judge_president
    case.save(update_fields=["responsible_judge"])
    own = propose_fine(case, judge_president)
    assert_error(post(api(judge_president), f"{API}/fines/{own.pk}/approve/"), 403)
    assert (
        "note"
        in assert_error(post(api(president), f"{API}/fines/{own.pk}/refuse/", {"note": ""}), 400)["errors"]
    )
    assert (
        ok(post(api(president), f"{API}/fines/{own.pk}/approve/", {"note": "同意"}))["status"] == "approved"
    )


# --- Who may do what ---------------------------------------------------------------------------------------


def test_clerks_and_finance_read_but_may_not_act(case, judge, clerk, finance):
    measure = take(case, judge)
    inquiry = search_with_inquiry(case, judge)
    detention = propose_detention(case, judge)
    writes = [
        (
            f"cases/{case.pk}/searches/",
            {"requested_on": today().isoformat(), "institutions": [{"kind": "bank", "name": "农行"}]},
        ),
        (f"inquiries/{inquiry.pk}/reply/", {"replied_on": today().isoformat()}),
        (f"cases/{case.pk}/measures/", measure_payload()),
        (f"measures/{measure.pk}/renew/", {"ruling_number": "续"}),
        (f"measures/{measure.pk}/release/", {"released_on": today().isoformat(), "reason": "履行"}),
        (f"cases/{case.pk}/detentions/", person(days=3)),
        (f"detentions/{detention.pk}/approve/", {}),
        (f"cases/{case.pk}/fines/", person(amount="100.00")),
    ]
    for user in (clerk, finance):
        for path, payload in writes:
            assert_error(post(api(user), f"{API}/{path}", payload), 403)
        for what in ("searches", "measures", "detentions", "fines"):
            ok(api(user).get(f"{API}/cases/{case.pk}/{what}/"))
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_FORCE and len(measure.terms.all()) == 1


def test_outsiders_learn_nothing_by_case_or_by_id(case, judge, president, outsider, stranger):
    measure = take(case, judge)
    inquiry = search_with_inquiry(case, judge)
    detention = propose_detention(case, judge)
    fine = propose_fine(case, judge)
    for user in (outsider, stranger):
        for what in ("searches", "measures", "detentions", "fines"):
            assert_error(api(user).get(f"{API}/cases/{case.pk}/{what}/"), 404)
            assert_error(post(api(user), f"{API}/cases/{case.pk}/{what}/", {}), 404)
        for path in (
            f"inquiries/{inquiry.pk}/reply/",
            f"measures/{measure.pk}/renew/",
            f"measures/{measure.pk}/release/",
            f"measures/{measure.pk}/receipts/",
            f"detentions/{detention.pk}/approve/",
            f"detentions/{detention.pk}/refuse/",
            f"detentions/{detention.pk}/family-notice/",
            f"detentions/{detention.pk}/release/",
            f"fines/{fine.pk}/approve/",
            f"fines/{fine.pk}/refuse/",
        ):
            assert_error(post(api(user), f"{API}/{path}", {}), 404)
    # Ids that do not exist answer the same, however large.
    assert_error(post(api(president), f"{API}/measures/{2**70}/renew/", {}), 404)
    assert_error(post(api(president), f"{API}/detentions/999999/approve/", {}), 404)
    # The anonymous get nothing at all.
    anonymous = APIClient()
    assert anonymous.get(f"{API}/cases/{case.pk}/measures/").status_code in (401, 403)
    assert anonymous.get(f"{API}/measures/expiring/").status_code in (401, 403)


def test_messages_follow_the_readers_language(case, judge):
    client = api(judge)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    body = assert_error(post(client, f"{API}/cases/{case.pk}/detentions/", person(days=16)), 400)
    assert body["message"] == "请求有误，请查看各字段的错误提示。"


# --- The schema --------------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_custody_without_warnings(capsys):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, capsys.readouterr().err
    validate_schema(schema)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/cases/{id}/searches/": {"get", "post"},
        "/api/v1/inquiries/{id}/reply/": {"post"},
        "/api/v1/cases/{id}/measures/": {"get", "post"},
        "/api/v1/measures/{id}/renew/": {"post"},
        "/api/v1/measures/{id}/release/": {"post"},
        "/api/v1/measures/{id}/receipts/": {"post"},
        "/api/v1/measures/expiring/": {"get"},
        "/api/v1/measures/lapsed/": {"get"},
        "/api/v1/cases/{id}/detentions/": {"get", "post"},
        "/api/v1/detentions/{id}/approve/": {"post"},
        "/api/v1/detentions/{id}/refuse/": {"post"},
        "/api/v1/detentions/{id}/family-notice/": {"post"},
        "/api/v1/detentions/{id}/release/": {"post"},
        "/api/v1/cases/{id}/fines/": {"get", "post"},
        "/api/v1/fines/{id}/approve/": {"post"},
        "/api/v1/fines/{id}/refuse/": {"post"},
    }.items():
        assert set(paths[path]) == methods, path
    components = schema["components"]["schemas"]
    assert components["Measure"]["properties"]["amount"]["type"] == "string"
    assert {"days"} <= {p["name"] for p in paths["/api/v1/measures/expiring/"]["get"]["parameters"]}
