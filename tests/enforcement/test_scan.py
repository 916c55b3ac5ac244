"""The deadline scan: one alert per deadline and level, whatever happens to the workers."""

import datetime
import io
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections

from enforcement import scan
from enforcement.models import Alert, Deadline, NodeType, OutboxMessage
from intake import services as intake
from tests.factories import CourtFactory, UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def file_cases(court, clerk, count: int, when: datetime.datetime | None = None, first: int = 1) -> None:
    with time_machine.travel(when or at(2026, 9, 28), tick=False):
        for n in range(first, first + count):
            intake.file_case(actor=clerk, application=application(court, n))


def make_urgent(code: str = "assign_judge") -> None:
    """Immediate messages are for urgent nodes only; the others wait for the daily digest."""
    NodeType.objects.filter(code=code).update(urgent=True)


# assign_judge for a case filed 2026-09-28: last day 2026-10-08, warned from 2026-10-07 00:00,
# overdue from 2026-10-09 00:00.
NEARING_TIME = at(2026, 10, 7, 12)
OVERDUE_TIME = at(2026, 10, 9, 1)


@pytest.mark.django_db
class TestScan:
    def test_nothing_happens_before_the_warning_time(self, court, clerk):
        file_cases(court, clerk, 2)
        result = scan.scan_deadlines(now=at(2026, 10, 6, 23))
        assert (result.nearing, result.overdue, result.alerts) == (0, 0, 0)
        assert not Alert.objects.exists()

    def test_a_deadline_of_an_urgent_node_nearing_its_end_raises_one_alert_with_three_messages(
        self, court, clerk
    ):
        make_urgent()
        file_cases(court, clerk, 1)
        result = scan.scan_deadlines(now=NEARING_TIME)
        assert (result.nearing, result.alerts) == (1, 1)
        alert = Alert.objects.get()
        assert alert.level == Alert.Level.NEARING
        assert alert.deadline.status == Deadline.Status.NEARING
        assert alert.court == court
        assert sorted(alert.outbox.values_list("channel", flat=True)) == ["email", "inbox", "webhook"]

    def test_the_alert_of_a_node_that_is_not_urgent_waits_for_the_digest(self, court, clerk):
        file_cases(court, clerk, 1)
        result = scan.scan_deadlines(now=NEARING_TIME)
        assert (result.nearing, result.alerts) == (1, 1)
        assert not OutboxMessage.objects.exists()

    def test_running_the_scan_twice_raises_one_alert(self, court, clerk):
        make_urgent()
        file_cases(court, clerk, 3)
        scan.scan_deadlines(now=OVERDUE_TIME)
        second = scan.scan_deadlines(now=OVERDUE_TIME)
        assert (second.nearing, second.overdue, second.alerts) == (0, 0, 0)
        assert Alert.objects.count() == 3
        assert OutboxMessage.objects.count() == 9

    def test_nearing_then_overdue_raise_one_alert_each(self, court, clerk):
        file_cases(court, clerk, 1)
        scan.scan_deadlines(now=NEARING_TIME)
        scan.scan_deadlines(now=OVERDUE_TIME)
        scan.scan_deadlines(now=OVERDUE_TIME + datetime.timedelta(days=1))
        assert sorted(Alert.objects.values_list("level", flat=True)) == ["nearing", "overdue"]
        # The overdue alert supersedes the nearing one: one open alert per late deadline.
        assert list(Alert.objects.filter(resolved_at__isnull=True).values_list("level", flat=True)) == [
            "overdue"
        ]

    def test_a_deadline_met_in_time_raises_nothing(self, court, clerk, judge):
        from enforcement.services.deadlines import meet_deadline

        file_cases(court, clerk, 1)
        case = Deadline.objects.get(node_type__code="assign_judge").case
        meet_deadline(case=case, code="assign_judge", actor=judge)
        assert scan.scan_deadlines(now=OVERDUE_TIME).alerts == 0

    def test_an_alert_whose_deadline_was_met_behind_the_services_back_is_resolved(self, court, clerk):
        file_cases(court, clerk, 1)
        scan.scan_deadlines(now=OVERDUE_TIME)
        # A write that closes a deadline stamps closed_at: the catch-up reads the ones closed since the
        # last scan by that column's index.
        Deadline.objects.filter(node_type__code="assign_judge").update(
            status=Deadline.Status.MET, closed_at=OVERDUE_TIME
        )
        assert scan.scan_deadlines(now=OVERDUE_TIME).resolved == 1
        assert Alert.objects.get().resolved_at == OVERDUE_TIME

    def test_a_scan_killed_halfway_and_run_again_leaves_exactly_the_right_alerts(
        self, court, clerk, monkeypatch
    ):
        make_urgent()
        file_cases(court, clerk, 5)
        real_advance = scan._advance
        calls = {"n": 0}

        def dies_after_first_batch(*args, **kwargs):
            calls["n"] += 1  # overdue deadlines come first, in batches of 2
            if calls["n"] > 1:
                raise SystemExit("worker killed")
            return real_advance(*args, **kwargs)

        monkeypatch.setattr(scan, "_advance", dies_after_first_batch)
        with pytest.raises(SystemExit):
            scan.scan_deadlines(now=OVERDUE_TIME, batch_size=2)
        assert Alert.objects.count() == 2  # the first batch committed, the open one rolled back
        monkeypatch.setattr(scan, "_advance", real_advance)
        scan.scan_deadlines(now=OVERDUE_TIME, batch_size=2)
        assert Alert.objects.count() == 5
        assert Alert.objects.values("deadline", "level").distinct().count() == 5
        assert OutboxMessage.objects.count() == 15

    def test_the_scan_takes_the_time_from_the_applications_clock(self, court, clerk):
        file_cases(court, clerk, 1)
        with time_machine.travel(OVERDUE_TIME, tick=False):
            result = scan.scan_deadlines()
        assert result.overdue == 1
        assert Alert.objects.get().raised_at == OVERDUE_TIME

    def test_the_scans_queries_do_not_grow_with_the_number_of_open_deadlines(
        self, court, clerk, django_assert_max_num_queries
    ):
        file_cases(court, clerk, 2)
        # The ladder adds one statement per rung window (4), the watermark two, and on PostgreSQL each
        # transaction turns JIT off (one SET each): more statements, but a constant number.
        with django_assert_max_num_queries(35) as few:
            scan.scan_deadlines(now=OVERDUE_TIME)
        Alert.objects.all().delete()
        Deadline.objects.update(status=Deadline.Status.OPEN)
        file_cases(court, clerk, 40, first=3)
        with django_assert_max_num_queries(len(few.captured_queries)):
            scan.scan_deadlines(now=OVERDUE_TIME)
        assert Alert.objects.count() == 42

    def test_the_management_command_scans_as_of_a_given_time(self, court, clerk):
        file_cases(court, clerk, 1)
        out = io.StringIO()
        call_command("scan_deadlines", "--at", "2026-10-09T01:00:00+08:00", stdout=out)
        assert "overdue 1" in out.getvalue()
        assert Alert.objects.get().level == "overdue"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_on_postgresql_raise_exactly_one_alert_per_deadline():
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(roles=["clerk"], courts=[court])
    make_urgent()
    file_cases(court, clerk, 60)
    barrier = threading.Barrier(2)
    results: list[scan.ScanResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(scan.scan_deadlines(now=OVERDUE_TIME, batch_size=7))
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
    assert sum(r.overdue for r in results) == 60
    assert Alert.objects.count() == 60
    assert Alert.objects.values("deadline", "level").distinct().count() == 60
    assert OutboxMessage.objects.count() == 180


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scan_gives_way_to_a_request_that_holds_a_case_and_takes_the_batch_next_time():
    """The services lock a case, then its deadlines; the scan locks deadlines, then their cases. Rather
    than deadlock with a clerk closing a case, the scan's batch gives up after a short wait, is rolled back
    whole, and the next scan raises the alert."""
    from django.db import transaction

    from enforcement.models import Case

    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(roles=["clerk"], courts=[court])
    file_cases(court, clerk, 1)
    case = Case.objects.get()
    held, release = threading.Event(), threading.Event()

    def hold_the_case() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_case)
    holder.start()
    try:
        assert held.wait(timeout=30)
        result = scan.scan_deadlines(now=OVERDUE_TIME)
        assert result.overdue == 0
        assert Alert.objects.count() == 0
        assert Deadline.objects.get(node_type__code="assign_judge").status == "open"
    finally:
        release.set()
        holder.join(timeout=30)
    assert scan.scan_deadlines(now=OVERDUE_TIME).overdue == 1
    assert Alert.objects.get().level == "overdue"
    case.refresh_from_db()
    assert case.overdue_deadlines == 1
