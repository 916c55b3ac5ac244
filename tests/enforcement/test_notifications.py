"""Notifications: who is told of an alert, what they read, and delivery of the outbox with retries.

Alerts come from the real scan over cases filed through the intake service. The group-chat robot is a
real HTTP server on 127.0.0.1 started by the test; nothing leaves the machine.
"""

import datetime
import json
import logging
import smtplib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from enforcement import notify, tasks
from enforcement.models import (
    Alert,
    Case,
    Deadline,
    InboxItem,
    OutboxMessage,
    StaffProfile,
    Team,
    TeamKind,
    TeamMembership,
)
from enforcement.scan import scan_deadlines
from enforcement.selectors.alerts import unread_count
from enforcement.services.alerts import mark_inbox_read
from enforcement.services.deadlines import open_deadline
from intake import services
from tests.factories import CourtFactory, UserFactory
from tests.intake.test_case_numbers import application


@pytest.fixture(autouse=True)
def _every_node_urgent(request: pytest.FixtureRequest) -> None:
    """These tests are about immediate delivery, which only urgent nodes get (the others wait for the
    daily digest, tested in test_digest.py): every node type is made urgent here."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (marker or transactional or "db" in request.fixturenames):
        return
    request.getfixturevalue("reference_data")
    from enforcement.models import NodeType

    NodeType.objects.update(urgent=True)


LEAD_MOBILE = "13900000001"
JUDGE_MOBILE = "13900000002"
OK = (200, {"errcode": 0, "errmsg": "ok"})


# --- A group-chat robot on 127.0.0.1 ------------------------------------------------------------------


class Robot:
    """A WeCom-style robot: records every POST it receives and answers with the queued answers, then OK."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self.paths: list[str] = []
        self.answers: list[tuple[int, Any]] = []
        self.always: tuple[int, Any] | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(robot.delay)
                status, answer = robot.record(self.path, self.headers.get("Content-Type", ""), body)
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "/somewhere-else")
                payload = json.dumps(answer).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

        return Handler

    def record(self, path: str, content_type: str, body: bytes) -> tuple[int, Any]:
        with self.lock:
            self.paths.append(path)
            self.content_types.append(content_type)
            self.received.append(json.loads(body.decode("utf-8")))
            if self.answers:
                return self.answers.pop(0)
            return self.always or OK

    def __enter__(self) -> "Robot":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot() -> Iterator[Robot]:
    with Robot() as running:
        yield running


# --- Data -------------------------------------------------------------------------------------------------


def staff(username: str, role: str, court, mobile: str = "", **fields):
    user = UserFactory(username=username, roles=[role], courts=[court], **fields)
    if mobile:
        StaffProfile.objects.create(user=user, mobile=mobile)
    return user


@pytest.fixture
def lead(court):
    return staff("lead", "team_lead", court, LEAD_MOBILE, email="lead@court.example")


def make_team(court, kind: str = "ordinary", name: str = "普执一组", url: str = "", **members) -> Team:
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code=kind), name=name, webhook_url=url)
    for role, user in members.items():
        TeamMembership.objects.create(team=team, user=user, role=role)
    return team


def file(court, clerk, n: int = 1, team: Team | None = None, judge=None) -> Case:
    case = services.file_case(actor=clerk, application=application(court, n)).case
    Case.objects.filter(pk=case.pk).update(team=team, responsible_judge=judge)
    case.refresh_from_db()
    return case


def deadline(case: Case, code: str) -> Deadline:
    found = Deadline.objects.filter(case=case, node_type__code=code).first()
    return found or open_deadline(case=case, code=code, anchor_at=case.filed_at)


def raise_alert(case: Case, code: str, level: str) -> Alert:
    """Scan just after the deadline reached the level; the alert and its outbox rows are then written."""
    clock = deadline(case, code)
    at = (clock.due_at if level == Alert.Level.OVERDUE else clock.warn_at) + datetime.timedelta(minutes=1)
    scan_deadlines(now=at)
    return Alert.objects.select_related("case", "deadline", "node_type").get(deadline=clock, level=level)


def message(alert: Alert, channel: str) -> OutboxMessage:
    return OutboxMessage.objects.get(alert=alert, channel=channel)


def deliver(alert: Alert, later: datetime.timedelta = datetime.timedelta(0), **kwargs):
    return notify.deliver_due_messages(now=alert.raised_at + later, **kwargs)


