"""The cases API: filing, listing and reading, and every kind of bad input."""

import json

import pytest
from django.urls import reverse

from enforcement import querycode
from enforcement.models import Case, CaseEvent, Party
from intake.models import CaseNumberCounter
from tests.factories import CaseFactory, PartyFactory, api_token, resident_id
from tests.payloads import application_payload

URL = "/api/v1/cases/"


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def assert_error_shape(response) -> dict:
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"]
    return body


def nothing_saved() -> bool:
    return not Case.objects.exists() and not Party.objects.exists() and not CaseEvent.objects.exists()


@pytest.fixture
def api(client, clerk):
    client.force_login(clerk)
    return client


class TestFiling:
    def test_a_clerk_files_a_case_and_gets_its_number_and_query_code(self, api, court):
        response = post(api, application_payload())
        assert response.status_code == 201, response.content
        body = response.json()
        case = Case.objects.get(pk=body["id"])
        assert body["number"] == case.number
        assert case.number.startswith("（") and case.number.endswith("执1号")
        assert court.code in case.number
        assert len(body["query_code"]) == querycode.LENGTH
        assert case.query_code_hash != body["query_code"]
        assert querycode.query_code_matches(
            case_number=case.number, stored_hash=case.query_code_hash, code=body["query_code"]
        )

    def test_the_amount_is_kept_as_an_exact_decimal(self, api):
        body = post(api, application_payload()).json()
        assert body["claim_amount"] == "125000.50"

    def test_filing_writes_the_parties_and_a_public_timeline_event(self, api):
        body = post(api, application_payload()).json()
        case = Case.objects.get(pk=body["id"])
        assert [p.role for p in case.parties.all()] == ["applicant", "respondent"]
        event = case.events.get()
        assert event.kind == CaseEvent.Kind.CASE_FILED and event.public

    def test_the_query_code_is_never_shown_again_after_filing(self, api):
        body = post(api, application_payload()).json()
        detail = api.get(reverse("api-case-detail", args=[body["id"]])).json()
        assert "query_code" not in detail
        assert body["query_code"] not in json.dumps(detail)

    def test_ascii_brackets_in_the_title_number_are_stored_full_width(self, api):
        payload = application_payload(
            title={
                "court_name": "某法院",
                "case_number": "(2026)蒙0302民初77号",
                "effective_date": "2026-09-01",
            }
        )
        body = post(api, payload).json()
        assert body["title"]["case_number"] == "（2026）蒙0302民初77号"

    def test_a_clerk_of_several_courts_files_with_the_receiving_courts_code(self, client, court, other_court):
        from tests.factories import UserFactory

        city_clerk = UserFactory(roles=["clerk"], courts=[court, other_court])
        client.force_login(city_clerk)
        body = post(client, application_payload(court_code=other_court.code)).json()
        assert other_court.code in body["number"]

    def test_a_failed_credit_code_check_is_accepted_with_a_reason_that_is_kept(self, api):
        payload = application_payload()
        bad = payload["respondents"][0]["id_number"][:-1] + (
            "0" if payload["respondents"][0]["id_number"][-1] != "0" else "1"
        )
        payload["respondents"][0]["id_number"] = bad
        response = post(api, payload)
        assert response.status_code == 400
        assert "id_override_reason" in response.json()["errors"]["respondents"]["0"]
        payload["respondents"][0]["id_override_reason"] = "营业执照原件所载代码如此，已核对"
        response = post(api, payload)
        assert response.status_code == 201, response.content
        respondent = Party.objects.get(role="respondent")
        assert respondent.id_warning_override == "营业执照原件所载代码如此，已核对"

    def test_a_respondent_without_an_identity_number_is_accepted(self, api):
        payload = application_payload()
        payload["respondents"][0]["id_number"] = ""
        assert post(api, payload).status_code == 201

    def test_an_act_claim_needs_no_amount_but_a_description(self, api):
        payload = application_payload(claim={"kind": "act", "description": "腾退位于新华大街1号的房屋"})
        assert post(api, payload).status_code == 201
        payload = application_payload(claim={"kind": "act"})
        response = post(api, payload)
        assert response.status_code == 400
        assert "description" in response.json()["errors"]["claim"]


