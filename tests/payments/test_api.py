"""The money API by persona: reading a case's money, payouts from proposal to payment, claims, holds,
adjustments, and the idempotency keys that keep a retried request from moving money twice.

Staff sign in with a token here (the API's other way in, a session, is the same path after login).
"""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from enforcement.models import Party
from payments import accountnumbers, services
from payments.models import BankTransaction, IdempotencyKey, LedgerEntry, Payout, PayoutHold
from tests.factories import api_token
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db

_keys = iter(range(1, 10**6))


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def post(client: APIClient, url: str, payload: Any = None, *, key: str | None = "auto") -> Any:
    headers = {}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = f"key-{next(_keys)}" if key == "auto" else key
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **headers)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def balance(case) -> Decimal:
    case.account.refresh_from_db()
    return case.account.balance


@pytest.fixture
def case(court, clerk, judge):
    return money_case(court, clerk, judge)


@pytest.fixture
def funded(case):
    pay_in(case, "1000.00")
    return case


def propose(judge, case, amount: str = "600.00", **extra: Any) -> Any:
    applicant = case.applicants()[0]
    lines = [{"payee": applicant.pk, "amount": amount}]
    return post(api(judge), f"/api/v1/cases/{case.pk}/payouts/", {"lines": lines, **extra})


def approved_payout(case, judge, team_lead) -> Payout:
    payout = services.propose_payout(
        actor=judge, case=case, lines=[(case.applicants()[0], Decimal("600.00"))]
    )
    return services.decide_payout(actor=team_lead, payout=payout, approve=True)


# --- Reading ------------------------------------------------------------------------------------------------


def test_case_detail_shows_the_sub_account_and_its_balance(funded, clerk, judge):
    services.propose_payout(actor=judge, case=funded, lines=[(funded.applicants()[0], Decimal("250.00"))])
    body = api(clerk).get(f"/api/v1/cases/{funded.pk}/").json()
    assert body["account"] == {
        "number": funded.account.number,
        "balance": "1000.00",
        "reserved": "250.00",
        "available": "750.00",
    }


