"""Pages of the case money: the money panel of the case page, the finance desk, the payment file and the
statement upload.

Every action goes through its page by real HTTP, by persona; the wrong persona gets a 403, a 404 or a
refusal in words, bad input an error, and nothing changes; never a 500.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.models import Deadline
from payments import services, statements
from payments.models import (
    BankTransaction,
    CourtAccount,
    LedgerEntry,
    PayeeAccount,
    PaymentBatch,
    Payout,
    PayoutHold,
    Reconciliation,
    StatementImport,
)
from tests.factories import CourtAccountFactory
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db


# --- Data and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def case(court, clerk, judge):
    case = money_case(court, clerk, judge)
    pay_in(case, "1000.00")
    return case


def as_user(client, user):
    """Signed in, and reading English: the assertions on messages do not depend on the catalogue."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post(client, user, url: str, data: dict | None = None):
    response = as_user(client, user).post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def case_url(case) -> str:
    return reverse("case-detail", args=[case.pk])


def propose(judge, case, amount: str) -> Payout:
    return services.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal(amount))])


def approved(judge, team_lead, case, amount: str) -> Payout:
    payout = propose(judge, case, amount)
    return services.decide_payout(actor=team_lead, payout=payout, approve=True)


def balance(case) -> Decimal:
    case.account.refresh_from_db()
    return case.account.balance


DESK = "/payments/desk/"


# --- The money panel of the case page -----------------------------------------------------------------------


def test_the_case_page_shows_the_sub_account_the_balance_and_the_ledger(client, case, judge):
    html = as_user(client, judge).get(case_url(case)).content.decode()
    assert 'id="money-panel"' in html
    assert case.account.number in html and "中国工商银行乌海分行" in html
    assert "¥1,000.00" in html
    entry = LedgerEntry.objects.get(account=case.account)
    assert f'id="entry-{entry.pk}"' in html
    assert "Money received" in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_money_panel_and_the_desk_render_in_both_languages(
    client, case, judge, team_lead, finance, language
):
    payout = propose(judge, case, "100.00")
    for user, url in ((judge, case_url(case)), (finance, case_url(case)), (team_lead, DESK), (finance, DESK)):
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    client.force_login(team_lead)
    assert (
        f'id="approve-payout-{payout.pk}"' in client.get(DESK, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )


def test_a_case_without_a_court_account_says_so(client, court, clerk, judge):
    from intake import services as intake
    from tests.intake.test_case_numbers import application

    bare = intake.file_case(actor=clerk, application=application(court, 9001)).case
    html = as_user(client, clerk).get(case_url(bare)).content.decode()
    assert 'id="no-sub-account"' in html


def test_the_judge_proposes_a_payout_on_the_case_page(client, case, judge):
    applicant = case.applicants()[0]
    response = post(
        client, judge, reverse("payments:propose", args=[case.pk]), {f"amount_{applicant.pk}": "600.00"}
    )
    payout = Payout.objects.get(case=case)
    assert payout.amount == Decimal("600.00") and payout.status == Payout.Status.PROPOSED
    assert payout.lines.get().account_number == PayeeAccount.objects.get(party=applicant).account_number
    assert response.redirect_chain[-1][0] == case_url(case)
    assert "Payout proposed; it waits for approval." in messages_of(response)
    assert 'id="money-available" class="amount">¥400.00' in response.content.decode()


def test_a_total_is_split_equally_between_two_applicants(client, court, clerk, judge):
    case = money_case(court, clerk, judge, applicants=2)
    pay_in(case, "100.01")
    post(client, judge, reverse("payments:propose", args=[case.pk]), {"split_total": "100.01"})
    lines = Payout.objects.get(case=case).lines.order_by("payee__position", "payee_id")
    assert sorted(line.amount for line in lines) == [Decimal("50.00"), Decimal("50.01")]


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        ("", "Enter the amount to pay."),
        ("abc", "Enter an amount in yuan, e.g. 12500.00."),
        ("1.234", "An amount has at most two decimal places."),
        ("0", "The amount must be greater than zero."),
        ("-5", "The amount must be greater than zero."),
        ("1000.01", "Only 1000.00 is available for payout."),
    ],
)
def test_a_bad_amount_is_refused_in_words_and_nothing_is_proposed(client, case, judge, amount, why):
    field = f"amount_{case.applicants()[0].pk}"
    response = post(client, judge, reverse("payments:propose", args=[case.pk]), {field: amount})
    assert not Payout.objects.exists()
    assert any(why in message for message in errors_of(response)), errors_of(response)


