"""Text messages to parties: which public events write them, to which numbers, what they say, and their
delivery (claimed, sent once, retried, failed), through the test backend; nothing leaves the machine."""

import datetime
import logging
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from enforcement import sms, sms_queue, tasks
from enforcement.models import Case, CaseEvent, Party, SmsMessage
from enforcement.services.cases import close_case
from enforcement.services.events import record_event
from intake import services
from tests.factories import CourtFactory, UserFactory, resident_id
from tests.intake.test_case_numbers import application
from tests.money import money_case, pay_in

APPLICANT_MOBILE = "13900000001"
SECOND_MOBILE = "15800000002"
LANDLINE = "0473-2022148"


class FailingBackend(sms.SmsBackend):
    """A provider that refuses everything."""

    def send(self, phone: str, text: str) -> str:
        raise sms.SmsError("provider refused: quota exceeded")


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "enforcement.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def file_with_phones(court, clerk, n: int = 1, *, respondent_phone: str = LANDLINE) -> Case:
    """A case filed through the service: an applicant with a mobile, one with none, and the respondent."""
    applicants = [
        services.PartyInput(
            kind="person",
            name=f"张{n}",
            id_type="resident_id",
            id_number=resident_id(n),
            phone=APPLICANT_MOBILE,
        ),
        services.PartyInput(
            kind="person", name=f"李{n}", id_type="resident_id", id_number=resident_id(n + 500)
        ),
    ]
    respondents = [
        services.PartyInput(
            kind="person",
            name=f"王{n}",
            id_type="resident_id",
            id_number=resident_id(n + 1000),
            phone=respondent_phone,
        )
    ]
    app = application(court, n, applicants=applicants, respondents=respondents)
    return services.file_case(actor=clerk, application=app).case


def public_event(case: Case, kind: str, **data: str) -> CaseEvent:
    return record_event(case=case, kind=kind, actor=None, public=True, data=data)


# --- Which events, which numbers ------------------------------------------------------------------------


def test_filing_a_case_through_the_service_texts_the_party_with_a_mobile(court, clerk):
    case = file_with_phones(court, clerk)

    messages = list(SmsMessage.objects.filter(case=case))

    assert [(m.phone, m.event.kind, m.status) for m in messages] == [
        (APPLICANT_MOBILE, CaseEvent.Kind.CASE_FILED, SmsMessage.Status.PENDING)
    ]
    text = messages[0].text
    assert case.number in text
    assert court.name in text
    assert settings.SITE_URL.rstrip("/") + "/progress/" in text


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (CaseEvent.Kind.CASE_FILED, {}),
        (CaseEvent.Kind.ASSIGNED, {}),
        (CaseEvent.Kind.REASSIGNED, {}),
        (CaseEvent.Kind.MONEY_RECEIVED, {"amount": "800.00"}),
        (CaseEvent.Kind.MONEY_PAID, {"amount": "750.00"}),
        (CaseEvent.Kind.CASE_CLOSED, {"closure": Case.Closure.PERFORMED}),
    ],
)
def test_each_public_event_parties_are_told_of_texts_every_mobile_and_no_landline(court, clerk, kind, data):
    case = file_with_phones(court, clerk, respondent_phone=SECOND_MOBILE)

    event = public_event(case, kind, **data)

    assert sorted(event.sms_messages.values_list("phone", flat=True)) == sorted(
        [APPLICANT_MOBILE, SECOND_MOBILE]
    )
    text = event.sms_messages.first().text
    assert case.number in text
    for value in data.values():
        if kind != CaseEvent.Kind.CASE_CLOSED:
            assert value in text


def test_a_landline_gets_no_text(court, clerk):
    case = file_with_phones(court, clerk, respondent_phone=LANDLINE)

    event = public_event(case, CaseEvent.Kind.ASSIGNED)

    assert list(event.sms_messages.values_list("phone", flat=True)) == [APPLICANT_MOBILE]


def test_an_event_that_is_not_public_texts_nobody(court, clerk):
    case = file_with_phones(court, clerk)

    event = record_event(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=None, public=False)

    assert not event.sms_messages.exists()


def test_a_public_event_of_another_kind_texts_nobody(court, clerk):
    case = file_with_phones(court, clerk)

    event = public_event(case, CaseEvent.Kind.NOTICE_SERVED)

    assert not event.sms_messages.exists()