def test_case_money_shows_balance_ledger_payouts_and_payees(funded, judge):
    propose(judge, funded, "600.00")
    response = api(judge).get(f"/api/v1/cases/{funded.pk}/money/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["account_number"] == funded.account.number
    assert (body["balance"], body["reserved"], body["available"]) == ("1000.00", "600.00", "400.00")
    [entry] = body["entries"]
    assert (entry["kind"], entry["amount"], entry["balance_after"]) == ("received", "1000.00", "1000.00")
    [payout] = body["payouts"]
    assert payout["status"] == "proposed" and payout["amount"] == "600.00"
    assert payout["lines"][0]["payee"] == funded.applicants()[0].pk
    assert [p["party"] for p in body["payees"]] == [funded.applicants()[0].pk]
    assert {d["node"] for d in body["payout_deadlines"]} == {"payout", "payout_approve"}


def test_an_outsider_gets_404_for_another_courts_case_money(funded, outsider, stranger):
    for user in (outsider, stranger):
        assert_error(api(user).get(f"/api/v1/cases/{funded.pk}/money/"), 404)


def test_the_anonymous_get_nothing(funded):
    client = APIClient()
    assert client.get(f"/api/v1/cases/{funded.pk}/money/").status_code in (401, 403)
    assert client.get("/api/v1/payouts/").status_code in (401, 403)


def test_the_payout_list_filters_by_status_and_stays_in_the_users_courts(funded, judge, team_lead, outsider):
    first = services.propose_payout(
        actor=judge, case=funded, lines=[(funded.applicants()[0], Decimal("100.00"))]
    )
    services.propose_payout(actor=judge, case=funded, lines=[(funded.applicants()[0], Decimal("200.00"))])
    services.decide_payout(actor=team_lead, payout=first, approve=True)

    body = api(team_lead).get("/api/v1/payouts/", {"status": "proposed"}).json()
    assert body["count"] == 1 and body["results"][0]["amount"] == "200.00"
    assert api(team_lead).get("/api/v1/payouts/").json()["count"] == 2
    assert api(outsider).get("/api/v1/payouts/").json()["count"] == 0
    assert_error(api(team_lead).get("/api/v1/payouts/", {"status": "lost"}), 400)


def test_the_payout_list_reads_in_a_constant_number_of_queries(funded, judge, team_lead):
    client = api(team_lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/payouts/").status_code == 200
        return len(captured)

    propose(judge, funded, "10.00")
    one = queries()
    for amount in ("20.00", "30.00", "40.00"):
        propose(judge, funded, amount)
    assert queries() == one


def test_a_case_without_an_account_shows_no_money(court, clerk):
    from tests.factories import CaseFactory

    bare = CaseFactory(court=court)  # its court has no enforcement account yet
    body = api(clerk).get(f"/api/v1/cases/{bare.pk}/money/").json()
    assert body["account_number"] is None
    assert (body["balance"], body["available"], body["entries"]) == ("0.00", "0.00", [])
    assert api(clerk).get(f"/api/v1/cases/{bare.pk}/").json()["account"] is None


# --- Payouts ------------------------------------------------------------------------------------------------


def test_propose_approve_and_pay_end_to_end(funded, judge, team_lead, finance):
    response = propose(judge, funded, "600.00", reason="首次发放")
    assert response.status_code == 201, response.content
    payout = response.json()
    assert payout["status"] == "proposed" and payout["case_number"] == funded.number

    approved = post(api(team_lead), f"/api/v1/payouts/{payout['id']}/approve/", {"note": "同意"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"

    paid = post(api(finance), f"/api/v1/payouts/{payout['id']}/pay/", {"bank_reference": "REF-1"})
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid" and paid.json()["bank_reference"] == "REF-1"
    assert balance(funded) == Decimal("400.00")
    money = api(judge).get(f"/api/v1/cases/{funded.pk}/money/").json()
    assert money["entries"][0]["kind"] == "paid_out" and money["entries"][0]["amount"] == "-600.00"


def test_a_total_split_by_shares_goes_to_the_cent(court, clerk, judge):
    case = money_case(court, clerk, judge, applicants=3)
    pay_in(case, "100.00")
    shares = [{"payee": p.pk, "share": 1} for p in case.applicants()]
    response = post(api(judge), f"/api/v1/cases/{case.pk}/payouts/", {"amount": "100.00", "shares": shares})
    assert response.status_code == 201, response.content
    assert [line["amount"] for line in response.json()["lines"]] == ["33.34", "33.33", "33.33"]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"amount": "100.00"}, id="amount-without-shares"),
        pytest.param({"lines": [], "amount": "1.00", "shares": []}, id="both-forms"),
        pytest.param({"lines": [{"payee": 1, "amount": 100.0}]}, id="float-amount"),
        pytest.param({"lines": [{"payee": 1, "amount": "1.00"}], "extra": 1}, id="unknown-field"),
    ],
)
def test_a_malformed_proposal_is_refused(funded, judge, payload):
    assert_error(post(api(judge), f"/api/v1/cases/{funded.pk}/payouts/", payload), 400)
    assert not Payout.objects.exists()


def test_a_payee_from_another_case_is_refused(funded, court, clerk, judge):
    other = money_case(court, clerk, judge)
    lines = [{"payee": other.applicants()[0].pk, "amount": "10.00"}]
    body = assert_error(post(api(judge), f"/api/v1/cases/{funded.pk}/payouts/", {"lines": lines}), 400)
    assert "lines" in body["errors"]


def test_a_proposal_above_the_available_money_is_refused(funded, judge):
    body = assert_error(propose(judge, funded, "1000.01"), 400)
    assert "1000.00" in body["errors"]["amount"][0]


def test_the_proposer_cannot_approve_his_own_payout(funded, judge):
    payout = propose(judge, funded).json()
    response = post(api(judge), f"/api/v1/payouts/{payout['id']}/approve/", key="own-approval")
    assert_error(response, 403)
    assert Payout.objects.get(pk=payout["id"]).status == Payout.Status.PROPOSED
    assert not IdempotencyKey.objects.filter(key="own-approval").exists()