def test_amounts_per_payee_and_a_total_at_once_are_refused(client, case, judge):
    field = f"amount_{case.applicants()[0].pk}"
    response = post(
        client, judge, reverse("payments:propose", args=[case.pk]), {field: "10", "split_total": "10"}
    )
    assert not Payout.objects.exists()
    assert "not both" in errors_of(response)[0]


def test_a_clerk_may_not_propose_and_sees_no_form(client, case, clerk):
    assert 'id="propose-form"' not in as_user(client, clerk).get(case_url(case)).content.decode()
    field = f"amount_{case.applicants()[0].pk}"
    response = post(client, clerk, reverse("payments:propose", args=[case.pk]), {field: "10"})
    assert not Payout.objects.exists()
    assert errors_of(response) == ["Only the case's judge and its team's judges may do this."]


def test_an_outsider_gets_404_on_every_money_action_of_the_case(client, case, judge, team_lead, outsider):
    payout = propose(judge, case, "10.00")
    entry = LedgerEntry.objects.get(account=case.account)
    client.force_login(outsider)
    urls = [
        reverse("payments:propose", args=[case.pk]),
        reverse("payments:record-payee", args=[case.pk]),
        reverse("payments:request-hold", args=[case.pk]),
        reverse("payments:take-out", args=[case.pk]),
        reverse("payments:transfer", args=[case.pk]),
        reverse("payments:decide-payout", args=[payout.pk]),
        reverse("payments:cancel-payout", args=[payout.pk]),
        reverse("payments:mark-paid", args=[payout.pk]),
        reverse("payments:reverse-entry", args=[entry.pk]),
    ]
    for url in urls:
        assert client.post(url, {"decision": "approve", "note": "x", "amount": "1"}).status_code == 404, url
    assert client.get(case_url(case)).status_code == 404
    assert Payout.objects.get().status == Payout.Status.PROPOSED


def test_the_money_actions_answer_only_posts(client, case, judge):
    assert as_user(client, judge).get(reverse("payments:propose", args=[case.pk])).status_code == 405


# --- Approval ---------------------------------------------------------------------------------------------


def test_the_proposer_cannot_approve_his_own_payout(client, case, judge):
    payout = propose(judge, case, "100.00")
    html = as_user(client, judge).get(case_url(case)).content.decode()
    assert "decide-payout" not in html
    response = post(
        client, judge, reverse("payments:decide-payout", args=[payout.pk]), {"decision": "approve"}
    )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PROPOSED
    assert errors_of(response) == ["The person who proposed a payout cannot approve it."]


def test_a_team_lead_who_proposed_cannot_approve_it_either(client, case, court, team_lead, supervisor):
    # A team lead responsible for the case proposes: he works on it, and he is an approver too.
    case.responsible_judge = team_lead
    case.save(update_fields=["responsible_judge"])
    payout = propose(team_lead, case, "100.00")
    response = post(
        client, team_lead, reverse("payments:decide-payout", args=[payout.pk]), {"decision": "approve"}
    )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PROPOSED
    assert errors_of(response) == ["The person who proposed a payout cannot approve it."]
    post(client, supervisor, reverse("payments:decide-payout", args=[payout.pk]), {"decision": "approve"})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.APPROVED and payout.decided_by == supervisor


def test_the_team_lead_approves_on_the_desk_and_goes_back_to_it(client, case, judge, team_lead):
    payout = propose(judge, case, "100.00")
    response = post(
        client,
        team_lead,
        reverse("payments:decide-payout", args=[payout.pk]),
        {"decision": "approve", "next": DESK},
    )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.APPROVED and payout.decided_by == team_lead
    assert response.redirect_chain[-1][0] == DESK
    assert "Payout approved; finance pays it." in messages_of(response)
    assert Deadline.objects.filter(case=case, node_type__code="payout_pay").exists()