def test_two_parties_sharing_a_mobile_get_one_text(court, clerk):
    case = file_with_phones(court, clerk, respondent_phone=APPLICANT_MOBILE)

    event = public_event(case, CaseEvent.Kind.ASSIGNED)

    assert event.sms_messages.count() == 1


def test_the_texts_carry_no_identity_numbers_addresses_or_names_of_any_party(court, clerk):
    case = file_with_phones(court, clerk, respondent_phone=SECOND_MOBILE)
    Party.objects.filter(case=case).update(address="内蒙古乌海市海勃湾区某街1号")
    for kind, data in [
        (CaseEvent.Kind.ASSIGNED, {}),
        (CaseEvent.Kind.REASSIGNED, {}),
        (CaseEvent.Kind.MONEY_RECEIVED, {"amount": "1.00"}),
        (CaseEvent.Kind.MONEY_PAID, {"amount": "1.00"}),
        (CaseEvent.Kind.CASE_CLOSED, {"closure": Case.Closure.TERMINATED_THIS_ROUND}),
    ]:
        public_event(case, kind, **data)

    texts = list(SmsMessage.objects.filter(case=case).values_list("text", flat=True))

    assert len(texts) == 2 * 6
    for party in case.parties.all():
        for text in texts:
            assert party.id_number not in text
            assert party.name not in text
            assert "某街" not in text


def test_money_received_from_the_bank_texts_the_parties(court, clerk, judge):
    case = money_case(court, clerk, judge)
    Party.objects.filter(case=case, role=Party.Role.APPLICANT).update(phone=APPLICANT_MOBILE)

    pay_in(case, Decimal("1234.50"))

    message = SmsMessage.objects.get(case=case, event__kind=CaseEvent.Kind.MONEY_RECEIVED)
    assert message.phone == APPLICANT_MOBILE
    assert "1234.50" in message.text


def test_closing_the_case_texts_the_parties(court, clerk, judge):
    case = file_with_phones(court, clerk)
    case.responsible_judge = judge
    case.save(update_fields=["responsible_judge"])

    close_case(actor=judge, case=case, closure=Case.Closure.PERFORMED, note="全部履行")

    message = SmsMessage.objects.get(case=case, event__kind=CaseEvent.Kind.CASE_CLOSED)
    assert message.phone == APPLICANT_MOBILE
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Case.Closure.PERFORMED.label) in message.text


def test_the_texts_are_written_in_the_courts_language_whatever_the_request_asked_for(court, clerk):
    with translation.override("en"):
        case = file_with_phones(court, clerk)
    with translation.override(settings.LANGUAGE_CODE):
        expected = sms_queue.text_for(CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CASE_FILED), case)

    assert SmsMessage.objects.get(case=case).text == expected


def test_a_rolled_back_event_leaves_no_text(court, clerk):
    case = file_with_phones(court, clerk)

    def change_that_fails() -> None:
        with transaction.atomic():
            public_event(case, CaseEvent.Kind.ASSIGNED)
            raise RuntimeError("the change failed after the event")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert SmsMessage.objects.filter(case=case).count() == 1  # the filing's only


# --- Delivery ---------------------------------------------------------------------------------------------


def test_delivery_sends_each_message_once_even_when_run_twice(court, clerk, outbox):
    case = file_with_phones(court, clerk, respondent_phone=SECOND_MOBILE)
    public_event(case, CaseEvent.Kind.ASSIGNED)

    first = sms.deliver_sms()
    second = sms.deliver_sms()

    assert (first.claimed, first.sent) == (4, 4)  # filed and assigned, each to two mobiles
    assert second.claimed == 0
    assert sorted(m.phone for m in outbox) == [APPLICANT_MOBILE] * 2 + [SECOND_MOBILE] * 2
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsMessage.Status.SENT}
    assert all(m.sent_at and m.provider_reference for m in SmsMessage.objects.all())


def test_a_failing_provider_is_retried_with_backoff_then_given_up(court, clerk, settings, caplog):
    settings.SMS_BACKEND = "tests.enforcement.test_sms.FailingBackend"
    file_with_phones(court, clerk)
    message = SmsMessage.objects.get()
    now = timezone.now()

    first = sms.deliver_sms(now=now)
    message.refresh_from_db()
    assert first.retried == 1
    assert message.status == SmsMessage.Status.PENDING
    assert message.attempts == 1
    assert "quota exceeded" in message.last_error
    assert message.next_attempt_at >= now + datetime.timedelta(minutes=1)
    assert sms.deliver_sms(now=now).claimed == 0  # not due again yet

    at = now
    with caplog.at_level(logging.ERROR, logger="enforcement.sms"):
        for _ in range(sms.MAX_ATTEMPTS - 1):
            at += datetime.timedelta(hours=2)
            sms.deliver_sms(now=at)
    message.refresh_from_db()

    assert message.status == SmsMessage.Status.FAILED
    assert message.attempts == sms.MAX_ATTEMPTS
    assert "giving up" in caplog.text
    assert sms.deliver_sms(now=at + datetime.timedelta(days=1)).claimed == 0


