"""An assignment records why that judge was chosen (issue 12, point 12).

The loads and capacities compared, and who was skipped and why (inactive, on leave, recused, at
capacity), are stored on the assignment as codes with parameters; the case page and the API show them
in the reader's language, and the triage desk's message names the judge.
"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from assignment import reasons, services
from assignment.models import Absence, Assignment, Recusal
from enforcement.models import Case, Team, TeamKind, TeamMembership
from intake import services as intake
from tests.factories import CaseFactory, UserFactory
from tests.intake.test_case_numbers import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def quick(court) -> Team:
    return Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")


def judge_in(team: Team, username: str, family: str, given: str, *, capacity: int = 10, load: int = 0):
    user = UserFactory(
        username=username, last_name=family, first_name=given, roles=["judge"], courts=[team.court]
    )
    TeamMembership.objects.create(team=team, user=user, role=TeamMembership.Role.JUDGE, capacity=capacity)
    for n in range(load):
        title = f"（2025）蒙0302民初{username}{n}号"  # not a title the tests file again
        CaseFactory(
            court=team.court,
            responsible_judge=user,
            team=team,
            title_case_number=title,
            title_case_number_key=title,
        )
    return user


def file(court, clerk, n: int = 1) -> Case:
    """A 1,000-yuan case with 申请人{n} as applicant: the simple stream, so the quick team takes it."""
    return intake.file_case(actor=clerk, application=application(court, n)).case


@pytest.fixture
def field(court, quick):
    """Six judges of the quick team: two who can take a case, four who cannot, each for another reason."""
    today = timezone.localdate()
    judges = {
        "busy": judge_in(quick, "busy", "李", "忙", load=4),
        "free": judge_in(quick, "free", "王", "明", load=2),
        "away": judge_in(quick, "away", "赵", "休"),
        "recused": judge_in(quick, "recused", "钱", "避"),
        "full": judge_in(quick, "full", "孙", "满", capacity=3, load=3),
        "gone": judge_in(quick, "gone", "周", "离"),
    }
    Absence.objects.create(
        user=judges["away"],
        first_day=today - datetime.timedelta(days=1),
        last_day=today + datetime.timedelta(days=3),
        reason="年休假",
    )
    Recusal.objects.create(user=judges["recused"], party_name="申请人1", reason="近亲属")
    judges["gone"].is_active = False
    judges["gone"].save(update_fields=["is_active"])
    return judges


class TestTheRecord:
    def test_by_load_it_keeps_the_loads_compared_and_who_was_skipped_and_why(
        self, court, clerk, team_lead, quick, field
    ):
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk))
        assert assignment.judge == field["free"]
        why = Assignment.objects.get(pk=assignment.pk).why_chosen
        assert why["rule"] == reasons.LOWEST_LOAD and why["stream"] == Case.Stream.SIMPLE
        assert why["chosen"] == {
            "judge_id": field["free"].pk,
            "judge": "王明",
            "team_id": quick.pk,
            "team": "速执团队",
            "load": 2,
            "capacity": 10,
        }
        assert [(c["judge"], c["load"], c["capacity"]) for c in why["compared"]] == [
            ("王明", 2, 10),
            ("李忙", 4, 10),
        ]
        skipped = {s["judge"]: (s["code"], s["params"]) for s in why["skipped"]}
        today = timezone.localdate()
        assert skipped == {
            "赵休": (
                reasons.ABSENT,
                {
                    "first_day": (today - datetime.timedelta(days=1)).isoformat(),
                    "last_day": (today + datetime.timedelta(days=3)).isoformat(),
                },
            ),
            "钱避": (reasons.RECUSED, {"party": "申请人1", "reason": "近亲属"}),
            "孙满": (reasons.AT_CAPACITY, {"load": 3, "capacity": 3}),
            "周离": (reasons.INACTIVE, {}),
        }
        assert why["notes"] == []

    def test_it_reads_in_english_with_every_judge_and_reason(self, court, clerk, team_lead, quick, field):
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk))
        with translation.override("en"):
            lines = assignment.why_in_words()
        text = "\n".join(lines)
        assert lines[0].startswith("By load: 王明 (速执团队)") and "2 open cases of 10" in lines[0]
        assert "李忙 (速执团队): 4 of 10" in text
        assert "赵休 (速执团队) was skipped: on leave from" in text
        assert "钱避 (速执团队) was skipped: recused from the party 申请人1 (近亲属)." in text
        assert "孙满 (速执团队) was skipped: at capacity, 3 open cases of 3." in text
        assert "周离 (速执团队) was skipped: the account is inactive." in text

    def test_the_record_does_not_change_when_the_loads_do(self, court, clerk, team_lead, quick, field):
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk))
        before = assignment.why_chosen
        for _ in range(5):
            CaseFactory(court=court, responsible_judge=field["free"], team=quick)
        assert Assignment.objects.get(pk=assignment.pk).why_chosen == before

    def test_a_tie_is_noted(self, court, clerk, team_lead, quick):
        judge_in(quick, "a", "甲", "一", load=1)
        judge_in(quick, "b", "乙", "二", load=1)
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk))
        assert assignment.why_chosen["notes"] == [{"code": reasons.TIE, "params": {}}]
        with translation.override("en"):
            assert any("same load" in line for line in assignment.why_in_words())

    def test_by_hand_it_keeps_the_judge_s_load_and_notes_when_he_is_full(
        self, court, clerk, team_lead, quick, field
    ):
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk), judge=field["full"])
        why = assignment.why_chosen
        assert why["rule"] == reasons.BY_HAND
        assert (why["chosen"]["judge"], why["chosen"]["load"], why["chosen"]["capacity"]) == ("孙满", 3, 3)
        assert why["notes"] == [{"code": reasons.OVER_CAPACITY, "params": {"load": 3, "capacity": 3}}]
        with translation.override("en"):
            assert assignment.why_in_words()[0] == (
                "Chosen by hand: 孙满 (速执团队), with 3 open cases of 3."
            )

    def test_a_reassignment_says_so(self, court, clerk, team_lead, quick, field):
        case = file(court, clerk)
        services.assign_case(actor=team_lead, case=case)
        moved = services.reassign_case(actor=team_lead, case=case, judge=field["busy"], reason="原承办人调岗")
        assert moved.why_chosen["rule"] == reasons.REASSIGNED
        assert moved.why_chosen["chosen"]["judge_id"] == field["busy"].pk
        assert moved.reason == "原承办人调岗"

    def test_an_assignment_made_before_reasons_were_kept_reads_as_none(
        self, court, clerk, team_lead, quick, field
    ):
        assignment = services.assign_case(actor=team_lead, case=file(court, clerk))
        Assignment.objects.filter(pk=assignment.pk).update(why_chosen={})
        assert Assignment.objects.get(pk=assignment.pk).why_in_words() == []

    def test_an_odd_record_is_shown_without_failing(self):
        odd = {"rule": "future_rule", "chosen": {"judge": "王明"}, "skipped": [{"code": "new_code"}]}
        with translation.override("en"):
            assert reasons.in_words(odd) == ["Assigned to 王明 (?).", "? (?) was skipped."]


# --- Where it is shown ----------------------------------------------------------------------------------


class TestShown:
    def test_the_case_page_shows_why_that_judge(
        self, client, court, clerk, team_lead, supervisor, quick, field
    ):
        case = file(court, clerk)
        services.assign_case(actor=team_lead, case=case)
        client.force_login(supervisor)
        page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="assignment-why"' in page
        assert "By load: 王明 (速执团队)" in page
        assert "孙满 (速执团队) was skipped: at capacity, 3 open cases of 3." in page

    def test_the_case_page_says_when_no_reason_was_kept(
        self, client, court, clerk, team_lead, supervisor, quick, field
    ):
        case = file(court, clerk)
        services.assign_case(actor=team_lead, case=case)
        Assignment.objects.filter(case=case).update(why_chosen={})
        client.force_login(supervisor)
        page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "No reason was recorded" in page

    def test_the_api_answer_carries_the_record_and_its_words(self, court, clerk, team_lead, quick, field):
        case = file(court, clerk)
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_authenticate(team_lead)
        response = api.post(
            reverse("api-case-assign", args=[case.pk]), json.dumps({}), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["why_chosen"]["rule"] == "lowest_load"
        assert body["why_chosen"]["chosen"]["judge_id"] == field["free"].pk
        assert {s["code"] for s in body["why_chosen"]["skipped"]} == set(reasons.SKIP_CODES)
        assert body["why_in_words"][0].startswith("By load: 王明")

    def test_the_desk_message_names_the_judge(self, client, court, clerk, team_lead, quick, field):
        case = file(court, clerk)
        client.force_login(team_lead)
        response = client.post(
            reverse("assignment:assign", args=[case.pk]),
            {"next": reverse("assignment:desk")},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        shown = [str(m) for m in response.context["messages"]]
        assert f"{case.number} was assigned to 王明 (速执团队)." in shown

    def test_the_bulk_message_names_each_judge(self, client, court, clerk, team_lead, quick, field):
        cases = [file(court, clerk, n) for n in (2, 3)]
        client.force_login(team_lead)
        response = client.post(
            reverse("assignment:bulk-assign"),
            {"cases": [c.pk for c in cases], "next": reverse("assignment:desk")},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        shown = [str(m) for m in response.context["messages"]]
        for case in cases:
            case.refresh_from_db()
            judge = case.responsible_judge
            assert judge is not None
            name = f"{judge.last_name}{judge.first_name}"
            assert f"{case.number} was assigned to {name} (速执团队)." in shown