class TestDuplicateTitle:
    def test_a_title_already_filed_in_this_court_is_refused_with_a_link_to_the_case(self, api):
        first = post(api, application_payload()).json()
        response = post(api, application_payload())
        assert response.status_code == 409
        body = assert_error_shape(response)
        assert body["code"] == "duplicate_title"
        assert first["number"] in body["message"]
        assert reverse("case-detail", args=[first["id"]]) in body["errors"]["title"]["case_number"][0]
        assert Case.objects.count() == 1

    def test_the_clerk_may_confirm_and_file_the_same_title_again(self, api):
        post(api, application_payload())
        response = post(api, application_payload(allow_duplicate_title=True))
        assert response.status_code == 201
        assert response.json()["number"].endswith("执2号")


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (
                lambda p: p["applicants"][0].update(id_number="110105194912310021"),
                ("applicants", "0", "id_number"),
            ),
            (
                lambda p: p["applicants"][0].update(id_number="11010520991231002X"),
                ("applicants", "0", "id_number"),
            ),
            (lambda p: p["applicants"][0].update(phone="12345"), ("applicants", "0", "phone")),
            (lambda p: p["claim"].update(amount="-5.00"), ("claim", "amount")),
            (lambda p: p["claim"].update(amount="10.005"), ("claim", "amount")),
            (lambda p: p["claim"].update(amount="abc"), ("claim", "amount")),
            (lambda p: p["claim"].update(amount=12.5), ("claim", "amount")),
            (lambda p: p["claim"].update(amount=None), ("claim", "amount")),
            (lambda p: p["title"].update(effective_date="2026-02-30"), ("title", "effective_date")),
            (lambda p: p["title"].pop("case_number"), ("title", "case_number")),
            (lambda p: p.update(applicants=[]), ("applicants",)),
            (lambda p: p.pop("respondents"), ("respondents",)),
            (lambda p: p["applicants"][0].update(kind="robot"), ("applicants", "0", "kind")),
            (lambda p: p.update(court="火星0001"), ("court",)),
            (lambda p: p.update(colour="blue"), ("colour",)),
            (lambda p: p["applicants"][0].update(nickname="x"), ("applicants", "0", "nickname")),
            (lambda p: p["claim"].update(kind="money", amount=["1"]), ("claim", "amount")),
            (lambda p: p.update(applicants="张三"), ("applicants",)),
        ],
        ids=[
            "bad-checksum",
            "future-birth-date",
            "bad-phone",
            "negative-amount",
            "three-decimals",
            "text-amount",
            "float-amount",
            "money-without-amount",
            "impossible-date",
            "missing-field",
            "no-applicants",
            "no-respondents",
            "unknown-kind",
            "unknown-court",
            "unknown-top-field",
            "unknown-nested-field",
            "amount-wrong-type",
            "list-expected",
        ],
    )
    def test_bad_input_gets_a_400_with_the_field_named_and_nothing_saved(self, api, change, path):
        payload = application_payload()
        change(payload)
        response = post(api, payload)
        assert response.status_code == 400, response.content
        errors = assert_error_shape(response)["errors"]
        node = errors
        for key in path:
            node = node[key]
        assert node
        assert nothing_saved()
        assert not CaseNumberCounter.objects.exists()

    def test_malformed_json_gets_a_400_in_the_error_shape(self, api):
        response = api.post(URL, '{"court": "蒙0302",', content_type="application/json")
        assert response.status_code == 400
        assert assert_error_shape(response)["code"] == "parse_error"

    def test_a_json_array_body_gets_a_400(self, api):
        response = api.post(URL, "[]", content_type="application/json")
        assert response.status_code == 400
        assert_error_shape(response)

    def test_a_ten_megabyte_body_gets_a_413_and_nothing_saved(self, api):
        payload = application_payload()
        payload["claim"]["description"] = "x" * (10 * 1024 * 1024)
        response = post(api, payload)
        assert response.status_code == 413
        assert assert_error_shape(response)["code"] == "too_large"
        assert nothing_saved()

    def test_a_court_the_clerk_is_not_a_member_of_gets_a_403(self, api, other_court):
        response = post(api, application_payload(court_code=other_court.code))
        assert response.status_code == 403
        assert_error_shape(response)
        assert nothing_saved()

    def test_errors_come_in_the_language_the_client_asks_for(self, api):
        payload = application_payload()
        payload["claim"]["amount"] = "10.005"
        chinese = post(api, payload, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        english = post(api, payload, HTTP_ACCEPT_LANGUAGE="en").json()
        assert english["errors"]["claim"]["amount"] == ["An amount has at most two decimal places."]
        assert chinese["errors"]["claim"]["amount"] != english["errors"]["claim"]["amount"]

    def test_an_unknown_api_url_gets_a_json_404(self, api):
        response = api.get("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert_error_shape(response)


class TestPermissions:
    def test_an_anonymous_client_gets_a_401_or_403_in_the_error_shape(self, client, court):
        response = post(client, application_payload())
        assert response.status_code in (401, 403)
        assert_error_shape(response)
        assert nothing_saved()

    @pytest.mark.parametrize("persona", ["judge", "supervisor", "finance", "stranger"])
    def test_only_clerks_file_cases(self, client, court, request, persona):
        client.force_login(request.getfixturevalue(persona))
        response = post(client, application_payload())
        assert response.status_code == 403
        assert nothing_saved()

    def test_a_token_authenticates_the_api(self, client, clerk, court):

        response = post(client, application_payload(), HTTP_AUTHORIZATION=f"Token {api_token(clerk)}")
        assert response.status_code == 201

    def test_staff_of_another_court_get_a_404_for_a_case(self, client, court, outsider):
        case = CaseFactory(court=court)
        client.force_login(outsider)
        response = client.get(reverse("api-case-detail", args=[case.pk]))
        assert response.status_code == 404
        assert_error_shape(response)

    def test_a_user_without_a_role_sees_no_cases(self, client, court, stranger):
        CaseFactory(court=court)
        client.force_login(stranger)
        assert client.get(URL).json()["count"] == 0


class TestListing:
    def test_the_list_shows_only_the_courts_cases_paged(self, client, court, other_court, supervisor):
        for _ in range(3):
            PartyFactory(case=CaseFactory(court=court))
        CaseFactory(court=other_court)
        client.force_login(supervisor)
        body = client.get(URL, {"page_size": 2}).json()
        assert body["count"] == 3
        assert len(body["results"]) == 2
        assert body["next"]

    def test_the_list_searches_by_party_name_and_case_number(self, client, court, supervisor):
        wanted = CaseFactory(court=court)
        PartyFactory(case=wanted, name="独一无二的名字")
        PartyFactory(case=CaseFactory(court=court), name="别人")
        client.force_login(supervisor)
        assert [r["id"] for r in client.get(URL, {"q": "独一无二"}).json()["results"]] == [wanted.pk]
        assert [r["id"] for r in client.get(URL, {"q": wanted.number}).json()["results"]] == [wanted.pk]

    def test_the_list_filters_by_court_and_claim_kind(self, client, court, supervisor):
        CaseFactory(court=court, claim_kind="act", claim_amount=None)
        CaseFactory(court=court)
        client.force_login(supervisor)
        assert client.get(URL, {"claim_kind": "act"}).json()["count"] == 1
        assert client.get(URL, {"court": court.code}).json()["count"] == 2

    def test_a_bad_filter_value_gets_a_400(self, client, court, supervisor):
        client.force_login(supervisor)
        response = client.get(URL, {"status": "nonsense"})
        assert response.status_code == 400
        assert_error_shape(response)

    def test_the_list_uses_a_constant_number_of_queries(
        self, client, court, supervisor, django_assert_max_num_queries
    ):
        for _ in range(30):
            case = CaseFactory(court=court)
            PartyFactory(case=case)
            PartyFactory(case=case, role="respondent", id_number=resident_id(case.pk + 1000))
        client.force_login(supervisor)
        with django_assert_max_num_queries(8):
            assert len(client.get(URL, {"page_size": 30}).json()["results"]) == 30


class TestSchema:
    def test_the_openapi_schema_describes_the_cases_endpoints(self, client):
        response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert "/api/v1/cases/" in schema["paths"]
        assert "post" in schema["paths"]["/api/v1/cases/"]

    def test_the_docs_page_loads_its_assets_from_this_server(self, client):
        response = client.get("/api/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn" not in html.lower()
        assert "/static/drf_spectacular_sidecar/" in html
