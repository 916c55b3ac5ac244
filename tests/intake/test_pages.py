"""The clerk's pages: filing through the form, the duplicate warning, the first interview."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.models import Case, CaseEvent, Party
from intake import services
from intake.models import FirstInterview, InterviewLead, NoticeDelivery
from tests.factories import resident_id, uscc


def form_data(court, **overrides: Any) -> dict[str, Any]:
    # Received today, on a title in force for a month: valid whatever day the suite runs on.
    today = timezone.localdate()
    data: dict[str, Any] = {
        "court": court.pk,
        "received_on": today.isoformat(),
        "applicants-TOTAL_FORMS": "2",
        "applicants-INITIAL_FORMS": "0",
        "applicants-MIN_NUM_FORMS": "1",
        "applicants-MAX_NUM_FORMS": "50",
        "applicants-0-kind": "person",
        "applicants-0-name": "张三",
        "applicants-0-id_number": resident_id(1),
        "applicants-0-phone": "13800138000",
        "applicants-1-kind": "person",
        "applicants-1-name": "李四",
        "applicants-1-id_number": resident_id(2),
        "respondents-TOTAL_FORMS": "1",
        "respondents-INITIAL_FORMS": "0",
        "respondents-MIN_NUM_FORMS": "1",
        "respondents-MAX_NUM_FORMS": "50",
        "respondents-0-kind": "organisation",
        "respondents-0-name": "某某建材有限公司",
        "respondents-0-id_number": uscc(3),
        "title_court_name": "乌海市海勃湾区人民法院",
        "title_case_number": "(2026)蒙0302民初88号",
        "title_kind": "judgment",
        "title_effective_date": (today - datetime.timedelta(days=30)).isoformat(),
        "claim_kind": "money",
        "claim_amount": "50000.00",
        "materials": ["application", "title_copy"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_a_clerk_files_a_case_with_two_applicants_and_sees_its_number_and_query_code(clerk_client, court):
    response = clerk_client.post(reverse("intake:new"), form_data(court), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("intake:filed", args=[case.pk])
    page = response.content.decode()
    assert case.number in page
    code = response.context["query_code"]
    assert code and code in page
    assert [p.name for p in case.applicants()] == ["张三", "李四"]
    assert sorted(m.kind for m in case.materials.all()) == ["application", "title_copy"]


def test_the_query_code_leaves_the_screen_once_the_acceptance_notice_is_handed_over(clerk_client, court):
    clerk_client.post(reverse("intake:new"), form_data(court))
    case = Case.objects.get()
    applicant = case.applicants()[0]
    url = reverse("intake:record-delivery", args=[case.pk])
    clerk_client.post(
        url, {"kind": "acceptance", "recipient": applicant.pk, "method": "in_person", "acknowledged": "on"}
    )
    page = clerk_client.get(reverse("intake:filed", args=[case.pk]))
    assert page.context["query_code"] is None
    delivery = NoticeDelivery.objects.get()
    assert delivery.acknowledged and delivery.recipient == applicant
    assert case.events.filter(kind=CaseEvent.Kind.NOTICE_DELIVERED, public=True).exists()


def test_a_bad_identity_number_keeps_everything_typed_and_saves_nothing(clerk_client, court):
    data = form_data(court, **{"applicants-1-id_number": "110105194912310021"})
    response = clerk_client.post(reverse("intake:new"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()
    html = response.content.decode()
    assert "张三" in html and "李四" in html and "某某建材有限公司" in html
    assert response.context["applicants"].forms[1].errors["id_number"]


def test_an_amount_with_three_decimals_is_refused_on_the_page(clerk_client, court):
    response = clerk_client.post(reverse("intake:new"), form_data(court, claim_amount="10.005"))
    assert response.status_code == 400
    assert response.context["form"].errors["claim_amount"]


def test_a_title_already_filed_is_flagged_with_a_link_before_saving(clerk_client, court):
    clerk_client.post(reverse("intake:new"), form_data(court))
    existing = Case.objects.get()
    response = clerk_client.post(
        reverse("intake:new"), form_data(court, title_case_number="（2026）蒙0302民初88号")
    )
    assert Case.objects.count() == 1
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html
    assert reverse("case-detail", args=[existing.pk]) in html
    clerk_client.post(reverse("intake:new"), form_data(court, confirm_duplicate="on"))
    assert Case.objects.count() == 2


def test_names_with_html_are_shown_as_text(clerk_client, court):
    evil = "<script>alert(1)</script>"
    clerk_client.post(reverse("intake:new"), form_data(court, **{"applicants-0-name": evil}))
    case = Case.objects.get()
    for url in (
        reverse("case-detail", args=[case.pk]),
        reverse("intake:filed", args=[case.pk]),
        reverse("case-list"),
    ):
        html = clerk_client.get(url).content.decode()
        assert evil not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_form_offers_only_the_clerks_courts(clerk_client, court, other_court):
    response = clerk_client.get(reverse("intake:new"))
    assert list(response.context["form"].fields["court"].queryset) == [court]
    response = clerk_client.post(reverse("intake:new"), form_data(other_court))
    assert response.status_code == 400
    assert not Case.objects.exists()


@pytest.mark.parametrize("persona", ["judge", "supervisor", "finance", "stranger"])
def test_only_clerks_reach_the_intake_page(client, court, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("intake:new")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("intake:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_case_list_pages_and_searches(clerk_client, court, clerk):
    for n in range(30):
        services.file_case(actor=clerk, application=_application(court, n))
    page = clerk_client.get(reverse("case-list"))
    assert len(page.context["page"].object_list) == 25
    found = clerk_client.get(reverse("case-list"), {"q": "申请人7"})
    assert [c.applicants()[0].name for c in found.context["page"].object_list] == ["申请人7"]


def test_the_case_list_has_an_empty_state(clerk_client, court):
    assert (
        "No cases to show."
        in clerk_client.get(reverse("case-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_another_courts_staff_get_a_404_for_every_case_page(client, court, clerk, outsider):
    case = services.file_case(actor=clerk, application=_application(court, 1)).case
    client.force_login(outsider)
    for name in ("intake:filed", "intake:interview"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("intake:reissue-query-code", args=[case.pk])).status_code == 404


def _application(court, n):
    from tests.intake.test_case_numbers import application

    return application(court, n)


class TestFirstInterview:
    def interview_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "conducted_at": "2026-11-20T10:00",
            "place": "执行事务中心接待室",
            "attendees": "张三",
            "debtor_contacts": "法定代表人王五 13900000000",
            "debtor_whereabouts": "公司仍在经营",
            "willingness": "negotiate",
            "willingness_detail": "愿意分期",
            "payout_bank_name": "中国工商银行乌海分行",
            "payout_account_name": "张三",
            "payout_account_number": "6222020000000000000",
            "risk_other": "",
            "leads-TOTAL_FORMS": "2",
            "leads-INITIAL_FORMS": "0",
            "leads-MIN_NUM_FORMS": "0",
            "leads-MAX_NUM_FORMS": "100",
            "leads-0-kind": "bank_account",
            "leads-0-detail": "建设银行 6217000000000000",
            "leads-1-kind": "vehicle",
            "leads-1-detail": "",
        }
        data.update(overrides)
        return data

    @pytest.fixture
    def case(self, court, clerk):
        return services.file_case(actor=clerk, application=_application(court, 1)).case

    def test_the_clerk_records_the_interview_with_property_leads(self, clerk_client, case):
        response = clerk_client.post(reverse("intake:interview", args=[case.pk]), self.interview_data())
        assert response.status_code == 302
        interview = FirstInterview.objects.get(case=case)
        assert interview.willingness == "negotiate"
        assert [(lead.kind, lead.detail) for lead in interview.leads.all()] == [
            ("bank_account", "建设银行 6217000000000000")
        ]
        assert case.events.filter(kind=CaseEvent.Kind.INTERVIEW_RECORDED).count() == 1

    def test_every_change_is_kept_in_history(self, clerk_client, case):
        url = reverse("intake:interview", args=[case.pk])
        clerk_client.post(url, self.interview_data())
        clerk_client.post(
            url, self.interview_data(willingness="refuses", **{"leads-0-detail": "农业银行 6228"})
        )
        interview = FirstInterview.objects.get(case=case)
        assert [h.willingness for h in interview.history.order_by("history_date")] == ["negotiate", "refuses"]
        lead_history = InterviewLead.history.filter(interview_id=interview.pk)
        assert {h.detail for h in lead_history} == {"建设银行 6217000000000000", "农业银行 6228"}

    def test_a_bad_account_number_is_refused_and_nothing_changes(self, clerk_client, case):
        response = clerk_client.post(
            reverse("intake:interview", args=[case.pk]),
            self.interview_data(payout_account_number="62-22 abc"),
        )
        assert response.status_code == 400
        assert response.context["form"].errors["payout_account_number"]
        assert not FirstInterview.objects.exists()

    def test_a_locked_record_can_no_longer_be_changed(self, clerk_client, clerk, case):
        url = reverse("intake:interview", args=[case.pk])
        clerk_client.post(url, self.interview_data())
        clerk_client.post(url, {"action": "lock"})
        interview = FirstInterview.objects.get(case=case)
        assert interview.is_locked and interview.locked_by == clerk
        clerk_client.post(url, self.interview_data(willingness="refuses"))
        assert FirstInterview.objects.get(case=case).willingness == "negotiate"
        with pytest.raises(services.ValidationError):
            services.save_first_interview(
                actor=clerk, case=case, values={}, leads=[], risks=services.Risks(kinds=("obstruction",))
            )
        with pytest.raises(services.ValidationError):
            services.lock_first_interview(actor=clerk, case=case)
        assert "6222020000000000000" in clerk_client.get(url).content.decode()


class TestQueryCodeReissue:
    def test_a_new_code_replaces_the_old_one(self, court, clerk):
        from enforcement import querycode

        filed = services.file_case(actor=clerk, application=_application(court, 1))
        new_code = services.reissue_query_code(actor=clerk, case=filed.case)
        case = Case.objects.get(pk=filed.case.pk)
        assert querycode.query_code_matches(
            case_number=case.number, stored_hash=case.query_code_hash, code=new_code
        )
        assert not querycode.query_code_matches(
            case_number=case.number, stored_hash=case.query_code_hash, code=filed.query_code
        )
        assert case.events.filter(kind=CaseEvent.Kind.QUERY_CODE_REISSUED, public=False).exists()

    def test_a_judge_may_not_issue_codes(self, court, clerk, judge):
        filed = services.file_case(actor=clerk, application=_application(court, 1))
        with pytest.raises(services.PermissionDenied):
            services.reissue_query_code(actor=judge, case=filed.case)


def test_a_party_of_another_case_cannot_receive_a_notice_of_this_one(court, clerk):
    first = services.file_case(actor=clerk, application=_application(court, 1)).case
    second = services.file_case(actor=clerk, application=_application(court, 2)).case
    stranger_party = Party.objects.filter(case=second).first()
    with pytest.raises(services.ValidationError):
        services.record_notice_delivery(
            actor=clerk,
            case=first,
            kind="rights",
            recipient=stranger_party,
            method="in_person",
            acknowledged=True,
        )


def test_the_first_version_of_each_party_is_kept_in_history(court, clerk):
    case = services.file_case(actor=clerk, application=_application(court, 1)).case
    for party in case.parties.all():
        assert party.history.count() == 1


def test_a_landline_is_stored_the_way_it_is_written_in_china():
    from intake.validation import normalize_phone

    assert normalize_phone("0473 2022148") == "0473-2022148"
    assert normalize_phone("010-12345678") == "010-12345678"
    assert normalize_phone("138 0013 8000") == "13800138000"