# --- Who is told ------------------------------------------------------------------------------------------


def test_a_nearing_team_lead_node_goes_to_the_leads_of_the_case_team(court, clerk, lead, judge):
    team = make_team(court, url="http://127.0.0.1:9/robot", lead=lead, judge=judge)
    alert = raise_alert(file(court, clerk, team=team, judge=judge), "assign_judge", Alert.Level.NEARING)

    recipients = notify.recipients_for(alert)

    assert recipients.users == [lead]
    assert recipients.mobiles == [LEAD_MOBILE]
    assert recipients.webhook_url == "http://127.0.0.1:9/robot"


def test_an_unassigned_case_goes_to_the_court_team_leads_and_the_affairs_team_robot(court, clerk, lead):
    make_team(court, kind="affairs", name="事务团队", url="http://127.0.0.1:9/affairs")
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    recipients = notify.recipients_for(alert)

    assert recipients.users == [lead]
    assert recipients.webhook_url == "http://127.0.0.1:9/affairs"


def test_a_team_without_a_robot_falls_back_to_the_affairs_team_robot(court, clerk, lead):
    team = make_team(court, lead=lead)
    make_team(court, kind="affairs", name="事务团队", url="http://127.0.0.1:9/affairs")
    alert = raise_alert(file(court, clerk, team=team), "assign_judge", Alert.Level.NEARING)

    assert notify.recipients_for(alert).webhook_url == "http://127.0.0.1:9/affairs"


def test_a_court_without_team_leads_tells_its_supervisors(court, clerk, supervisor):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    recipients = notify.recipients_for(alert)

    assert recipients.users == [supervisor]
    assert recipients.webhook_url == ""


def test_a_nearing_judge_node_goes_to_the_responsible_judge_only(court, clerk, lead, judge, supervisor):
    StaffProfile.objects.create(user=judge, mobile=JUDGE_MOBILE)
    team = make_team(court, lead=lead, judge=judge)
    alert = raise_alert(file(court, clerk, team=team, judge=judge), "enforcement_notice", "nearing")

    recipients = notify.recipients_for(alert)

    assert recipients.users == [judge]
    assert recipients.mobiles == [JUDGE_MOBILE]


def test_an_overdue_alert_also_reaches_the_team_leads_and_the_supervisors(
    court, clerk, lead, judge, supervisor
):
    StaffProfile.objects.create(user=judge, mobile=JUDGE_MOBILE)
    team = make_team(court, lead=lead, judge=judge)
    alert = raise_alert(file(court, clerk, team=team, judge=judge), "enforcement_notice", "overdue")

    recipients = notify.recipients_for(alert)

    assert recipients.users == [judge, lead, supervisor]
    assert recipients.mobiles == [JUDGE_MOBILE, LEAD_MOBILE]


def test_a_person_who_is_both_responsible_and_lead_is_told_once(court, clerk, lead, supervisor):
    team = make_team(court, lead=lead)
    alert = raise_alert(file(court, clerk, team=team), "assign_judge", Alert.Level.OVERDUE)

    recipients = notify.recipients_for(alert)

    assert recipients.users == [lead, supervisor]
    assert recipients.mobiles == [LEAD_MOBILE]


def test_a_judge_node_without_a_responsible_judge_goes_to_the_team_leads(court, clerk, lead, judge):
    team = make_team(court, lead=lead, judge=judge)
    alert = raise_alert(file(court, clerk, team=team), "enforcement_notice", Alert.Level.NEARING)

    assert notify.recipients_for(alert).users == [lead]


def test_a_payout_alert_goes_to_finance(court, clerk, lead, judge, finance):
    team = make_team(court, lead=lead, judge=judge)
    alert = raise_alert(file(court, clerk, team=team, judge=judge), "payout", Alert.Level.NEARING)

    assert notify.recipients_for(alert).users == [finance]


def test_people_who_left_are_not_told(court, clerk, lead, supervisor):
    team = make_team(court, lead=lead)
    type(lead).objects.filter(pk=lead.pk).update(is_active=False)
    alert = raise_alert(file(court, clerk, team=team), "assign_judge", Alert.Level.NEARING)

    assert notify.recipients_for(alert).users == [supervisor]


def test_staff_of_another_court_are_not_told(court, other_court, clerk, supervisor):
    staff("elsewhere", "supervisor", other_court)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.OVERDUE)

    assert notify.recipients_for(alert).users == [supervisor]


