"""The lobby screen (/lobby/<court code>/) and the terminals' feed (/api/v1/lobby/<code>/): a court's cases
in progress with masked names and their stage, today's appointments and the service phone, guidance and
forms; never an identity number, a phone of a party, an address or an amount.

The world, on Wednesday 2 December 2026 at 10:00 in Beijing: a court whose lobby screen is on, with open
cases whose parties carry identity numbers, mobiles, agents and addresses; appointments yesterday, today
and tomorrow; a closed case, and another court's case.
"""

import datetime
import importlib
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.models import Case, CaseEvent, Deadline, NodeType, Party
from portal import lobby
from portal.models import Appointment, AppointmentSlot, DocumentTemplate, LobbyGuide, LobbyScreen
from tests.factories import CaseFactory, CourtFactory, PartyFactory, UserFactory, resident_id

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
MOBILE = "13912345678"
AGENT_MOBILE = "15847361234"
ADDRESS = "海勃湾区滨河路88号3单元"
AMOUNT = Decimal("98765.43")
# Shapes that must never appear: an 18-character identity number and a mainland mobile.
ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_SHAPE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def fresh_throttle():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def screen(court):
    return LobbyScreen.objects.create(court=court, enabled=True, opening_hours="周一至周五 8:30–17:30")


def url(court) -> str:
    return reverse("lobby:screen", args=[court.code])


def api(court, guide: bool = False) -> str:
    return reverse("api-lobby-guide" if guide else "api-lobby", args=[court.code])


def open_case(court, *, seq: int, judge=None, **party_names: str):
    """An open case with a natural-person applicant and an organisation respondent by default, every
    party with an identity number, a mobile, an address and an agent with a phone."""
    case = CaseFactory(court=court, seq=seq, responsible_judge=judge, claim_amount=AMOUNT)
    applicant = party_names.get("applicant", f"张三{seq}")
    respondent = party_names.get("respondent", f"乌海市某某建材有限公司{seq}")
    PartyFactory(
        case=case,
        role=Party.Role.APPLICANT,
        name=applicant,
        id_number=resident_id(seq),
        phone=MOBILE,
        address=ADDRESS,
        agent_name="李律师",
        agent_phone=AGENT_MOBILE,
    )
    PartyFactory(
        case=case,
        role=Party.Role.RESPONDENT,
        kind=Party.Kind.ORGANISATION,
        name=respondent,
        id_type=Party.IdType.USCC,
        id_number=f"91150302MA0{seq:07d}",
        phone="0473-6998877",
        address=ADDRESS,
        legal_representative="王五",
    )
    return case


def appointment(court, case, judge, start: datetime.datetime, **kwargs) -> Appointment:
    slot = AppointmentSlot.objects.create(
        judge=judge,
        court=court,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
        place="第三接待室",
        withdrawn_at=kwargs.pop("withdrawn_at", None),
    )
    return Appointment.objects.create(
        slot=slot, case=case, party=case.applicants()[0], topic="我的电话13700001111，想问进度", **kwargs
    )


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = NOW.date() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def get(path: str, **extra):
    return Client(HTTP_ACCEPT_LANGUAGE=extra.pop("language", "en")).get(path, **extra)


# --- Nothing personal -------------------------------------------------------------------------------------


def assert_nothing_personal(text: str, cases: list[Case]) -> None:
    for case in cases:
        for party in case.parties.all():
            assert party.id_number not in text
            assert party.address not in text
            assert party.phone not in text
            assert party.legal_representative not in text or not party.legal_representative
    for secret in (MOBILE, AGENT_MOBILE, "13700001111", "0473-6998877", "李律师", "98765", "想问进度"):
        assert secret not in text
    assert not ID_SHAPE.search(text)
    assert not MOBILE_SHAPE.search(text)


def test_the_screen_shows_no_identity_number_phone_address_or_amount(court, judge, screen):
    cases = [open_case(court, seq=n, judge=judge) for n in (1, 2, 3)]
    appointment(court, cases[0], judge, at(0, 14))
    response = get(url(court))
    assert response.status_code == 200
    html = response.content.decode()
    assert cases[0].number in html
    assert_nothing_personal(html, cases)


def test_the_terminal_feed_shows_no_identity_number_phone_address_or_amount(court, judge, screen):
    cases = [open_case(court, seq=n, judge=judge) for n in (1, 2, 3)]
    appointment(court, cases[0], judge, at(0, 14))
    response = get(api(court))
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert {c["number"] for c in response.json()["cases"]} == {c.number for c in cases}
    assert len(response.json()["appointments"]) == 1
    assert_nothing_personal(text, cases)