def test_a_rejection_needs_a_note_and_frees_the_money(funded, judge, team_lead):
    payout = propose(judge, funded, "900.00").json()
    url = f"/api/v1/payouts/{payout['id']}/reject/"
    assert "note" in assert_error(post(api(team_lead), url, {}), 400)["errors"]
    response = post(api(team_lead), url, {"note": "金额有误"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert api(judge).get(f"/api/v1/cases/{funded.pk}/money/").json()["available"] == "1000.00"


def test_the_proposer_cancels_with_a_reason(funded, judge):
    payout = propose(judge, funded).json()
    response = post(api(judge), f"/api/v1/payouts/{payout['id']}/cancel/", {"note": "账户变更"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"


def test_only_finance_pays(funded, judge, team_lead):
    payout = approved_payout(funded, judge, team_lead)
    assert_error(post(api(team_lead), f"/api/v1/payouts/{payout.pk}/pay/", {"bank_reference": "R"}), 403)
    assert balance(funded) == Decimal("1000.00")


def test_another_courts_payout_is_not_found(funded, judge, team_lead, other_court):
    from tests.factories import UserFactory

    foreign_finance = UserFactory(username="foreign-finance", roles=["finance"], courts=[other_court])
    payout = approved_payout(funded, judge, team_lead)
    response = post(api(foreign_finance), f"/api/v1/payouts/{payout.pk}/pay/", {"bank_reference": "R"})
    assert_error(response, 404)


# --- Idempotency --------------------------------------------------------------------------------------------


def test_a_replayed_request_gets_the_same_answer_and_pays_once(funded, judge, team_lead, finance):
    payout = approved_payout(funded, judge, team_lead)
    url = f"/api/v1/payouts/{payout.pk}/pay/"
    first = post(api(finance), url, {"bank_reference": "REF-9"}, key="pay-9")
    again = post(api(finance), url, {"bank_reference": "REF-9"}, key="pay-9")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAID_OUT).count() == 1
    assert balance(funded) == Decimal("400.00")


def test_a_replayed_proposal_creates_one_payout(funded, judge):
    first = propose(judge, funded, "100.00", reason="r")
    lines = [{"payee": funded.applicants()[0].pk, "amount": "100.00"}]
    # Same key, same request with its keys in another order: still the same request.
    key = IdempotencyKey.objects.get().key
    again = post(api(judge), f"/api/v1/cases/{funded.pk}/payouts/", {"reason": "r", "lines": lines}, key=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert Payout.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(funded, judge):
    url = f"/api/v1/cases/{funded.pk}/payouts/"
    applicant = funded.applicants()[0].pk
    post(api(judge), url, {"lines": [{"payee": applicant, "amount": "100.00"}]}, key="k1")
    response = post(api(judge), url, {"lines": [{"payee": applicant, "amount": "200.00"}]}, key="k1")
    assert assert_error(response, 422)["code"] == "idempotency_key_reused"
    assert Payout.objects.count() == 1


def test_keys_belong_to_their_user(funded, judge, team_lead):
    first = services.propose_payout(actor=judge, case=funded, lines=[(funded.applicants()[0], Decimal("1"))])
    second = services.propose_payout(actor=judge, case=funded, lines=[(funded.applicants()[0], Decimal("2"))])
    colleague_key = IdempotencyKey.objects.create(
        user=judge, key="shared", endpoint="/x/", request_hash="0" * 64, status_code=200, response={}
    )
    response = post(api(team_lead), f"/api/v1/payouts/{first.pk}/approve/", key=colleague_key.key)
    assert response.status_code == 200 and response.json()["id"] == first.pk
    assert Payout.objects.get(pk=second.pk).status == Payout.Status.PROPOSED


def test_a_money_post_without_a_key_is_refused_before_anything_happens(funded, judge):
    lines = [{"payee": funded.applicants()[0].pk, "amount": "100.00"}]
    response = post(api(judge), f"/api/v1/cases/{funded.pk}/payouts/", {"lines": lines}, key=None)
    body = assert_error(response, 400)
    assert body["code"] == "idempotency_key_required" and "Idempotency-Key" in body["message"]
    assert not Payout.objects.exists()


def test_a_refused_request_does_not_use_up_its_key(funded, judge):
    url = f"/api/v1/cases/{funded.pk}/payouts/"
    applicant = funded.applicants()[0].pk
    too_much = post(api(judge), url, {"lines": [{"payee": applicant, "amount": "5000.00"}]}, key="retry")
    assert_error(too_much, 400)
    fixed = post(api(judge), url, {"lines": [{"payee": applicant, "amount": "500.00"}]}, key="retry")
    assert fixed.status_code == 201, fixed.content


# --- Money waiting to be claimed ----------------------------------------------------------------------------


def unmatched(amount: str = "50.00", transaction_id: str = "U1") -> BankTransaction:
    """Money for a sub-account of the court (its prefix) that no case has."""
    number = accountnumbers.sub_account_number("0302", 99_999_999)
    tx, _created = services.receive_money(
        incoming=services.IncomingMoney(transaction_id, number, Decimal(amount), timezone.now(), "张三"),
        source=BankTransaction.Source.NOTIFICATION,
    )
    return tx


def test_finance_lists_and_claims_unmatched_money_by_case_number(case, finance):
    tx = unmatched()
    assert tx.court == case.court
    listed = api(finance).get("/api/v1/bank/unmatched/").json()
    assert [row["id"] for row in listed["results"]] == [tx.pk]
    assert listed["results"][0]["claim_explanation"]
    response = post(api(finance), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": case.number})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "claimed" and response.json()["case_number"] == case.number
    assert balance(case) == Decimal("50.00")


def test_a_claim_by_case_id_and_a_claim_to_an_unseen_case(case, finance, other_court, outsider):
    from tests.factories import CaseFactory

    foreign = CaseFactory(court=other_court)
    tx = unmatched()
    refused = post(api(finance), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": foreign.pk})
    assert "case" in assert_error(refused, 400)["errors"]
    claimed = post(api(finance), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": case.pk})
    assert claimed.status_code == 200, claimed.content


def test_money_of_no_known_court_is_claimed_by_finance_only(case, finance, judge):
    tx, _created = services.receive_money(
        incoming=services.IncomingMoney("X1", "12345", Decimal("20.00"), timezone.now(), "李四"),
        source=BankTransaction.Source.NOTIFICATION,
    )
    assert tx.court is None
    assert_error(post(api(judge), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": case.pk}), 404)
    response = post(api(finance), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": case.pk})
    assert response.status_code == 200, response.content
    assert balance(case) == Decimal("20.00")


def test_finance_returns_money_with_a_reason(finance):
    tx = unmatched()
    url = f"/api/v1/bank/transactions/{tx.pk}/return/"
    assert_error(post(api(finance), url, {"note": ""}), 400)
    response = post(api(finance), url, {"note": "付款人要求退回"})
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_finance_only_endpoints_refuse_a_judge(funded, case, judge):
    tx = unmatched()
    assert_error(api(judge).get("/api/v1/bank/unmatched/"), 403)
    assert_error(post(api(judge), f"/api/v1/bank/transactions/{tx.pk}/claim/", {"case": case.pk}), 403)
    take_out = {"kind": "court_fee", "amount": "10.00", "note": "执行费"}
    assert_error(post(api(judge), f"/api/v1/cases/{funded.pk}/ledger/take-out/", take_out), 403)
    assert balance(funded) == Decimal("1000.00")
    assert BankTransaction.objects.get(pk=tx.pk).status == BankTransaction.Status.UNMATCHED


def test_the_judge_reviews_a_payer_who_is_not_a_respondent(case, judge):
    tx = pay_in(case, "30.00", payer="案外人乙")
    url = f"/api/v1/bank/transactions/{tx.pk}/review-payer/"
    response = post(api(judge), url, {"note": "被执行人亲属代为履行"}, key=None)
    assert response.status_code == 200, response.content
    assert response.json()["payer_reviewed_at"] is not None


# --- Holds --------------------------------------------------------------------------------------------------


def test_a_hold_stops_payouts_until_released(funded, judge, supervisor):
    response = post(
        api(judge), f"/api/v1/cases/{funded.pk}/holds/", {"reason": "objection", "detail": "异议"}
    )
    assert response.status_code == 201, response.content
    hold = response.json()
    assert_error(post(api(judge), f"/api/v1/holds/{hold['id']}/approve/"), 403)
    approved = post(api(supervisor), f"/api/v1/holds/{hold['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert_error(propose(judge, funded, "10.00"), 400)
    released = post(api(supervisor), f"/api/v1/holds/{hold['id']}/release/", {"note": "异议已驳回"})
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert propose(judge, funded, "10.00").status_code == 201


def test_a_refused_hold_leaves_payouts_free(funded, judge, supervisor):
    hold = services.request_hold(actor=judge, case=funded, reason="dispute", detail="权属争议")
    without_reason = post(api(supervisor), f"/api/v1/holds/{hold.pk}/refuse/")
    assert "note" in assert_error(without_reason, 400)["errors"]
    response = post(api(supervisor), f"/api/v1/holds/{hold.pk}/refuse/", {"note": "无法定事由"})
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert response.json()["decision_note"] == "无法定事由"
    assert PayoutHold.objects.get(pk=hold.pk).status == PayoutHold.Status.REFUSED


# --- Adjustments and payees ---------------------------------------------------------------------------------


def test_finance_takes_out_fees_transfers_and_reverses(funded, court, clerk, judge, finance):
    other = money_case(court, clerk, judge)
    fee = post(
        api(finance),
        f"/api/v1/cases/{funded.pk}/ledger/take-out/",
        {"kind": "court_fee", "amount": "50.00", "note": "执行费"},
    )
    assert fee.status_code == 201, fee.content
    assert fee.json()["amount"] == "-50.00" and fee.json()["balance_after"] == "950.00"

    moved = post(
        api(finance),
        f"/api/v1/cases/{funded.pk}/transfers/",
        {"target": other.pk, "amount": "100.00", "note": "错划"},
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["source_entry"]["amount"] == "-100.00"
    assert moved.json()["target_entry"]["amount"] == "100.00"

    reversed_fee = post(api(finance), f"/api/v1/ledger/{fee.json()['id']}/reverse/", {"note": "多收"})
    assert reversed_fee.status_code == 201, reversed_fee.content
    assert reversed_fee.json()["reverses"] == fee.json()["id"]
    assert balance(funded) == Decimal("900.00") and balance(other) == Decimal("100.00")


def test_a_transfer_to_a_case_of_another_court_is_refused(funded, finance, other_court):
    from tests.factories import CaseFactory

    foreign = CaseFactory(court=other_court)
    payload = {"target": foreign.pk, "amount": "1.00", "note": "x"}
    assert (
        "target"
        in assert_error(post(api(finance), f"/api/v1/cases/{funded.pk}/transfers/", payload), 400)["errors"]
    )
    assert balance(funded) == Decimal("1000.00")


def test_a_take_out_kind_other_than_fees_or_refunds_is_refused(funded, finance):
    payload = {"kind": "paid_out", "amount": "1.00", "note": "x"}
    body = assert_error(post(api(finance), f"/api/v1/cases/{funded.pk}/ledger/take-out/", payload), 400)
    assert "kind" in body["errors"]


def test_the_judge_confirms_a_payee_account(case, judge, clerk):
    applicant = case.applicants()[0]
    payload = {
        "party": applicant.pk,
        "bank_name": "中国农业银行",
        "account_name": applicant.name,
        "account_number": "6228 4800 1234 5678",
        "basis": "申请人书面确认",
    }
    response = post(api(judge), f"/api/v1/cases/{case.pk}/payees/", payload, key=None)
    assert response.status_code == 201, response.content
    assert response.json()["account_number"] == "6228480012345678"
    assert_error(post(api(clerk), f"/api/v1/cases/{case.pk}/payees/", payload, key=None), 403)
    respondent = Party.objects.get(case=case, role=Party.Role.RESPONDENT)
    body = assert_error(
        post(api(judge), f"/api/v1/cases/{case.pk}/payees/", {**payload, "party": respondent.pk}), 400
    )
    assert "party" in body["errors"]