# --- What they read ---------------------------------------------------------------------------------------


def test_the_message_names_the_case_the_node_and_the_due_date_and_links_the_case_page(
    court, clerk, lead, settings
):
    settings.SITE_URL = "https://zhixing.court.example/"
    case = file(court, clerk)
    alert = raise_alert(case, "assign_judge", Alert.Level.OVERDUE)

    text = notify.message_for(alert)

    assert case.number in text.title
    assert "分案（确定承办法官）" in text.title
    assert alert.deadline.due_date.isoformat() in text.title
    assert text.text.startswith(text.title + "\n")
    assert text.text.endswith(f"https://zhixing.court.example/cases/{case.pk}/")
    assert text.path == f"/cases/{case.pk}/"


def test_the_message_is_written_in_the_court_language_whatever_language_is_active(court, clerk, lead):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    with translation.override("en"):
        english_worker = notify.message_for(alert)
    with translation.override("zh-hans"):
        chinese_worker = notify.message_for(alert)

    assert english_worker == chinese_worker


# --- The inbox --------------------------------------------------------------------------------------------


def test_the_inbox_gets_one_item_per_recipient_even_when_a_message_is_delivered_twice(
    court, clerk, lead, supervisor
):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.OVERDUE)
    deliver(alert)
    # As if the worker died after writing the items and before marking the message sent.
    OutboxMessage.objects.filter(alert=alert, channel="inbox").update(status="pending")

    deliver(alert)

    items = InboxItem.objects.filter(alert=alert)
    assert sorted(items.values_list("user__username", flat=True)) == ["lead", "supervisor"]
    assert message(alert, "inbox").status == OutboxMessage.Status.SENT
    item = items.get(user=lead)
    assert alert.case.number in item.title
    assert item.url == f"/cases/{alert.case_id}/"
    assert unread_count(lead) == 1


def test_unread_count_falls_as_items_are_marked_read(lead, supervisor):
    first, *_others = (InboxItem.objects.create(user=lead, title=f"提醒{n}") for n in range(3))
    InboxItem.objects.create(user=supervisor, title="别人的提醒")
    assert unread_count(lead) == 3

    assert mark_inbox_read(user=lead, item_ids=[first.pk]) == 1
    assert unread_count(lead) == 2
    assert mark_inbox_read(user=lead, item_ids=[first.pk]) == 0

    assert mark_inbox_read(user=lead) == 2
    assert unread_count(lead) == 0
    assert unread_count(supervisor) == 1


def test_a_user_cannot_mark_someone_elses_items_read(lead, supervisor):
    theirs = InboxItem.objects.create(user=supervisor, title="别人的提醒")

    assert mark_inbox_read(user=lead, item_ids=[theirs.pk]) == 0
    assert unread_count(supervisor) == 1


def test_an_alert_nobody_can_receive_is_skipped_not_failed(court, clerk):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    result = deliver(alert)

    assert result.skipped == 3
    assert set(OutboxMessage.objects.filter(alert=alert).values_list("status", flat=True)) == {"skipped"}
    assert not InboxItem.objects.exists()


# --- Email ------------------------------------------------------------------------------------------------


def test_the_email_goes_to_the_recipients(court, clerk, lead, mailoutbox):
    staff("boss", "supervisor", court, email="boss@court.example")
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.OVERDUE)

    deliver(alert)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["lead@court.example", "boss@court.example"]
    assert mail.subject == notify.message_for(alert).title
    assert f"/cases/{alert.case_id}/" in mail.body
    assert message(alert, "email").status == OutboxMessage.Status.SENT


def test_no_email_is_sent_to_recipients_without_an_address(court, clerk, supervisor, mailoutbox):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    deliver(alert)

    assert mailoutbox == []
    assert message(alert, "email").status == OutboxMessage.Status.SKIPPED


