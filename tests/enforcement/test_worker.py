"""The deadline scan and the outbox delivery run through a real Celery worker on Redis.

The worker is a separate process on the test database; the group-chat robot is an HTTP server on
127.0.0.1 started by the test. Every wait is bounded, and the worker is stopped whatever happens.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from enforcement.celery import app as celery_app
from enforcement.models import Alert, Deadline, OutboxMessage
from enforcement.tasks import scan_deadlines_task
from intake import services
from tests.enforcement.test_notifications import LEAD_MOBILE, Robot, make_team, staff
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


pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

READY_SECONDS = 30
WORK_SECONDS = 30


def _database_url() -> str:
    """The test database (not the one named in DATABASE_URL), for the worker to work on."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    """A `celery worker` subprocess whose output is collected by a thread, so the test can wait on it."""

    def __init__(self) -> None:
        self.name = f"notify-test-{uuid.uuid4().hex[:8]}@%h"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        }
        command = [sys.executable, "-m", "celery", "-A", "enforcement", "worker", "--loglevel", "INFO"]
        # --purge: a task left in the queue by an earlier, interrupted run must not run here.
        options = ["--concurrency", "1", "--pool", "solo", "-Q", "celery", "-n", self.name, "--purge"]
        quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*command, *options, *quiet],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def log(self) -> str:
        return "".join(self.lines)

    def wait_until_ready(self) -> None:
        wait_for(lambda: " ready." in self.log(), READY_SECONDS, "the worker to start", self)

    def succeeded(self, task_id: str) -> bool:
        return any(task_id in line and "succeeded" in line for line in self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.reader.join(timeout=5)


def wait_for(condition: Callable[[], bool], seconds: float, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}; worker log:\n{worker.log()}")
        time.sleep(0.2)


@pytest.fixture
def worker() -> Iterator[Worker]:
    running = Worker()
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def robot() -> Iterator[Robot]:
    with Robot() as running:
        yield running


def _overdue_case_of_the_affairs_team(robot: Robot) -> Deadline:
    """A case filed a week ago nobody assigned: its assign_judge deadline ran out five minutes ago."""
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(username="clerk", roles=["clerk"], courts=[court])
    staff("lead", "team_lead", court, LEAD_MOBILE)
    make_team(court, kind="affairs", name="事务团队", url=robot.url)
    case = services.file_case(actor=clerk, application=application(court, 1)).case
    now = timezone.now()
    clock = Deadline.objects.get(case=case, node_type__code="assign_judge")
    Deadline.objects.filter(pk=clock.pk).update(
        anchor_at=now - datetime.timedelta(days=8),
        warn_at=now - datetime.timedelta(days=2),
        due_at=now - datetime.timedelta(minutes=5),
        due_date=timezone.localdate(now) - datetime.timedelta(days=1),
    )
    return clock


def test_a_worker_on_redis_raises_the_alert_and_posts_it_to_the_robot_once(worker, robot):
    assert celery_app.conf.broker_url.startswith(("redis://", "rediss://"))
    clock = _overdue_case_of_the_affairs_team(robot)
    overdue = Alert.objects.filter(deadline=clock, level=Alert.Level.OVERDUE)

    first = scan_deadlines_task.delay()
    wait_for(overdue.exists, WORK_SECONDS, "the overdue alert", worker)
    webhook = OutboxMessage.objects.filter(alert__deadline=clock, channel=OutboxMessage.Channel.WEBHOOK)
    wait_for(
        lambda: webhook.filter(status=OutboxMessage.Status.SENT).exists(),
        WORK_SECONDS,
        "the webhook message to be sent",
        worker,
    )

    assert worker.succeeded(first.id)
    assert overdue.count() == 1
    assert len(robot.received) == 1
    body = robot.received[0]
    assert body["msgtype"] == "text"
    assert clock.case.number in body["text"]["content"]
    assert body["text"]["mentioned_mobile_list"] == [LEAD_MOBILE]

    second = scan_deadlines_task.delay()
    wait_for(lambda: worker.succeeded(second.id), WORK_SECONDS, "the second scan", worker)

    assert overdue.count() == 1
    assert Alert.objects.count() == 1
    assert len(robot.received) == 1
    assert not OutboxMessage.objects.exclude(status__in=["sent", "skipped"]).exists()