def test_a_rejection_needs_a_note(client, case, judge, team_lead):
    payout = propose(judge, case, "100.00")
    url = reverse("payments:decide-payout", args=[payout.pk])
    response = post(client, team_lead, url, {"decision": "reject", "note": "  "})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PROPOSED
    assert errors_of(response) == ["Say why the payout is rejected."]
    post(client, team_lead, url, {"decision": "reject", "note": "金额有误"})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.REJECTED and payout.decision_note == "金额有误"


def test_an_unknown_decision_is_an_error_not_a_500(client, case, judge, team_lead):
    payout = propose(judge, case, "100.00")
    response = post(
        client, team_lead, reverse("payments:decide-payout", args=[payout.pk]), {"decision": "maybe"}
    )
    assert errors_of(response) and Payout.objects.get().status == Payout.Status.PROPOSED


def test_above_the_threshold_only_a_president_approves(client, case, judge, team_lead, president):
    CourtAccount.objects.filter(court=case.court).update(higher_approval_above=Decimal("500.00"))
    payout = propose(judge, case, "600.00")
    assert payout.needs_higher_approval
    assert f"approve-payout-{payout.pk}" not in as_user(client, team_lead).get(DESK).content.decode()
    url = reverse("payments:decide-payout", args=[payout.pk])
    response = post(client, team_lead, url, {"decision": "approve", "next": DESK})
    assert errors_of(response) == ["A payout of this size needs the approval of a court president."]
    assert f"approve-payout-{payout.pk}" in as_user(client, president).get(DESK).content.decode()
    post(client, president, url, {"decision": "approve", "next": DESK})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.APPROVED and payout.decided_by == president


def test_the_proposer_cancels_with_a_note(client, case, judge):
    payout = propose(judge, case, "100.00")
    url = reverse("payments:cancel-payout", args=[payout.pk])
    response = post(client, judge, url, {"note": ""})
    assert errors_of(response) == ["Say why the payout is cancelled."]
    post(client, judge, url, {"note": "申请人撤回"})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.CANCELLED and payout.cancelled_by == judge


def test_finance_may_not_cancel_a_payout(client, case, judge, finance):
    payout = propose(judge, case, "100.00")
    response = post(client, finance, reverse("payments:cancel-payout", args=[payout.pk]), {"note": "x"})
    assert errors_of(response) == ["Only the proposer or an approver may cancel a payout."]
    assert Payout.objects.get().status == Payout.Status.PROPOSED


# --- Payment ---------------------------------------------------------------------------------------------


def test_finance_marks_a_payout_paid_on_the_desk(client, case, judge, team_lead, finance):
    payout = approved(judge, team_lead, case, "600.00")
    assert f'id="pay-payout-{payout.pk}"' in as_user(client, finance).get(DESK).content.decode()
    response = post(
        client,
        finance,
        reverse("payments:mark-paid", args=[payout.pk]),
        {"bank_reference": "BOC123", "next": DESK},
    )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.bank_reference == "BOC123"
    assert balance(case) == Decimal("400.00")
    assert f'id="pay-payout-{payout.pk}"' not in response.content.decode()


def test_paying_needs_a_bank_reference_and_finance(client, case, judge, team_lead, finance):
    payout = approved(judge, team_lead, case, "600.00")
    url = reverse("payments:mark-paid", args=[payout.pk])
    response = post(client, finance, url, {"bank_reference": ""})
    assert errors_of(response) and Payout.objects.get().status == Payout.Status.APPROVED
    response = post(client, judge, url, {"bank_reference": "X1"})
    assert errors_of(response) == ["Only the court's finance officers handle money."]
    assert balance(case) == Decimal("1000.00")