def test_a_message_is_never_marked_sent_when_the_send_raised(court, clerk, lead, monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(notify, "send_mail", refuse)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    result = deliver(alert)

    email = message(alert, "email")
    assert (email.status, email.sent_at, email.attempts) == ("pending", None, 1)
    assert "the mail server went away" in email.last_error
    assert result.retried == 1


# --- The group-chat robot ---------------------------------------------------------------------------------


def test_a_webhook_message_reaches_the_robot_and_mentions_the_responsible_person(court, clerk, lead, robot):
    team = make_team(court, url=robot.url, lead=lead)
    case = file(court, clerk, team=team)
    alert = raise_alert(case, "assign_judge", Alert.Level.NEARING)

    deliver(alert)

    assert len(robot.received) == 1
    body = robot.received[0]
    assert body["msgtype"] == "text"
    assert case.number in body["text"]["content"]
    assert body["text"]["mentioned_mobile_list"] == [LEAD_MOBILE]
    assert robot.paths == ["/cgi-bin/webhook/send?key=test"]
    assert robot.content_types == ["application/json; charset=utf-8"]
    sent = message(alert, "webhook")
    assert (sent.status, sent.attempts, sent.claimed_until) == ("sent", 1, None)
    assert sent.sent_at is not None


def _assert_retry(sent: OutboxMessage, after: datetime.datetime, minutes: int, attempts: int) -> None:
    assert sent.status == OutboxMessage.Status.PENDING
    assert sent.attempts == attempts
    assert sent.sent_at is None and sent.claimed_until is None
    wait = sent.next_attempt_at - after
    assert datetime.timedelta(minutes=minutes) <= wait < datetime.timedelta(minutes=minutes, seconds=30)


def test_a_failing_robot_is_tried_again_later_with_a_growing_wait(court, clerk, lead, robot):
    robot.answers = [(500, {"error": "internal"}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)
    first = alert.raised_at

    deliver(alert)
    failed_once = message(alert, "webhook")
    _assert_retry(failed_once, first, minutes=1, attempts=1)
    assert "500" in failed_once.last_error

    assert deliver(alert, datetime.timedelta(seconds=30)).claimed == 0  # not due yet
    second = failed_once.next_attempt_at
    notify.deliver_due_messages(now=second)
    failed_twice = message(alert, "webhook")
    _assert_retry(failed_twice, second, minutes=2, attempts=2)
    assert "93000" in failed_twice.last_error

    notify.deliver_due_messages(now=failed_twice.next_attempt_at)
    assert message(alert, "webhook").status == OutboxMessage.Status.SENT
    assert len(robot.received) == 3


def test_the_wait_doubles_up_to_an_hour():
    waits = [notify.backoff(n) for n in range(1, 9)]
    assert waits == [datetime.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


def test_a_robot_failing_eight_times_marks_the_message_failed(court, clerk, lead, robot, caplog):
    robot.always = (500, {"error": "internal"})
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    at = alert.raised_at
    with caplog.at_level(logging.WARNING, logger="enforcement.notify"):
        for _attempt in range(notify.MAX_ATTEMPTS):
            notify.deliver_due_messages(now=at)
            at = message(alert, "webhook").next_attempt_at

    given_up = message(alert, "webhook")
    assert (given_up.status, given_up.attempts) == ("failed", 8)
    assert len(robot.received) == 8
    assert [r.levelname for r in caplog.records].count("ERROR") == 1
    assert notify.deliver_due_messages(now=at + datetime.timedelta(days=1)).claimed == 0


def test_a_redirect_from_the_robot_is_not_followed(court, clerk, lead, robot):
    robot.answers = [(302, {})]
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    deliver(alert)

    assert robot.paths == ["/cgi-bin/webhook/send?key=test"]
    assert message(alert, "webhook").status == OutboxMessage.Status.PENDING


def test_a_webhook_url_that_is_not_http_is_refused(court, clerk, lead):
    team = make_team(court, lead=lead)
    Team.objects.filter(pk=team.pk).update(webhook_url="file:///etc/passwd")
    alert = raise_alert(file(court, clerk, team=team), "assign_judge", Alert.Level.NEARING)

    deliver(alert)

    refused = message(alert, "webhook")
    assert refused.status == OutboxMessage.Status.PENDING
    assert "not an http(s) webhook URL" in refused.last_error


# --- Claims -----------------------------------------------------------------------------------------------


def test_a_message_claimed_by_a_worker_that_died_is_claimed_again(court, clerk, lead, robot):
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)
    at = alert.raised_at + datetime.timedelta(minutes=10)
    OutboxMessage.objects.filter(alert=alert).update(
        status="sending", attempts=1, claimed_until=at - datetime.timedelta(seconds=1)
    )

    result = notify.deliver_due_messages(now=at)

    assert result.claimed == 3
    taken_over = message(alert, "webhook")
    assert (taken_over.status, taken_over.attempts) == ("sent", 2)
    assert len(robot.received) == 1


def test_a_message_claimed_by_a_live_worker_is_left_alone(court, clerk, lead, robot):
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)
    at = alert.raised_at + datetime.timedelta(minutes=10)
    OutboxMessage.objects.filter(alert=alert).update(
        status="sending", attempts=1, claimed_until=at + datetime.timedelta(minutes=4)
    )

    assert notify.deliver_due_messages(now=at).claimed == 0
    assert robot.received == []


def test_a_worker_whose_claim_was_taken_over_does_not_mark_the_message(court, clerk, lead, monkeypatch):
    make_team(court, kind="affairs", name="事务团队", url="http://127.0.0.1:9/robot")
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    def slow_post(url: str, payload: dict[str, Any]) -> None:
        # Our lease ran out while we were sending; another worker took the message meanwhile.
        OutboxMessage.objects.filter(alert=alert, channel="webhook").update(attempts=2)

    monkeypatch.setattr(notify, "post_json", slow_post)

    result = deliver(alert)

    assert result.lost == 1
    still_theirs = message(alert, "webhook")
    assert (still_theirs.status, still_theirs.attempts, still_theirs.sent_at) == ("sending", 2, None)


def test_running_the_delivery_twice_sends_nothing_twice(court, clerk, lead, robot, mailoutbox):
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    first = deliver(alert)
    second = deliver(alert, datetime.timedelta(hours=2))

    assert (first.claimed, first.sent) == (3, 3)
    assert second.claimed == 0
    assert len(robot.received) == 1
    assert len(mailoutbox) == 1
    assert InboxItem.objects.filter(alert=alert).count() == 1


def test_a_batch_claims_no_more_than_its_limit(court, clerk, lead):
    alert = raise_alert(file(court, clerk), "assign_judge", Alert.Level.NEARING)

    assert deliver(alert, limit=2).claimed == 2
    assert deliver(alert, limit=2).claimed == 1


# --- Two workers at once ----------------------------------------------------------------------------------


def _deliver_in_threads(at: datetime.datetime, workers: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            while notify.deliver_due_messages(now=at, limit=2).claimed:
                pass
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _two_deliveries_at_once_deliver_each_message_once(robot: Robot) -> None:
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(username="clerk", roles=["clerk"], courts=[court])
    staff("lead", "team_lead", court, LEAD_MOBILE, email="lead@court.example")
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    cases = [file(court, clerk, n) for n in range(1, 7)]
    at = timezone.now() + datetime.timedelta(days=30)
    scan_deadlines(now=at)
    robot.delay = 0.02  # so that the two workers overlap

    errors = _deliver_in_threads(at, workers=2)

    assert errors == []
    contents = [body["text"]["content"] for body in robot.received]
    assert len(contents) == len(cases)
    for case in cases:
        assert sum(case.number in content for content in contents) == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert OutboxMessage.objects.filter(attempts=1).count() == 3 * len(cases)
    assert InboxItem.objects.count() == len(cases)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_deliver_each_message_once_on_postgresql(robot):
    assert connection.vendor == "postgresql"
    _two_deliveries_at_once_deliver_each_message_once(robot)


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_deliver_each_message_once_on_any_database(robot):
    _two_deliveries_at_once_deliver_each_message_once(robot)


# --- The tasks --------------------------------------------------------------------------------------------


def _make_overdue_now(case: Case) -> None:
    now = timezone.now()
    Deadline.objects.filter(case=case, node_type__code="assign_judge").update(
        warn_at=now - datetime.timedelta(days=2), due_at=now - datetime.timedelta(minutes=5)
    )


def test_the_scan_task_queues_delivery_after_commit_when_it_raised_alerts(
    court, clerk, lead, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.deliver_outbox_task, "delay", lambda: queued.append("deliver"))
    _make_overdue_now(file(court, clerk))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_deadlines_task()["alerts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_deadlines_task()["alerts"] == 0

    assert queued == ["deliver"]


def test_the_delivery_task_runs_again_after_a_full_batch(court, clerk, lead, monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr(tasks.deliver_outbox_task, "delay", lambda: queued.append("deliver"))
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    _make_overdue_now(file(court, clerk))
    tasks.scan_deadlines_task()

    assert tasks.deliver_outbox_task()["claimed"] == 2
    assert queued == ["deliver"]
    assert tasks.deliver_outbox_task()["claimed"] == 1
    assert queued == ["deliver"]
