"""The parties' progress API for the mini-program: one 404 for every failure, the progress and a token,
the token's 30 minutes, and nothing personal about anyone in the answers."""

import datetime
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import QueryAttempt
from tests.factories import UserFactory
from tests.portal.test_progress import EN, SECRETS, World, details, make_world, mismatches

pytestmark = pytest.mark.django_db

API = reverse("api-progress")
CASE_API = reverse("api-progress-case")


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def post(client: Client, data: dict[str, str], **extra):
    return client.post(API, data, content_type="application/json", **extra)


def test_every_kind_of_mismatch_answers_404_with_the_same_body(client, world):
    answers = set()
    for kind, data in mismatches(world).items():
        response = post(client, data)
        assert response.status_code == 404, kind
        answers.add((response.status_code, response.content))
    assert len(answers) == 1
    body = json.loads(next(iter(answers))[1])
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == "not_found"
    assert body["errors"] == {}


def test_the_failure_is_in_the_language_asked_for(client, world):
    body = post(client, details(world, query_code="WRONG000"), **EN).json()
    assert body["message"].startswith("No case matches these details.")


def test_the_right_details_give_the_progress_and_a_token(client, world):
    response = post(client, details(world), **EN)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["number"] == world.case.number
    assert body["stage_code"] == "paying_out"
    assert body["stage"] == "Money has been received and is being paid out to the applicant"
    assert body["team"] == "速执一团队"
    assert body["service_phone"] == "0473-2223333"
    assert body["judge"] == "王明"
    assert body["next_step"]["name"] == "发出执行通知书及报告财产令"
    assert body["money"]["totals"] == {"received": "1000.00", "paid": "0.00", "pending": "600.00"}
    assert [line["kind"] for line in body["money"]["lines"]] == ["received", "pending"]
    assert body["you"] == {"role": "applicant", "role_label": "Applicant", "name": "李建国", "is_you": True}
    assert {p["name"] for p in body["parties"]} == {"李建国", "欧阳某", "乌海市鑫源煤业有限责任公司"}
    kinds = [e["kind"] for e in body["events"]]
    assert "case_filed" in kinds
    assert "money_received" in kinds
    assert not {"note_added", "alert_acknowledged", "payout_proposed", "triaged"} & set(kinds)
    assert body["token"]
    assert body["token_expires_in"] == 1800
    assert not QueryAttempt.objects.exists()  # only failures are recorded: a success never counts


def test_no_personal_data_of_anyone_is_in_the_answers(client, world):
    first = post(client, details(world))
    again = client.get(CASE_API, HTTP_X_PARTY_TOKEN=first.json()["token"])
    for response in (first, again):
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text, secret


def test_the_other_side_sees_the_applicant_masked(client, world):
    from tests.portal.test_progress import RESPONDENT_ID

    body = post(client, details(world, id_number=RESPONDENT_ID)).json()
    assert body["you"]["name"] == "欧阳娜娜"
    assert "李某" in {p["name"] for p in body["parties"]}
    assert "李建国" not in json.dumps(body, ensure_ascii=False)


def test_the_token_gives_the_progress_again(client, world):
    token = post(client, details(world)).json()["token"]
    response = Client().get(CASE_API, HTTP_X_PARTY_TOKEN=token)
    assert response.status_code == 200
    assert response.json()["number"] == world.case.number
    assert "token" not in response.json()


def test_the_token_expires_after_thirty_minutes(client, world):
    token = post(client, details(world)).json()["token"]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=29)):
        assert client.get(CASE_API, HTTP_X_PARTY_TOKEN=token).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        expired = client.get(CASE_API, HTTP_X_PARTY_TOKEN=token)
    assert expired.status_code == 401
    assert expired.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("header", [None, "", "garbage", "eyJjIjoxLCJwIjoxfQ:1abc:forged"])
def test_a_missing_or_bad_token_is_401(client, world, header):
    extra = {} if header is None else {"HTTP_X_PARTY_TOKEN": header}
    response = client.get(CASE_API, **extra)
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "errors"}


def test_a_missing_field_is_400_and_not_an_attempt(client, world):
    response = post(client, {"number": world.case.number, "id_number": "X"})
    assert response.status_code == 400
    assert "query_code" in response.json()["errors"]
    assert not QueryAttempt.objects.exists()


def test_unknown_fields_are_refused(client, world):
    assert post(client, {**details(world), "extra": "1"}).status_code == 400


def test_the_query_needs_no_csrf_token_even_with_a_staff_session(world, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert post(client, details(world)).status_code == 200


def test_the_query_is_post_only(client, world):
    assert client.get(API, details(world)).status_code == 405


def test_a_staff_login_does_not_open_the_case_api(client, world):
    client.force_login(UserFactory(username="admin-x", is_superuser=True))
    assert client.get(CASE_API).status_code == 401


def test_the_answer_is_what_the_schema_describes(world):
    from portal.api.progress import progress_json
    from portal.progress import progress_of
    from portal.serializers import ProgressOutput

    shown = progress_of(world.case.pk, world.applicant.pk)
    assert progress_json(shown) == json.loads(json.dumps(ProgressOutput(shown).data))