def test_natural_persons_are_masked_and_organisations_shown_as_courts_publish_them(court, judge, screen):
    open_case(court, seq=1, judge=judge, applicant="张三丰", respondent="乌海市宏达建材有限公司")
    open_case(court, seq=2, judge=judge, applicant="欧阳娜娜")
    html = get(url(court)).content.decode()
    assert "张某" in html
    assert "张三丰" not in html
    assert "欧阳某" in html
    assert "欧阳娜娜" not in html
    assert "乌海市宏达建材有限公司" in html
    body = get(api(court)).json()
    assert {c["applicants"] for c in body["cases"]} == {"张某", "欧阳某"}


def test_many_parties_on_one_side_are_summed_up(court, judge, screen):
    case = open_case(court, seq=1, judge=judge, applicant="赵一")
    for name in ("钱二", "孙三", "周四"):
        PartyFactory(case=case, role=Party.Role.APPLICANT, name=name)
    [shown] = get(api(court)).json()["cases"]
    assert shown["applicants"] == "赵某、钱某 and 2 others"


def test_the_service_phone_and_opening_hours_are_shown(court, screen):
    html = get(url(court)).content.decode()
    assert court.service_phone in html
    assert "周一至周五 8:30–17:30" in html
    body = get(api(court)).json()
    assert body["court"] == {
        "code": court.code,
        "name": court.name,
        "service_phone": court.service_phone,
        "opening_hours": "周一至周五 8:30–17:30",
    }


# --- Which cases, in which order, at which stage ---------------------------------------------------------


def test_only_the_courts_open_cases_are_shown(court, other_court, judge, screen):
    LobbyScreen.objects.create(court=other_court, enabled=True)
    shown = open_case(court, seq=1, judge=judge)
    closed = open_case(court, seq=2, judge=judge)
    Case.objects.filter(pk=closed.pk).update(
        status=Case.Status.CLOSED, closure=Case.Closure.PERFORMED, closed_at=NOW
    )
    elsewhere = open_case(other_court, seq=3)
    numbers = [c["number"] for c in get(api(court)).json()["cases"]]
    assert numbers == [shown.number]
    html = get(url(court)).content.decode()
    assert shown.number in html
    assert closed.number not in html
    assert elsewhere.number not in html


def test_the_most_recently_active_case_comes_first(court, judge, screen):
    old = open_case(court, seq=1, judge=judge)
    new = open_case(court, seq=2, judge=judge)
    Case.objects.filter(pk=old.pk).update(filed_at=NOW - datetime.timedelta(days=30))
    Case.objects.filter(pk=new.pk).update(filed_at=NOW - datetime.timedelta(days=10))
    assert [c["number"] for c in get(api(court)).json()["cases"]] == [new.number, old.number]
    # A public step on the old case today makes it the most recent; a staff-only one does not count.
    CaseEvent.objects.create(case=old, kind=CaseEvent.Kind.NOTICE_SERVED, public=True, occurred_at=NOW)
    CaseEvent.objects.create(
        case=new, kind=CaseEvent.Kind.NOTE_ADDED, occurred_at=NOW + datetime.timedelta(minutes=1)
    )
    body = get(api(court)).json()
    assert [c["number"] for c in body["cases"]] == [old.number, new.number]
    assert body["cases"][0]["active_on"] == "2026-12-02"


def test_the_list_is_capped(court, judge, screen, monkeypatch):
    monkeypatch.setattr(lobby, "CASE_LIMIT", 3)
    monkeypatch.setattr(lobby.cases_in_progress, "__kwdefaults__", {"limit": 3})
    for n in range(1, 6):
        open_case(court, seq=n, judge=judge)
    body = get(api(court)).json()
    assert len(body["cases"]) == 3
    assert body["case_limit"] == 3


def test_the_stage_is_said_in_plain_words(court, judge, screen):
    waiting = open_case(court, seq=1)
    enforcing = open_case(court, seq=2, judge=judge)
    paying = open_case(court, seq=3, judge=judge)
    node = NodeType.objects.get(code="payout")
    Deadline.objects.create(
        case=paying,
        node_type=node,
        anchor_at=NOW,
        budget=node.budget,
        unit=node.unit,
        counting=node.counting,
        warn_lead_days=node.warn_lead_days,
        due_date=NOW.date() + datetime.timedelta(days=30),
        due_at=NOW + datetime.timedelta(days=30),
        warn_at=NOW + datetime.timedelta(days=27),
    )
    stages = {c["number"]: (c["stage_code"], c["stage"]) for c in get(api(court)).json()["cases"]}
    assert stages[waiting.number] == ("filed", "Filed, a judge is being chosen")
    assert stages[enforcing.number] == ("enforcing", "Being enforced")
    assert stages[paying.number] == ("paying_out", "Paying out the money received")
    html = get(url(court), language="zh-hans").content.decode()
    assert "lobby-stage-paying_out" in html


