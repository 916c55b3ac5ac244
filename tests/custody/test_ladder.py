"""The reminder ladder of a measure's term (30, 15, 7 and 1 days before it lapses), through the real scan:
each rung fires once, a late-recorded term starts at its current rung, and a renewal resolves the rungs
still waiting. Measure terms are urgent: their reminders are sent at once, not in the digest."""

import datetime

import pytest

from custody import services
from enforcement import digest, notify
from enforcement.models import Deadline, Digest, NodeType, OutboxMessage, Reminder, ReminderRung
from tests.custody import test_deadlines
from tests.custody.test_deadlines import scan_at
from tests.custody.test_services import term_clock

# The measure fixtures of the expiry-clock tests: a freeze of six months taken on 2 March.
clock = test_deadlines.clock
case = test_deadlines.case
measure = test_deadlines.measure

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def rungs_of(deadline: Deadline) -> list[int]:
    return sorted(Reminder.objects.filter(deadline=deadline).values_list("days_before", flat=True))


def test_the_measure_nodes_and_the_case_limit_have_the_ladder_as_data():
    for code in ["case_limit", "measure_freeze_deposit", "measure_seal_real_estate"]:
        node = NodeType.objects.get(code=code, court=None)
        assert sorted(ReminderRung.objects.filter(node_type=node).values_list("days_before", flat=True)) == [
            1,
            7,
            15,
            30,
        ]
    assert NodeType.objects.get(code="measure_freeze_deposit", court=None).urgent
    assert not NodeType.objects.get(code="case_limit", court=None).urgent


def test_each_rung_fires_once(clock, measure):
    deadline = term_clock(measure)
    scan_at(clock, deadline.due_at - 30 * DAY - datetime.timedelta(seconds=1))
    assert rungs_of(deadline) == []
    for days in (30, 15, 7, 1):
        scan_at(clock, deadline.due_at - days * DAY)
        scan_at(clock, deadline.due_at - days * DAY + datetime.timedelta(hours=2))
    assert rungs_of(deadline) == [1, 7, 15, 30]
    # Urgent node: each reminder has its messages at once, one per channel.
    for reminder in Reminder.objects.filter(deadline=deadline):
        assert reminder.outbox.count() == len(OutboxMessage.Channel.values)


def test_a_scan_after_a_gap_fires_only_the_current_rung(clock, measure):
    deadline = term_clock(measure)
    scan_at(clock, deadline.due_at - 60 * DAY)  # the scan has run before
    scan_at(clock, deadline.due_at - 10 * DAY)  # then nothing for 50 days
    assert rungs_of(deadline) == [15]


def test_a_renewal_resolves_the_rungs_still_waiting(clock, measure, judge):
    deadline = term_clock(measure)
    scan_at(clock, deadline.due_at - 30 * DAY)
    scan_at(clock, deadline.due_at - 15 * DAY)
    assert Reminder.objects.filter(deadline=deadline, resolved_at__isnull=True).count() == 2

    services.renew_measure(actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之二")

    assert not Reminder.objects.filter(deadline=deadline, resolved_at__isnull=True).exists()
    # Their messages not yet delivered say nothing any more; the new term has a ladder of its own.
    result = notify.deliver_due_messages()
    assert result.sent == 0
    renewed = term_clock(measure)
    assert renewed.pk != deadline.pk and rungs_of(renewed) == []
    scan_at(clock, renewed.due_at - 30 * DAY)
    assert rungs_of(renewed) == [30]


def test_a_case_limit_reminder_feeds_the_digest_not_an_immediate_message(clock, case, judge):
    limit = Deadline.objects.get(case=case, node_type__code="case_limit")
    scan_at(clock, limit.due_at - 30 * DAY)
    [reminder] = Reminder.objects.filter(deadline=limit)
    assert not reminder.outbox.exists()
    assert digest.send_due_digests(now=limit.due_at - 30 * DAY + datetime.timedelta(hours=9)) >= 1
    mine = Digest.objects.get(user=judge)
    assert case.number in mine.body and limit.node_type.name in mine.body