def test_selected_payouts_go_into_a_payment_file_downloaded_as_csv_and_confirmed(
    client, court, clerk, case, judge, team_lead, finance
):
    second_case = money_case(court, clerk, judge)
    pay_in(second_case, "300.00")
    first = approved(judge, team_lead, case, "600.50")
    second = approved(judge, team_lead, second_case, "300.00")
    response = post(
        client, finance, reverse("payments:export-batch"), {"payouts": [first.pk, second.pk], "next": DESK}
    )
    batch = PaymentBatch.objects.get()
    assert batch.total == Decimal("900.50")
    assert set(batch.payouts.values_list("status", flat=True)) == {Payout.Status.EXPORTED}
    assert f'id="batch-{batch.pk}"' in response.content.decode()

    download = client.get(reverse("payments:payment-file", args=[batch.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    body = download.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Payout", "Case number", "Payee", "Bank", "Account holder", "Account number", "Amount"]
    line = first.lines.get()
    assert rows[1] == [
        str(first.pk),
        case.number,
        line.payee.name,
        "中国银行",
        line.account_name,
        line.account_number,
        "600.50",
    ]
    assert rows[2][1] == second_case.number and rows[2][6] == "300.00"

    post(
        client,
        finance,
        reverse("payments:confirm-batch", args=[batch.pk]),
        {"bank_reference": "FILE-1", "next": DESK},
    )
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.CONFIRMED
    assert balance(case) == Decimal("399.50") and balance(second_case) == Decimal("0.00")


def test_exporting_nothing_is_refused(client, finance):
    response = post(client, finance, reverse("payments:export-batch"), {"next": DESK})
    assert errors_of(response) == ["Choose at least one approved payout."]
    assert not PaymentBatch.objects.exists()


def test_a_proposed_payout_cannot_be_exported(client, case, judge, finance):
    payout = propose(judge, case, "10.00")
    response = post(client, finance, reverse("payments:export-batch"), {"payouts": [payout.pk]})
    assert errors_of(response) == ["Only this court's approved payouts can go into a payment file."]
    assert not PaymentBatch.objects.exists()


def test_only_finance_of_the_court_downloads_a_payment_file(
    client, case, judge, team_lead, finance, outsider
):
    payout = approved(judge, team_lead, case, "10.00")
    batch = services.export_payment_batch(actor=finance, court=case.court, payouts=[payout])
    url = reverse("payments:payment-file", args=[batch.pk])
    assert as_user(client, team_lead).get(url).status_code == 403
    assert as_user(client, outsider).get(url).status_code == 404


# --- Holds ---------------------------------------------------------------------------------------------


def test_hold_requested_by_the_judge_approved_on_the_desk_and_released_on_the_case_page(
    client, case, judge, supervisor
):
    post(
        client,
        judge,
        reverse("payments:request-hold", args=[case.pk]),
        {"reason": "objection", "detail": "案外人异议"},
    )
    hold = PayoutHold.objects.get(case=case)
    assert hold.status == PayoutHold.Status.REQUESTED
    assert f'id="desk-hold-{hold.pk}"' in as_user(client, supervisor).get(DESK).content.decode()
    post(
        client,
        supervisor,
        reverse("payments:decide-hold", args=[hold.pk]),
        {"decision": "approve", "next": DESK},
    )
    hold.refresh_from_db()
    assert hold.status == PayoutHold.Status.ACTIVE
    html = as_user(client, judge).get(case_url(case)).content.decode()
    assert 'id="on-hold"' in html and 'id="propose-form"' not in html
    response = post(client, supervisor, reverse("payments:release-hold", args=[hold.pk]), {"note": ""})
    assert errors_of(response) == ["Say why the hold ends."]
    post(client, supervisor, reverse("payments:release-hold", args=[hold.pk]), {"note": "异议已驳回"})
    hold.refresh_from_db()
    assert hold.status == PayoutHold.Status.RELEASED


def test_a_hold_needs_a_reason_and_a_detail(client, case, judge):
    response = post(
        client, judge, reverse("payments:request-hold", args=[case.pk]), {"reason": "whim", "detail": ""}
    )
    assert errors_of(response) and not PayoutHold.objects.exists()


def test_a_judge_cannot_decide_a_hold(client, case, judge, supervisor):
    hold = services.request_hold(actor=judge, case=case, reason="dispute", detail="权属争议")
    response = post(client, judge, reverse("payments:decide-hold", args=[hold.pk]), {"decision": "approve"})
    assert errors_of(response) == ["Only the court's supervisors and presidents approve payout holds."]
    response = post(
        client, supervisor, reverse("payments:decide-hold", args=[hold.pk]), {"decision": "refuse"}
    )
    assert errors_of(response) == ["Say why the hold is refused."]
    post(
        client,
        supervisor,
        reverse("payments:decide-hold", args=[hold.pk]),
        {"decision": "refuse", "note": "无事由"},
    )
    hold.refresh_from_db()
    assert hold.status == PayoutHold.Status.REFUSED and hold.decision_note == "无事由"


# --- Payee accounts and payer reviews -----------------------------------------------------------------------


def test_the_judge_records_a_payout_account_for_an_applicant_without_one(client, case, judge):
    applicant = case.applicants()[0]
    PayeeAccount.objects.filter(party=applicant).delete()
    html = as_user(client, judge).get(case_url(case)).content.decode()
    assert 'id="payee-form"' in html and 'id="propose-form"' not in html
    url = reverse("payments:record-payee", args=[case.pk])
    data = {
        "party": applicant.pk,
        "bank_name": "中国建设银行",
        "account_name": applicant.name,
        "account_number": "12ab",
        "basis": "账户确认书",
    }
    for wrong in ("12ab", "1" * 35):
        response = post(client, judge, url, data | {"account_number": wrong})
        assert errors_of(response) == [
            "Nothing was changed: A bank account number has 6 to 32 digits, without spaces or letters."
        ]
        assert not PayeeAccount.objects.filter(party=applicant).exists()
    post(client, judge, url, data | {"account_number": "6227 0000 1111 2222"})
    assert PayeeAccount.objects.get(party=applicant).account_number == "6227000011112222"


def test_money_from_someone_else_is_reviewed_by_the_judge(client, case, judge):
    tx = pay_in(case, "50.00", payer="李四")
    assert tx.payer_review_needed
    assert f'id="payer-review-{tx.pk}"' in as_user(client, judge).get(case_url(case)).content.decode()
    url = reverse("payments:review-payer", args=[tx.pk])
    response = post(client, judge, url, {"note": ""})
    assert errors_of(response) == ["Say who paid and why it is in order."]
    post(client, judge, url, {"note": "被执行人法定代表人代付"})
    tx.refresh_from_db()
    assert tx.payer_reviewed_by == judge


# --- Finance's adjustments --------------------------------------------------------------------------------


def test_finance_takes_out_court_fees_and_reverses_them(client, case, finance):
    url = reverse("payments:take-out", args=[case.pk])
    response = post(client, finance, url, {"kind": "court_fee", "amount": "2000.00", "note": "执行费"})
    assert errors_of(response) == ["Only 1000.00 is free; the rest is promised to payouts."]
    post(client, finance, url, {"kind": "court_fee", "amount": "50.00", "note": "执行费"})
    fee = LedgerEntry.objects.get(kind=LedgerEntry.Kind.COURT_FEE)
    assert balance(case) == Decimal("950.00")
    response = post(client, finance, reverse("payments:reverse-entry", args=[fee.pk]), {"note": "多收"})
    assert balance(case) == Decimal("1000.00")
    html = response.content.decode()
    assert f'<tr id="entry-{fee.pk}" class="reversed">' in html


def test_a_judge_cannot_take_money_out(client, case, judge):
    url = reverse("payments:take-out", args=[case.pk])
    response = post(client, judge, url, {"kind": "court_fee", "amount": "50.00", "note": "执行费"})
    assert errors_of(response) == ["Only the court's finance officers handle money."]
    assert balance(case) == Decimal("1000.00")


def test_finance_transfers_to_another_case_by_its_number(client, court, clerk, judge, case, finance):
    other = money_case(court, clerk, judge)
    url = reverse("payments:transfer", args=[case.pk])
    response = post(
        client, finance, url, {"target": "（2026）蒙0302执99999号", "amount": "100", "note": "错划"}
    )
    assert errors_of(response) == ["This court has no case numbered （2026）蒙0302执99999号."]
    typed = other.number.replace("（", "(").replace("）", ")")
    post(client, finance, url, {"target": typed, "amount": "100", "note": "错划"})
    assert balance(case) == Decimal("900.00") and balance(other) == Decimal("100.00")


# --- The finance desk -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["judge", "clerk", "outsider", "stranger"])
def test_the_desk_is_closed_to_those_who_do_not_handle_money(client, persona, request):
    user = request.getfixturevalue(persona)
    assert as_user(client, user).get(DESK).status_code == 403


def test_the_desk_sends_anonymous_visitors_to_log_in(client):
    response = client.get(DESK)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_nav_links_to_the_desk_for_money_roles_only(client, judge, finance, team_lead):
    assert 'id="finance-desk-link"' in as_user(client, finance).get("/").content.decode()
    assert 'id="finance-desk-link"' in as_user(client, team_lead).get("/").content.decode()
    assert 'id="finance-desk-link"' not in as_user(client, judge).get("/").content.decode()


def test_an_empty_desk_says_nothing_is_waiting(client, court, finance, supervisor):
    html = as_user(client, finance).get(DESK).content.decode()
    for empty in (
        "No unmatched money.",
        "No approved payout waits for payment.",
        "No payment file waits for the bank.",
        "No payout is overdue.",
        "No reconciliation has run yet.",
    ):
        assert empty in html
    assert "desk-to-approve" not in html  # finance approves nothing
    html = as_user(client, supervisor).get(DESK).content.decode()
    assert "Nothing waiting for your approval." in html and 'id="desk-holds"' in html


def unmatched(court, n: int, *, booked_at: datetime.datetime | None = None) -> BankTransaction:
    tx, _created = services.receive_money(
        incoming=services.IncomingMoney(
            transaction_id=f"UNM{n:05d}",
            account_number="",
            amount=Decimal("10.00") + n,
            booked_at=booked_at or timezone.now(),
            payer_name="王五",
        ),
        source=BankTransaction.Source.STATEMENT,
        court=court,
    )
    return tx


def test_unmatched_money_is_paged_with_its_total(client, court, finance):
    CourtAccountFactory(court=court)
    for n in range(30):
        unmatched(court, n)
    first = as_user(client, finance).get(DESK).content.decode()
    assert first.count('id="unmatched-') == 25
    assert "Page 1 of 2" in first
    assert "Unmatched money waiting to be claimed: 735.00 yuan." in first  # 30 × 10 + 0 + 1 + … + 29
    assert client.get(DESK + "?page=2").content.decode().count('id="unmatched-') == 5


def test_money_past_its_claim_date_is_highlighted(client, court, finance):
    CourtAccountFactory(court=court)
    late = unmatched(court, 1, booked_at=timezone.now() - datetime.timedelta(days=60))
    fresh = unmatched(court, 2)
    html = as_user(client, finance).get(DESK).content.decode()
    assert f'<tr id="unmatched-{late.pk}" class="overdue">' in html
    assert f'<tr id="unmatched-{fresh.pk}">' in html


def test_finance_claims_unmatched_money_to_a_case_by_its_number(client, case, finance):
    tx = unmatched(case.court, 1)
    url = reverse("payments:claim", args=[tx.pk])
    response = post(client, finance, url, {"case_number": "（2026）蒙0302执99999号", "next": DESK})
    assert errors_of(response) == ["No case numbered （2026）蒙0302执99999号 in your courts."]
    typed = " " + case.number.replace("（", "(").replace("）", ")")
    response = post(client, finance, url, {"case_number": typed, "next": DESK})
    tx.refresh_from_db()
    assert tx.status == BankTransaction.Status.CLAIMED and tx.case == case
    assert balance(case) == Decimal("1011.00")
    assert messages_of(response) == [f"Money claimed and credited to {case.number}."]


def test_a_team_lead_sees_unmatched_money_but_may_not_claim_it(client, case, team_lead):
    tx = unmatched(case.court, 1)
    html = as_user(client, team_lead).get(DESK).content.decode()
    assert f'id="unmatched-{tx.pk}"' in html and "payments/transactions" not in html
    response = post(client, team_lead, reverse("payments:claim", args=[tx.pk]), {"case_number": case.number})
    assert errors_of(response) == ["Only the court's finance officers handle money."]
    tx.refresh_from_db()
    assert tx.status == BankTransaction.Status.UNMATCHED


def test_finance_returns_unmatched_money_with_a_reason(client, case, finance):
    tx = unmatched(case.court, 1)
    url = reverse("payments:return", args=[tx.pk])
    response = post(client, finance, url, {"note": " "})
    assert errors_of(response) == ["Say why the money is returned."]
    post(client, finance, url, {"note": "误汇，原路退回"})
    tx.refresh_from_db()
    assert tx.status == BankTransaction.Status.RETURNED
    assert as_user(client, finance).post(url, {"note": "again"}).status_code == 404  # no longer unmatched


def test_overdue_payouts_are_listed(client, case, finance):
    deadline = Deadline.objects.get(case=case, node_type__code="payout")
    Deadline.objects.filter(pk=deadline.pk).update(status=Deadline.Status.OVERDUE)
    html = as_user(client, finance).get(DESK).content.decode()
    assert f'id="overdue-{deadline.pk}"' in html


def test_a_reconciliation_that_does_not_balance_is_shown_in_red(client, court, finance):
    statement = StatementImport.objects.create(
        court=court, filename="s.csv", closing_balance=Decimal("100.00"), closing_at=timezone.now()
    )
    Reconciliation.objects.create(
        court=court,
        statement=statement,
        run_on=timezone.localdate(),
        as_of=statement.closing_at,
        statement_balance=Decimal("100.00"),
        case_balances=Decimal("90.00"),
        unmatched=Decimal("0.00"),
        difference=Decimal("10.00"),
    )
    html = as_user(client, finance).get(DESK).content.decode()
    assert 'class="amount difference">¥10.00' in html and "does not balance" in html


def test_the_desk_and_the_money_panel_take_as_many_queries_for_many_payouts_as_for_one(
    client, case, judge, team_lead, finance
):
    def queries(user, url: str) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def counts() -> list[int]:
        return [queries(finance, DESK), queries(team_lead, DESK), queries(judge, case_url(case))]

    approved(judge, team_lead, case, "10.00")
    propose(judge, case, "10.00")
    few = counts()
    for _ in range(4):
        pay_in(case, "10.00")
        approved(judge, team_lead, case, "10.00")
        propose(judge, case, "10.00")
    assert counts() == few


# --- The acceptance notice ------------------------------------------------------------------------------


def test_the_acceptance_notice_prints_the_case_sub_account(client, case, clerk):
    html = as_user(client, clerk).get(reverse("intake:notice", args=[case.pk, "acceptance"])).content.decode()
    assert case.account.number in html
    assert "中国工商银行乌海分行" in html and f"{case.court.name}执行款专户" in html


# --- Statement upload ---------------------------------------------------------------------------------

UPLOAD = "/payments/statements/upload/"
HEADER = "transaction_id,booked_at,account,amount,payer_name,payer_account,balance"


def csv_file(*lines: str, name: str = "statement.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join([HEADER, *lines]).encode("utf-8"), content_type="text/csv")


def test_finance_uploads_a_statement_and_sees_what_it_did(client, case, finance):
    booked = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    upload = csv_file(
        f"S1,{booked},{case.account.number},200.00,{case.respondents()[0].name},6222,1200.00",
        f"S2,{booked},,30.00,王五,6223,1230.00",
    )
    response = as_user(client, finance).post(UPLOAD, {"court": case.court.pk, "file": upload}, follow=True)
    assert response.status_code == 200
    imported = StatementImport.objects.get()
    assert (imported.lines, imported.credited, imported.duplicates) == (2, 2, 0)
    html = response.content.decode()
    assert 'id="import-result"' in html and '<dd id="import-credited">2</dd>' in html
    assert balance(case) == Decimal("1200.00")
    assert BankTransaction.objects.filter(status=BankTransaction.Status.UNMATCHED).count() == 1


def test_a_bad_statement_is_refused_with_its_lines_and_nothing_saved(client, case, finance):
    upload = csv_file("S1,yesterday,,abc,,,1.00")
    response = as_user(client, finance).post(UPLOAD, {"court": case.court.pk, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Line 2" in html
    assert not StatementImport.objects.exists()


def test_a_statement_over_the_size_limit_is_refused_before_reading(client, case, finance):
    big = SimpleUploadedFile("big.csv", b"x" * (statements.MAX_BYTES + 1), content_type="text/csv")
    response = as_user(client, finance).post(UPLOAD, {"court": case.court.pk, "file": big})
    assert response.status_code == 200
    assert "a statement may be at most 10.0\xa0MB" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_a_statement_for_a_court_not_his_own_is_refused(client, case, finance, other_court):
    upload = csv_file("S1,2026-01-01 10:00:00,,1.00,,,1.00")
    response = as_user(client, finance).post(UPLOAD, {"court": other_court.pk, "file": upload})
    assert "Select a valid choice" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_only_finance_uploads_statements(client, team_lead, judge):
    assert as_user(client, team_lead).get(UPLOAD).status_code == 403
    assert as_user(client, judge).get(UPLOAD).status_code == 403


def test_the_upload_page_renders_in_both_languages(client, finance):
    client.force_login(finance)
    for language in ("zh-hans", "en"):
        assert client.get(UPLOAD, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