def test_a_judge_is_shown_by_name_never_by_login(court, screen):
    nameless = UserFactory(username="judge-login-x", first_name="", last_name="")
    named = UserFactory(username="judge-login-y", first_name="芳", last_name="王")
    open_case(court, seq=1, judge=nameless)
    open_case(court, seq=2, judge=named)
    html = get(url(court)).content.decode()
    assert "judge-login" not in html
    assert "王芳" in html


# --- Today's appointments ----------------------------------------------------------------------------------


def test_only_todays_booked_appointments_are_shown(court, other_court, judge, screen):
    case = open_case(court, seq=1, judge=judge, applicant="刘备")
    appointment(court, case, judge, at(-1, 15))
    today = appointment(court, case, judge, at(0, 14, 30))
    appointment(court, case, judge, at(0, 9), cancelled_at=NOW)
    appointment(court, case, judge, at(0, 11), withdrawn_at=NOW)
    appointment(court, case, judge, at(1, 9))
    late = appointment(court, case, judge, at(0, 23, 30))
    elsewhere = open_case(other_court, seq=2)
    appointment(other_court, elsewhere, UserFactory(), at(0, 10))
    shown = get(api(court)).json()["appointments"]
    assert [a["starts_at"] for a in shown] == [
        timezone.localtime(today.slot.starts_at).isoformat(),
        timezone.localtime(late.slot.starts_at).isoformat(),
    ]
    assert shown[0] == {
        "starts_at": "2026-12-02T14:30:00+08:00",
        "ends_at": "2026-12-02T15:00:00+08:00",
        "place": "第三接待室",
        "judge": judge.first_name,
        "case_number": case.number,
        "party": "刘某",
    }
    html = get(url(court)).content.decode()
    assert "14:30–15:00" in html
    assert "09:00–09:30" not in html


def test_the_day_is_the_courts_day_in_beijing(court, judge, screen):
    case = open_case(court, seq=1, judge=judge)
    appointment(court, case, judge, at(0, 0, 30))  # 2 December 00:30 in Beijing is 1 December in UTC
    with time_machine.travel(at(0, 23, 50), tick=False):
        assert len(get(api(court)).json()["appointments"]) == 1


def test_empty_lists_say_so(court, screen):
    response = get(url(court))
    assert "No cases in progress." in response.content.decode()
    assert "No appointments today." in response.content.decode()


# --- Which courts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["screen", "api", "guide"])
def test_an_unknown_disabled_or_unset_court_is_a_404(court, other_court, path):
    LobbyScreen.objects.create(court=other_court, enabled=False)
    third = CourtFactory(code="蒙0399")
    LobbyScreen.objects.create(court=third, enabled=True)
    third.is_active = False
    third.save()
    for code in ("蒙9999", court.code, other_court.code, third.code, "x" * 40):
        target = {
            "screen": f"/lobby/{code}/",
            "api": f"/api/v1/lobby/{code}/",
            "guide": f"/api/v1/lobby/{code}/guide/",
        }[path]
        assert get(target).status_code == 404, code


def test_an_administrator_turns_the_screen_on(court, screen):
    screen.enabled = False
    screen.save()
    assert get(url(court)).status_code == 404
    screen.enabled = True
    screen.save()
    assert get(url(court)).status_code == 200
    assert screen.history.count() == 3


# --- Pages of the screen -----------------------------------------------------------------------------------


def test_the_screen_shows_one_page_and_moves_to_the_next(court, judge, screen):
    screen.rows_per_page = 3
    screen.seconds_per_page = 20
    screen.save()
    cases = [open_case(court, seq=n, judge=judge) for n in range(1, 8)]  # 7 cases: 3 pages
    first = get(url(court))
    assert len(first.context["cases"]) == 3
    assert (first.context["page"], first.context["pages"]) == (1, 3)
    html = first.content.decode()
    next_url = f"{url(court)}?page=2"
    assert f'content="20; url={next_url}"' in html  # the no-JavaScript fallback
    assert f'data-next="{next_url}"' in html
    assert 'src="/static/js/lobby.js"' in html
    last = get(url(court), data={"page": "3"})
    assert [c.number for c in last.context["cases"]] == [cases[0].number]  # the oldest filed, alone
    assert f"{url(court)}?page=1" in last.content.decode()  # and round again


@pytest.mark.parametrize(("raw", "page"), [("abc", 1), ("0", 3), ("4", 1), ("-1", 1), ("9" * 20, 1), ("", 1)])
def test_a_page_that_is_not_one_shows_one_that_is(court, judge, screen, raw, page):
    screen.rows_per_page = 3
    screen.save()
    for n in range(1, 8):
        open_case(court, seq=n, judge=judge)
    response = get(url(court), data={"page": raw})
    assert response.status_code == 200
    assert response.context["page"] == page


