"""What parties see of the timeline is in their language and carries no number it should not.

- The system's words for an event are stored as a code with parameters and put into words in the
  reader's language: a Chinese-speaking party reads a payout recorded by finance with English active in
  Chinese, and the other way round; on the progress page, in the API, and on the staff's case page.
- Staff's own words that reach parties (a judge's note on a public step, his answers in the messages) are
  scrubbed of phone, identity and account numbers by their shape, whoever they belong to; the court's
  service phone and amounts, dates and case numbers stay.
- Events written before the codes are converted by a data migration, or shown with their old words.

Chinese expectations are msgids already in the catalogue ("已向申请执行人发放%(amount)s元" ...), so they
hold before the lead merges this part's .po file.
"""

import importlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from enforcement import eventtexts
from enforcement.models import Case, CaseEvent, Party
from enforcement.services.events import record_event
from intake import services as intake
from payments import accountnumbers
from payments import services as payments
from payments.models import BankTransaction, Payout
from portal import party_messages
from portal import proof as portal
from portal import snapshot as progress_snapshot
from portal.models import PublicProgress
from portal.proof import TOKEN_HEADER
from tests.intake.test_case_numbers import application
from tests.portal.test_progress import APPLICANT_ID, PROGRESS, QUERY, World, make_world

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PROGRESS_API = reverse("api-progress")
MESSAGES_API = reverse("api-progress-messages")
_keys = iter(range(1, 10**6))

PAID_ZH = "已向申请执行人发放600.00元"
PAID_EN = "600.00 yuan paid to the applicant"
RECEIVED_ZH = "到账50.00元"
RECEIVED_EN = "50.00 yuan received"


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def staff(user, **language: str) -> Client:
    client = Client(**language)
    client.force_login(user)
    return client


