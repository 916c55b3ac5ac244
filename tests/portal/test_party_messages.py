"""Messages between a party and the responsible judge: the party writes from his progress page or the
mini-program, the judge is told and answers from the case page, both sides see the thread; the party
never sees a login; a daily limit holds; staff who do not work on the case can neither answer nor read.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement.models import InboxItem, TeamMembership
from portal import party_messages
from portal import proof as portal
from portal.models import PartyMessage
from tests.factories import UserFactory
from tests.portal.test_appointments import Filed, assigned, file, party, staff, token_for

pytestmark = pytest.mark.django_db

WRITE = reverse("party:write")
PROGRESS = reverse("portal:progress")
API = "/api/v1/progress/messages/"
# The judge's login must never reach a party; his real name may.
LOGIN = "wf_login_7731"


@pytest.fixture
def judge(court):
    return UserFactory(username=LOGIN, first_name="芳", last_name="王", roles=["judge"], courts=[court])


@pytest.fixture
def first(court, clerk, team_lead, judge, team):
    return assigned(court, clerk, team_lead, judge, 1)


@pytest.fixture
def team(court, team_lead, judge):
    from enforcement.models import Team, TeamKind

    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=team, user=team_lead, role="lead")
    TeamMembership.objects.create(team=team, user=judge, role="judge")
    return team


def answer_url(filed: Filed) -> str:
    return reverse("party:answer", args=[filed.case.pk, filed.applicant.pk])


def case_page(filed: Filed) -> str:
    return reverse("case-detail", args=[filed.case.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def write(filed: Filed, body: str) -> PartyMessage:
    return party_messages.write_to_judge(access=portal.PortalAccess(filed.case, filed.applicant), body=body)


# --- The party writes ---------------------------------------------------------------------------------------


class TestPartyWrites:
    def test_the_party_writes_from_the_progress_page_and_the_judge_is_told(self, judge, first):
        browser = party(first, 1)
        response = browser.post(WRITE, {"body": "请问什么时候能执行到位？"}, follow=True)
        assert response.redirect_chain[-1][0].endswith(f"{PROGRESS}#messages")
        assert "Your message was sent to the judge." in messages_of(response)
        message = PartyMessage.objects.get()
        assert (message.from_party, message.author, message.party) == (True, None, first.applicant)
        assert "请问什么时候能执行到位？" in response.content.decode()
        item = InboxItem.objects.get(user=judge)
        assert first.case.number in item.title and "请问什么时候能执行到位？" in item.body
        assert item.url.startswith(case_page(first))

    def test_an_empty_or_too_long_message_is_refused(self, first):
        browser = party(first, 1)
        browser.post(WRITE, {"body": "   "})
        response = browser.post(WRITE, {"body": "长" * 2001}, follow=True)
        assert any("Nothing was changed" in m for m in messages_of(response))
        assert not PartyMessage.objects.exists()

    def test_without_a_judge_the_party_cannot_write_yet(self, court, clerk):
        unassigned = file(court, clerk, 5)
        browser = party(unassigned, 5)
        assert 'id="messages-closed"' in browser.get(PROGRESS).content.decode()
        response = browser.post(WRITE, {"body": "你好"}, follow=True)
        assert any("No judge is responsible" in m for m in messages_of(response))
        assert not PartyMessage.objects.exists()

    def test_without_a_session_writing_goes_back_to_the_query(self, client, first):
        response = client.post(WRITE, {"body": "你好"})
        assert response.status_code == 302 and response["Location"] == reverse("portal:query")
        assert not PartyMessage.objects.exists()

    def test_at_most_ten_messages_a_day(self, first):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for n in range(party_messages.DAILY_LIMIT):
                write(first, f"第{n}条")
            browser = party(first, 1)
            response = browser.post(WRITE, {"body": "第十一条"}, follow=True)
            assert any("the most allowed" in m for m in messages_of(response))
            assert 'id="message-limit"' in response.content.decode()
        assert PartyMessage.objects.count() == party_messages.DAILY_LIMIT
        with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
            write(first, "第二天")
        assert PartyMessage.objects.count() == party_messages.DAILY_LIMIT + 1


# --- The judge answers --------------------------------------------------------------------------------------


class TestJudgeAnswers:
    def test_the_case_page_shows_the_thread_with_an_answer_form(self, client, judge, first):
        message = write(first, "请问进度")
        page = staff(client, judge).get(case_page(first)).content.decode()
        assert f'id="party-message-{message.pk}"' in page and "请问进度" in page
        assert f'action="{answer_url(first)}"' in page

    def test_the_responsible_judges_page_marks_the_message_read_once_shown(self, client, judge, first):
        message = write(first, "请问进度")
        read_url = reverse("party:read-by-judge", args=[first.case.pk])
        page = staff(client, judge).get(case_page(first)).content.decode()
        message.refresh_from_db()
        assert message.read_at is None, "a GET changes nothing"
        assert f'hx-post="{read_url}" hx-trigger="load"' in page
        assert client.post(read_url).status_code == 204
        message.refresh_from_db()
        assert message.read_at is not None
        assert read_url not in client.get(case_page(first)).content.decode(), "nothing left to mark"

    def test_a_supervisor_opening_the_page_does_not_mark_it_read(self, client, supervisor, first):
        message = write(first, "请问进度")
        read_url = reverse("party:read-by-judge", args=[first.case.pk])
        assert read_url not in staff(client, supervisor).get(case_page(first)).content.decode()
        assert client.post(read_url).status_code == 204
        message.refresh_from_db()
        assert message.read_at is None

    def test_an_outsider_cannot_mark_a_case_read(self, client, outsider, first):
        write(first, "请问进度")
        assert (
            staff(client, outsider).post(reverse("party:read-by-judge", args=[first.case.pk])).status_code
            == 404
        )
        assert PartyMessage.objects.get().read_at is None

    def test_the_judge_answers_and_the_party_sees_it_under_the_judges_name(self, client, judge, first):
        write(first, "请问进度")
        response = staff(client, judge).post(answer_url(first), {"body": "已冻结被执行人账户"}, follow=True)
        assert any("Your answer to" in m for m in messages_of(response))
        answer = PartyMessage.objects.get(from_party=False)
        assert answer.author == judge
        assert PartyMessage.objects.get(from_party=True).read_at is not None

        browser = party(first, 1)
        page = browser.get(PROGRESS).content.decode()
        assert "已冻结被执行人账户" in page
        assert "Responsible judge 王芳" in page
        assert LOGIN not in page
        answer.refresh_from_db()
        assert answer.read_at is None, "a GET changes nothing"
        assert f'hx-post="{reverse("party:read")}" hx-trigger="load"' in page
        assert browser.post(reverse("party:read")).status_code == 204
        answer.refresh_from_db()
        assert answer.read_at is not None, "the party has read the answer"
        assert Client().post(reverse("party:read")).status_code == 403, "no session, no party"

    def test_a_judge_without_a_real_name_is_only_the_responsible_judge(
        self, client, court, clerk, team_lead, team
    ):
        nameless = UserFactory(username="nameless_login_42", first_name="", roles=["judge"], courts=[court])
        TeamMembership.objects.create(team=team, user=nameless, role="judge")
        filed = assigned(court, clerk, team_lead, nameless, 7)
        party_messages.answer_party(actor=nameless, case=filed.case, party=filed.applicant, body="请补充材料")
        page = party(filed, 7).get(PROGRESS).content.decode()
        section = page[page.index('id="messages"') :]
        section = section[: section.index("</section>")]
        assert "请补充材料" in section and "nameless_login_42" not in section
        assert "<strong>Responsible judge</strong>" in section

    def test_the_team_lead_may_answer(self, client, team_lead, first):
        write(first, "请问进度")
        staff(client, team_lead).post(answer_url(first), {"body": "团队长答复"})
        assert PartyMessage.objects.filter(author=team_lead).exists()

    def test_a_clerk_of_the_court_reads_but_may_not_answer(self, client, clerk, first):
        write(first, "请问进度")
        browser = staff(client, clerk)
        page = browser.get(case_page(first)).content.decode()
        assert "请问进度" in page and f'action="{answer_url(first)}"' not in page
        response = browser.post(answer_url(first), {"body": "书记员答复"}, follow=True)
        assert any("Only the case's judge" in m for m in messages_of(response))
        assert not PartyMessage.objects.filter(from_party=False).exists()

    def test_staff_of_another_court_neither_read_nor_answer(self, client, outsider, first):
        write(first, "请问进度")
        browser = staff(client, outsider)
        assert browser.get(case_page(first)).status_code == 404
        assert browser.post(answer_url(first), {"body": "外院答复"}).status_code == 404
        assert not PartyMessage.objects.filter(from_party=False).exists()

    def test_a_judge_of_another_team_may_not_answer(self, client, court, first):
        stranger_judge = UserFactory(username="judge9", roles=["judge"], courts=[court])
        response = staff(client, stranger_judge).post(answer_url(first), {"body": "答复"})
        assert response.status_code == 404  # he does not even see the case
        assert not PartyMessage.objects.filter(from_party=False).exists()

    def test_a_party_of_another_case_is_not_found(self, client, judge, court, clerk, team_lead, first):
        other = assigned(court, clerk, team_lead, judge, 2)
        url = reverse("party:answer", args=[first.case.pk, other.applicant.pk])
        assert staff(client, judge).post(url, {"body": "答复"}).status_code == 404


# --- The API for the mini-program ---------------------------------------------------------------------------


class TestApi:
    def test_without_a_token_it_is_401(self, client):
        assert client.get(API).status_code == 401
        assert client.post(API, {"body": "你好"}, content_type="application/json").status_code == 401

    def test_the_party_writes_and_reads_the_thread(self, client, judge, first):
        headers = {"HTTP_X_PARTY_TOKEN": token_for(first)}
        created = client.post(API, {"body": "请问进度"}, content_type="application/json", **headers)
        assert created.status_code == 201 and created.json()["from_party"] is True
        assert InboxItem.objects.filter(user=judge).count() == 1
        party_messages.answer_party(actor=judge, case=first.case, party=first.applicant, body="正在办理")
        thread = client.get(API, **headers).json()
        assert [m["body"] for m in thread] == ["请问进度", "正在办理"]
        assert thread[1]["author"].endswith("王芳") and LOGIN not in str(thread)
        assert thread[0]["read_at"] is not None, "answering read the party's message"
        assert PartyMessage.objects.get(from_party=False).read_at is None, "a GET changes nothing"
        read = client.post(reverse("api-progress-messages-read"), **headers)
        assert read.status_code == 200 and read.json() == {"marked_read": 1}
        assert PartyMessage.objects.get(from_party=False).read_at is not None
        assert client.post(reverse("api-progress-messages-read"), **headers).json() == {"marked_read": 0}

    def test_marking_read_needs_the_token(self, client):
        assert client.post(reverse("api-progress-messages-read")).status_code == 401

    def test_the_daily_limit_is_429(self, client, first):
        for n in range(party_messages.DAILY_LIMIT):
            write(first, f"第{n}条")
        response = client.post(
            API, {"body": "再一条"}, content_type="application/json", HTTP_X_PARTY_TOKEN=token_for(first)
        )
        assert response.status_code == 429 and response.json()["code"] == "throttled"

    def test_an_unknown_field_or_a_long_body_is_400(self, client, first):
        headers = {"HTTP_X_PARTY_TOKEN": token_for(first)}
        assert (
            client.post(API, {"body": "x", "to": 1}, content_type="application/json", **headers).status_code
            == 400
        )
        long = client.post(API, {"body": "长" * 2001}, content_type="application/json", **headers)
        assert long.status_code == 400 and "body" in long.json()["errors"]

    def test_a_token_shows_only_its_own_partys_thread(self, client, judge, court, clerk, team_lead, first):
        other = assigned(court, clerk, team_lead, judge, 2)
        write(first, "第一案的留言")
        thread = client.get(API, HTTP_X_PARTY_TOKEN=token_for(other)).json()
        assert thread == []


def test_a_fresh_browser_without_the_query_has_no_thread(first):
    assert Client().get(PROGRESS).status_code == 302