def test_appointments_cycle_with_the_pages(court, judge, screen):
    screen.rows_per_page = 3
    screen.save()
    case = open_case(court, seq=1, judge=judge)
    for hour in range(9, 16):  # 7 appointments today: 3 pages of them, one page of cases
        appointment(court, case, judge, at(0, hour))
    assert get(url(court)).context["pages"] == 3
    third = get(url(court), data={"page": "3"})
    assert [a.starts_at.hour for a in third.context["appointments"]] == [15]
    assert len(third.context["cases"]) == 1  # the one page of cases again


def test_the_screen_has_no_inline_script_and_no_navigation(court, screen):
    html = get(url(court)).content.decode()
    assert "<nav" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


# --- Cost --------------------------------------------------------------------------------------------------


def count_queries(path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("target", ["screen", "api"])
def test_the_number_of_queries_does_not_grow_with_the_cases(court, judge, screen, target):
    path = url(court) if target == "screen" else api(court)
    case = open_case(court, seq=1, judge=judge)
    appointment(court, case, judge, at(0, 9))
    few = count_queries(path)
    for n in range(2, 26):
        more = open_case(court, seq=n, judge=UserFactory() if n % 2 else None)
        appointment(court, more, judge, at(0, 9 + n % 8, 10 + n))
    assert count_queries(path) == few
    assert few <= 4


# --- Throttling --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["screen", "api", "guide"])
def test_an_address_that_asks_too_often_is_told_to_wait(court, screen, settings, target):
    settings.LOBBY_REQUESTS_PER_MINUTE = 3
    path = {"screen": url(court), "api": api(court), "guide": api(court, guide=True)}[target]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(path)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address is not held back; the next minute the first may ask again.
    assert client.get(path, REMOTE_ADDR="10.0.0.9").status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        assert client.get(path).status_code == 200


# --- Guidance and forms ------------------------------------------------------------------------------------


def test_the_terminal_gets_the_guidance_and_the_forms_to_download(court, other_court, screen):
    LobbyGuide.objects.create(court=court, title="开放时间", body="周一至周五", order=1)
    LobbyGuide.objects.create(court=other_court, title="别的法院", body="不显示")
    LobbyGuide.objects.create(court=court, title="English only", body="-", language="en")
    LobbyGuide.objects.create(court=court, title="已停用", body="-", active=False)
    own_form = DocumentTemplate.objects.create(court=court, title="本院执行须知", body="……", order=99)
    DocumentTemplate.objects.create(court=other_court, title="别院文书", body="……")
    body = get(api(court, guide=True), language="zh-hans").json()
    titles = [g["title"] for g in body["guides"]]
    assert titles[0] == "开放时间"
    assert {"申请执行需要携带的材料", "如何申请执行"} <= set(titles)  # seeded for every court
    assert "别的法院" not in titles
    assert "English only" not in titles
    assert "已停用" not in titles
    assert "English only" in [g["title"] for g in get(api(court, guide=True)).json()["guides"]]
    forms = body["forms"]
    assert [f["title"] for f in forms] == ["强制执行申请书", "授权委托书", "财产报告表", "本院执行须知"]
    own_url = reverse("lobby:form", args=[court.code, own_form.pk])
    assert forms[-1]["download_url"] == f"http://testserver{own_url}"


def test_another_courts_or_a_withdrawn_form_is_a_404(court, other_court, screen):
    theirs = DocumentTemplate.objects.create(court=other_court, title="别院文书", body="……")
    withdrawn = DocumentTemplate.objects.create(court=court, title="旧表", body="……", active=False)
    for form in (theirs, withdrawn):
        assert get(reverse("lobby:form", args=[court.code, form.pk])).status_code == 404


@pytest.mark.pdf
def test_a_seeded_form_downloads_as_a_pdf(court, screen):
    form = DocumentTemplate.objects.get(court=None, title="强制执行申请书")
    response = get(reverse("lobby:form", args=[court.code, form.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=utf-8''%E5%BC%BA" in response["Content-Disposition"]


def test_the_seeded_forms_and_guidance_are_put_back_once_and_removed_by_the_reverse_migration():
    from django.apps import apps

    migration = importlib.import_module("portal.migrations.0004_lobby")
    migration.forwards(apps, None)  # already run by the migration: nothing doubles
    assert DocumentTemplate.objects.filter(court=None).count() == 3
    assert LobbyGuide.objects.filter(court=None).count() == 2
    migration.backwards(apps, None)
    assert not DocumentTemplate.objects.exists()
    assert not LobbyGuide.objects.exists()