def test_backoff_doubles_up_to_an_hour():
    assert [sms.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_message_left_by_a_worker_that_died_is_sent_after_its_lease(court, clerk, outbox):
    file_with_phones(court, clerk)
    now = timezone.now()
    SmsMessage.objects.update(status=SmsMessage.Status.SENDING, attempts=1, claimed_until=now + sms.LEASE)

    assert sms.deliver_sms(now=now).claimed == 0
    result = sms.deliver_sms(now=now + sms.LEASE + datetime.timedelta(seconds=1))

    assert result.sent == 1
    assert len(outbox) == 1


def test_the_console_backend_is_the_default_and_only_logs(court, clerk, caplog):
    assert settings.SMS_BACKEND == "enforcement.sms.ConsoleBackend"
    file_with_phones(court, clerk)

    with caplog.at_level(logging.INFO, logger="enforcement.sms"):
        assert sms.deliver_sms().sent == 1

    assert "139****0001" in caplog.text
    assert APPLICANT_MOBILE not in caplog.text


def test_a_backend_that_is_not_an_sms_backend_is_refused(settings):
    settings.SMS_BACKEND = "logging.Logger"

    with pytest.raises(TypeError):
        sms.get_backend()


# --- Two workers at once ------------------------------------------------------------------------------


def _two_workers_send_each_message_once(outbox) -> None:
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(username="clerk", roles=["clerk"], courts=[court])
    for n in range(1, 7):
        file_with_phones(court, clerk, n, respondent_phone=SECOND_MOBILE)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            while sms.deliver_sms(limit=2).claimed:
                pass
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(outbox) == 12  # six filings, each to two mobiles
    assert len({(m.phone, m.text) for m in outbox}) == 12
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsMessage.Status.SENT}
    assert set(SmsMessage.objects.values_list("attempts", flat=True)) == {1}


@pytest.fixture
def no_broker(monkeypatch):
    """These tests commit, so the filing queues a delivery task: the test delivers by hand instead."""
    monkeypatch.setattr(tasks.deliver_sms_task, "delay", lambda: None)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once_on_any_database(outbox, no_broker):
    _two_workers_send_each_message_once(outbox)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once_on_postgresql(outbox, no_broker):
    assert connection.vendor == "postgresql"
    _two_workers_send_each_message_once(outbox)


# --- The task and the beat -------------------------------------------------------------------------------


def test_an_event_that_wrote_texts_queues_delivery_after_commit(
    court, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.deliver_sms_task, "delay", lambda: queued.append("deliver"))
    case = file_with_phones(court, clerk)

    with django_capture_on_commit_callbacks(execute=True):
        public_event(case, CaseEvent.Kind.ASSIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        record_event(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=None, public=False)

    assert queued == ["deliver"]


def test_a_broker_that_is_down_does_not_undo_the_event(
    court, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    def down() -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_sms_task, "delay", down)
    case = file_with_phones(court, clerk)

    with django_capture_on_commit_callbacks(execute=True):
        event = public_event(case, CaseEvent.Kind.ASSIGNED)

    assert event.sms_messages.count() == 1  # the beat delivers it


def test_the_task_delivers_and_runs_again_after_a_full_batch(court, clerk, outbox, monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr(tasks.deliver_sms_task, "delay", lambda: queued.append("deliver"))
    monkeypatch.setattr(tasks, "SMS_BATCH_SIZE", 2)
    case = file_with_phones(court, clerk, respondent_phone=SECOND_MOBILE)
    public_event(case, CaseEvent.Kind.ASSIGNED)

    assert tasks.deliver_sms_task()["sent"] == 2
    assert queued == ["deliver"]
    assert tasks.deliver_sms_task()["sent"] == 2
    assert tasks.deliver_sms_task()["sent"] == 0
    assert queued == ["deliver", "deliver"]


def test_the_beat_delivers_texts_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-sms"]

    assert entry["task"] == "enforcement.deliver_sms"
    assert entry["schedule"] == 60.0
