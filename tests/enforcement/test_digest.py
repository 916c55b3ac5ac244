"""The daily digest: one message a day per person (and per group-chat robot), whatever the number of
alerts; idempotent when run twice or at once; urgent nodes still get their immediate messages."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections
from django.utils import timezone, translation
from django.utils.translation import ngettext

from enforcement import digest, notify
from enforcement.models import Alert, Digest, DigestRun, InboxItem, NodeType, OutboxMessage
from enforcement.scan import scan_deadlines
from tests.enforcement.test_notifications import file, make_team, staff
from tests.factories import CourtFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# assign_judge of a case filed now is overdue two weeks later; the digest runs at 08:30 local time.
SCAN_AT = timezone.now() + datetime.timedelta(days=14)


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


DAY = timezone.localtime(SCAN_AT).date() + datetime.timedelta(days=1)
BEFORE = local(DAY, 8, 29)
AFTER = local(DAY, 8, 35)


def overdue_cases(court, clerk, count: int, **kwargs) -> None:
    for n in range(1, count + 1):
        file(court, clerk, n, **kwargs)
    scan_deadlines(now=SCAN_AT)
    assert Alert.objects.filter(level=Alert.Level.OVERDUE).count() == count


@pytest.fixture
def lead(court):
    return staff("lead", "team_lead", court, "13900000001", email="lead@court.example")


@pytest.mark.django_db
class TestOneMessageADay:
    def test_forty_alerts_make_one_inbox_item_and_one_email_per_person(self, court, clerk, lead):
        overdue_cases(court, clerk, 40)
        assert not OutboxMessage.objects.exists()  # not urgent: nothing sent one by one

        assert digest.send_due_digests(now=AFTER) == 1
        notify.deliver_due_messages(now=AFTER)

        [sent] = Digest.objects.all()
        assert (sent.user, sent.items, sent.day) == (lead, 40, DAY)
        assert InboxItem.objects.filter(user=lead).count() == 1
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@court.example"]
        item = InboxItem.objects.get(user=lead)
        assert item.digest == sent and "40" in item.title

    def test_the_items_are_grouped_by_node(self, court, clerk, lead):
        overdue_cases(court, clerk, 3)
        digest.send_due_digests(now=AFTER)
        body = Digest.objects.get().body
        name = NodeType.objects.get(code="assign_judge", court=None).name
        assert body.count(f"【{name}】 3") == 1
        assert body.count("· ") == 3

    def test_nothing_is_sent_before_the_courts_digest_time(self, court, clerk, lead):
        overdue_cases(court, clerk, 2)
        assert digest.send_due_digests(now=BEFORE) == 0
        assert not DigestRun.objects.exists()

    def test_the_digest_time_is_set_per_court(self, court, clerk, lead):
        court.digest_time = datetime.time(7, 0)
        court.save(update_fields=["digest_time"])
        overdue_cases(court, clerk, 2)
        assert digest.send_due_digests(now=local(DAY, 7, 5)) == 1

    def test_the_scan_and_the_digest_run_twice_give_no_second_digest(self, court, clerk, lead):
        overdue_cases(court, clerk, 5)
        digest.send_due_digests(now=AFTER)
        scan_deadlines(now=AFTER)
        assert digest.send_due_digests(now=AFTER + datetime.timedelta(minutes=5)) == 0
        assert digest.build_digests(court, now=AFTER + datetime.timedelta(hours=2)) == 0
        notify.deliver_due_messages(now=AFTER + datetime.timedelta(hours=3))
        assert Digest.objects.count() == 1
        assert InboxItem.objects.filter(user=lead).count() == 1
        assert len(mail.outbox) == 1

    def test_the_next_day_brings_the_next_digest(self, court, clerk, lead):
        overdue_cases(court, clerk, 2)
        digest.send_due_digests(now=AFTER)
        assert digest.send_due_digests(now=AFTER + datetime.timedelta(days=1)) == 1
        assert sorted(Digest.objects.values_list("day", flat=True)) == [DAY, DAY + datetime.timedelta(days=1)]

    def test_an_empty_digest_sends_nothing(self, court, clerk, lead):
        file(court, clerk, 1)  # nothing nearing yet
        assert digest.send_due_digests(now=AFTER) == 0
        assert DigestRun.objects.get().digests == 0
        assert not OutboxMessage.objects.exists()

    def test_an_overdue_alert_reaches_the_supervisor_in_his_digest(self, court, clerk, lead):
        boss = staff("boss", "supervisor", court, email="boss@court.example")
        overdue_cases(court, clerk, 4)
        digest.send_due_digests(now=AFTER)
        assert Digest.objects.get(user=boss).items == 4

    def test_the_team_robot_gets_one_digest_mentioning_the_people(self, court, clerk, lead):
        judge = staff("judge2", "judge", court, "13900000002")
        team = make_team(
            court, url="https://robot.example/cgi-bin/webhook/send?key=x", lead=lead, judge=judge
        )
        overdue_cases(court, clerk, 6, team=team, judge=judge)
        digest.send_due_digests(now=AFTER)
        [robot] = Digest.objects.exclude(webhook_url="")
        assert robot.items == 6 and robot.team == team
        assert "13900000001" in robot.mobiles
        assert list(robot.outbox.values_list("channel", flat=True)) == ["webhook"]

    def test_an_urgent_node_still_gets_its_immediate_message(self, court, clerk, lead):
        NodeType.objects.filter(code="assign_judge").update(urgent=True)
        overdue_cases(court, clerk, 2)
        for alert in Alert.objects.all():
            assert sorted(alert.outbox.values_list("channel", flat=True)) == ["email", "inbox", "webhook"]
        notify.deliver_due_messages(now=SCAN_AT)
        assert InboxItem.objects.filter(user=lead, alert__isnull=False).count() == 2
        # ... and it is still on the day's list, since it is still to be done.
        digest.send_due_digests(now=AFTER)
        assert Digest.objects.get(user=lead).items == 2

    def test_a_resolved_alert_is_not_listed(self, court, clerk, lead):
        overdue_cases(court, clerk, 3)
        Alert.objects.filter(pk=Alert.objects.order_by("pk").first().pk).update(resolved_at=SCAN_AT)
        digest.send_due_digests(now=AFTER)
        assert Digest.objects.get(user=lead).items == 2

    def test_the_digest_is_written_in_the_court_language(self, court, clerk, lead):
        overdue_cases(court, clerk, 1)
        with translation.override("en"):
            digest.send_due_digests(now=AFTER)
        with translation.override(settings.LANGUAGE_CODE):
            expected = ngettext(
                "Daily digest: %(count)d item to act on", "Daily digest: %(count)d items to act on", 1
            ) % {"count": 1}
        assert Digest.objects.get().title == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_on_postgresql_write_one_digest():
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(roles=["clerk"], courts=[court])
    lead = staff("lead", "team_lead", court, email="lead@court.example")
    overdue_cases(court, clerk, 20)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(digest.send_due_digests(now=AFTER))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert Digest.objects.filter(user=lead).count() == 1
    assert DigestRun.objects.count() == 1
    assert OutboxMessage.objects.filter(digest__user=lead).count() == 2