def money_post(client: Client, url: str, payload: dict[str, Any]) -> Any:
    return client.post(
        url, json.dumps(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"pt-{next(_keys)}"
    )


def pay_the_payout(world: World, team_lead, finance, **language: str) -> None:
    """The world's 600.00 proposal approved, then paid by finance through the API in ``language``."""
    payout = Payout.objects.get(case=world.case)
    payments.decide_payout(actor=team_lead, payout=payout, approve=True)
    response = money_post(
        staff(finance, **language), f"/api/v1/payouts/{payout.pk}/pay/", {"bank_reference": "R1"}
    )
    assert response.status_code == 200, response.content


def claim_unmatched_money(world: World, finance, **language: str) -> None:
    """50.00 yuan for a sub-account no case has, claimed for the case by finance through the API."""
    number = accountnumbers.sub_account_number("0302", 99_999_999)
    tx, _created = payments.receive_money(
        incoming=payments.IncomingMoney("PT-U1", number, Decimal("50.00"), timezone.now(), "张三"),
        source=BankTransaction.Source.NOTIFICATION,
    )
    url = f"/api/v1/bank/transactions/{tx.pk}/claim/"
    response = money_post(staff(finance, **language), url, {"case": world.case.number})
    assert response.status_code == 200, response.content


def progress_page(world: World, **language: str) -> str:
    client = Client(**language)
    body = {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code}
    assert client.post(QUERY, body).status_code == 302
    return client.get(PROGRESS).content.decode()


def progress_api(world: World, **language: str) -> dict[str, Any]:
    body = {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code}
    response = Client().post(PROGRESS_API, body, content_type="application/json", **language)
    assert response.status_code == 200, response.content
    return response.json()


def event_details(answer: dict[str, Any], kind: str) -> list[str]:
    return [e["detail"] for e in answer["events"] if e["kind"] == kind]


# --- The reader's language --------------------------------------------------------------------------------


def test_a_chinese_party_reads_in_chinese_what_english_speaking_finance_recorded(world, team_lead, finance):
    pay_the_payout(world, team_lead, finance, **EN)
    claim_unmatched_money(world, finance, **EN)

    page = progress_page(world, **ZH)
    assert PAID_ZH in page and RECEIVED_ZH in page
    assert "yuan" not in page
    answer = progress_api(world, **ZH)
    assert event_details(answer, CaseEvent.Kind.MONEY_PAID) == [PAID_ZH]
    assert RECEIVED_ZH in event_details(answer, CaseEvent.Kind.MONEY_RECEIVED)


def test_an_english_party_reads_in_english_what_chinese_speaking_finance_recorded(world, team_lead, finance):
    pay_the_payout(world, team_lead, finance, **ZH)
    claim_unmatched_money(world, finance, **ZH)

    page = progress_page(world, **EN)
    assert PAID_EN in page and RECEIVED_EN in page
    assert "发放" not in page and "到账" not in page
    answer = progress_api(world, **EN)
    assert event_details(answer, CaseEvent.Kind.MONEY_PAID) == [PAID_EN]
    assert RECEIVED_EN in event_details(answer, CaseEvent.Kind.MONEY_RECEIVED)


def test_one_stored_snapshot_serves_both_languages(world, team_lead, finance):
    pay_the_payout(world, team_lead, finance, **EN)
    assert event_details(progress_api(world, **ZH), CaseEvent.Kind.MONEY_PAID) == [PAID_ZH]
    stored = PublicProgress.objects.get(case=world.case)
    assert event_details(progress_api(world, **EN), CaseEvent.Kind.MONEY_PAID) == [PAID_EN]
    assert PublicProgress.objects.get(case=world.case).built_at == stored.built_at  # not rebuilt
    text = json.dumps(stored.data, ensure_ascii=False)
    assert "yuan" not in text and "发放" not in text  # words are put on when read, not stored


def test_staff_read_the_timeline_in_their_own_language(world, team_lead, finance):
    pay_the_payout(world, team_lead, finance, **EN)
    url = reverse("case-detail", args=[world.case.pk])
    chinese = staff(world.judge, **ZH).get(url).content.decode()
    english = staff(world.judge, **EN).get(url).content.decode()
    assert PAID_ZH in chinese and PAID_EN not in chinese
    assert PAID_EN in english and PAID_ZH not in english


def test_every_public_text_of_the_world_is_a_code_and_reads_in_both_languages(world):
    events = CaseEvent.objects.filter(case=world.case, public=True).exclude(kind=CaseEvent.Kind.CASE_FILED)
    assert events.exists()
    for event in events:
        assert event.text_code and not event.detail, event.kind
        with translation.override("en"):
            english = event.text
        with translation.override("zh-hans"):
            chinese = event.text
        assert english and chinese, event.kind
        if event.kind not in (CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.REASSIGNED):
            # The team's text is a new msgid ("Enforcement team: %(team)s"): Chinese after the merge.
            assert english != chinese, event.kind
    delivery = events.get(kind=CaseEvent.Kind.NOTICE_DELIVERED)
    with translation.override("en"):
        assert delivery.text == "Acceptance notice → Respondent"
    with translation.override("zh-hans"):
        assert delivery.text == "受理通知书 → 被执行人"


def test_closing_a_case_reads_in_the_readers_language(court, clerk):
    case = intake.file_case(actor=clerk, application=application(court, 9400)).case
    event = record_event(
        case=case,
        kind=CaseEvent.Kind.CASE_CLOSED,
        actor=None,
        public=True,
        text_code=eventtexts.CASE_CLOSED,
        text_params={"closure": Case.Closure.PERFORMED},
    )
    with translation.override("en"):
        assert event.text == "Fully performed"
    with translation.override("zh-hans"):
        assert event.text == str(Case.Closure.PERFORMED.label)


def test_an_unknown_text_code_is_refused_when_written(world):
    with pytest.raises(ValueError, match=r"payments\.money_payd"):
        record_event(
            case=world.case,
            kind=CaseEvent.Kind.MONEY_PAID,
            actor=None,
            public=True,
            text_code="payments.money_payd",
        )


def test_parameters_a_renderer_cannot_use_show_the_label_and_nothing_else(world):
    CaseEvent.objects.create(
        case=world.case, kind=CaseEvent.Kind.MONEY_PAID, public=True, text_code="payments.money_paid"
    )
    CaseEvent.objects.create(
        case=world.case, kind=CaseEvent.Kind.MONEY_PAID, public=True, text_code="gone.app"
    )
    answer = progress_api(world, **EN)
    assert event_details(answer, CaseEvent.Kind.MONEY_PAID) == ["", ""]


# --- Staff's words that reach parties -----------------------------------------------------------------------

NOTE = (
    "已于2026-12-02送达，执行款12000.00元，见（2026）蒙0302执12号。"
    "被执行人手机158-4736-1234，身份证150304 1975 1231 7893，"
    "备用１５８４７３６１２３４，单位电话0473-1234567，证人赵某电话+86 139 1234 5678。"
    "如有疑问请致电0473-2223333。"
)
NUMBERS = [
    "158-4736-1234",
    "150304 1975 1231 7893",
    "１５８４７３６１２３４",
    "0473-1234567",
    "139 1234 5678",
]
KEPT = ["2026-12-02", "12000.00", "（2026）蒙0302执12号", "0473-2223333"]


def serve_notice_with(world: World, note: str) -> None:
    response = staff(world.judge).post(
        reverse("api-case-steps", args=[world.case.pk]),
        {"step": "notice_served", "detail": note},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_a_judges_note_on_a_public_step_reaches_parties_without_any_number(world):
    court = world.case.court
    court.service_phone = "0473-8880000"  # the factory's court phone is the note's 0473-1234567
    court.save(update_fields=["service_phone"])
    serve_notice_with(world, NOTE)

    page = progress_page(world)
    [shown] = event_details(progress_api(world), CaseEvent.Kind.NOTICE_SERVED)
    for text in (page, shown):
        for number in NUMBERS:
            assert number not in text, number
        for kept in KEPT:  # amounts, dates, case numbers and the court's own phone stay
            assert kept in text, kept
    assert shown == (
        "已于2026-12-02送达，执行款12000.00元，见（2026）蒙0302执12号。"
        "被执行人手机***，身份证***，备用***，单位电话***，证人赵某电话***。如有疑问请致电0473-2223333。"
    )
    # Staff see what the judge wrote.
    assert NOTE in staff(world.judge).get(reverse("case-detail", args=[world.case.pk])).content.decode()


def test_a_party_never_sees_his_own_or_the_other_sides_stored_numbers_in_a_note(world):
    respondent = world.respondent
    spaced = f"{respondent.phone[:3]} {respondent.phone[3:7]} {respondent.phone[7:]}"
    serve_notice_with(world, f"{respondent.name}，电话{spaced}，身份证号{respondent.id_number}")
    [shown] = event_details(progress_api(world), CaseEvent.Kind.NOTICE_SERVED)
    assert shown == "欧阳某，电话***，身份证号***"


def test_the_judges_answers_reach_the_party_without_numbers(world):
    party_messages.answer_party(
        actor=world.judge,
        case=world.case,
        party=world.applicant,
        body="请联系被执行人158-4736-1234，或致电0473-2223333",
    )
    client = Client()
    body = {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code}
    token = client.post(PROGRESS_API, body, content_type="application/json").json()["token"]
    thread = client.get(MESSAGES_API, **{f"HTTP_{TOKEN_HEADER.upper().replace('-', '_')}": token}).json()
    assert [m["body"] for m in thread] == ["请联系被执行人***，或致电0473-2223333"]
    page = progress_page(world)
    assert "158-4736-1234" not in page and "请联系被执行人***" in page


def test_a_partys_own_message_is_shown_back_as_he_wrote_it(world):
    access = portal.PortalAccess(world.case, world.applicant)
    message = party_messages.write_to_judge(access=access, body="我的新电话13912340000")
    assert party_messages.party_view_of(message, world.case)["body"] == "我的新电话13912340000"


# --- The snapshot and events from before the codes ----------------------------------------------------------


def test_a_snapshot_of_the_old_shape_is_rebuilt_and_read(world):
    progress_api(world)
    old = PublicProgress.objects.get(case=world.case)
    data = dict(old.data)
    data["v"] = 1
    data["events"] = [event[:2] for event in data["events"]]  # version 1 kept [kind, date] only
    PublicProgress.objects.filter(case=world.case).update(data=data)

    answer = progress_api(world, **EN)
    assert "Acceptance notice → Respondent" in event_details(answer, CaseEvent.Kind.NOTICE_DELIVERED)
    assert PublicProgress.objects.get(case=world.case).data["v"] == progress_snapshot.VERSION


def test_a_note_on_a_public_step_drops_the_snapshot(world):
    progress_api(world)
    assert PublicProgress.objects.filter(case=world.case).exists()
    serve_notice_with(world, "电话158-4736-1234")
    assert event_details(progress_api(world), CaseEvent.Kind.NOTICE_SERVED) == ["电话***"]


def _legacy(case: Case, event_kind: str, detail: str, **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=event_kind, public=True, detail=detail, data=data)


def test_the_data_migration_converts_old_public_texts_and_keeps_their_words(world):
    case, respondent = world.case, world.respondent
    converted = {
        "paid": _legacy(case, "money_paid", PAID_EN, amount="600.00", payout=1),
        "received": _legacy(case, "money_received", "50.00 yuan received", amount="50", transaction=1),
        "closed": _legacy(case, "case_closed", "Fully performed", closure="performed"),
        "assigned": _legacy(case, "assigned", "速执一团队", team=world.team.pk),
        "delivered": _legacy(
            case,
            "notice_delivered",
            "Acceptance notice → Respondent",
            notice="acceptance",
            recipient=respondent.pk,
        ),
        "taken": _legacy(case, "measure_taken", "Freeze of a bank deposit", kind="freeze_deposit", measure=1),
        "renewed": _legacy(case, "measure_renewed", "冻结银行存款", measure=1),
        "released": _legacy(case, "measure_released", "Seal of real estate", measure=2),
        "detained": _legacy(case, "detention_approved", "司法拘留15日", detention=1),
        "fined": _legacy(case, "fine_approved", "Fine of 5000.00 yuan", fine=1),
    }
    kept = _legacy(case, "measure_released", "something else", measure=3)
    migration = importlib.import_module("enforcement.migrations.0018_public_event_texts_as_codes")

    migration.forwards(apps, None)

    for event in [*converted.values(), kept]:
        event.refresh_from_db()
    assigned = converted.pop("assigned")
    with translation.override("en"):  # a new msgid: its Chinese (执行团队：%(team)s) comes with the merge
        assert assigned.text == "Enforcement team: 速执一团队"
    with translation.override("zh-hans"):
        texts = {name: event.text for name, event in converted.items()}
    assert texts == {
        "paid": PAID_ZH,
        "received": RECEIVED_ZH,
        "closed": str(Case.Closure.PERFORMED.label),
        "delivered": "受理通知书 → 被执行人",
        "taken": "冻结银行存款",
        "renewed": "冻结银行存款",
        "released": "查封不动产",
        "detained": "司法拘留15日",
        "fined": "罚款5000.00元",
    }
    assert all(event.detail == "" for event in converted.values())
    assert converted["paid"].data == {"amount": "600.00", "payout": 1, "detail_before_text_code": PAID_EN}
    assert (kept.text_code, kept.detail) == ("", "something else")  # shown as before
    assert event_details(progress_api(world), CaseEvent.Kind.MEASURE_RELEASED) == [
        "something else",
        "查封不动产",
    ]

    migration.backwards(apps, None)
    converted["paid"].refresh_from_db()
    assert (converted["paid"].detail, converted["paid"].text_code) == (PAID_EN, "")


def test_party_roles_and_notices_in_the_world_are_public_by_role_only(world):
    delivery = CaseEvent.objects.get(case=world.case, kind=CaseEvent.Kind.NOTICE_DELIVERED)
    assert delivery.text_params == {"notice": "acceptance", "recipient_role": Party.Role.RESPONDENT}
