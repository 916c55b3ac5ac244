"""Throttling of the progress query: per client address and per case number, in the database, engaging
and releasing with the clock; and the supervisors' list of blocks."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import progress
from portal.models import QueryAttempt, QueryBlock
from portal.progress import (
    CASE_FAILURES_PER_DAY,
    CASE_FAILURES_PER_HOUR,
    CLIENT_FAILURES_PER_HOUR,
    client_address,
    purge_attempts,
)
from portal.tasks import purge_query_attempts_task
from tests.portal.test_progress import EN, PROGRESS, QUERY, World, details, make_world

pytestmark = pytest.mark.django_db

API = reverse("api-progress")
THROTTLED = reverse("portal:throttled")
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def query(client: Client, data: dict[str, str], address: str = "10.0.0.1", **extra):
    return client.post(QUERY, data, REMOTE_ADDR=address, **extra)


def nonexistent(n: int) -> dict[str, str]:
    return {"number": f"（2026）蒙0302执{90000 + n}号", "id_number": "X", "query_code": "AAAAAAAA"}


# --- Per client address -----------------------------------------------------------------------------------


def test_an_address_is_throttled_after_ten_failures(client, world):
    for n in range(CLIENT_FAILURES_PER_HOUR):
        assert query(client, nonexistent(n)).status_code == 200
    refused = query(client, nonexistent(99), **EN)
    assert refused.status_code == 429
    assert "Too many failed queries" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    block = QueryBlock.objects.get()
    assert (block.scope, block.key, block.failures) == ("client", "10.0.0.1", CLIENT_FAILURES_PER_HOUR)


def test_the_right_code_is_refused_while_the_address_is_throttled(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CLIENT_FAILURES_PER_HOUR):
            query(client, nonexistent(n))
        refused = query(client, details(world))
    assert refused.status_code == 429
    assert "portal" not in client.session


def test_a_throttled_client_is_not_counted_again(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CLIENT_FAILURES_PER_HOUR):
            query(client, nonexistent(n))
        for n in range(5):
            query(client, nonexistent(100 + n))
    assert QueryAttempt.objects.count() == CLIENT_FAILURES_PER_HOUR
    assert QueryBlock.objects.count() == 1


def test_the_address_is_released_when_its_failures_leave_the_hour(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CLIENT_FAILURES_PER_HOUR):
            query(client, nonexistent(n))
    assert QueryBlock.objects.get().until == START + datetime.timedelta(hours=1)
    with time_machine.travel(START + datetime.timedelta(minutes=59), tick=False):
        assert query(client, details(world)).status_code == 429
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        response = query(client, details(world))
        assert response.status_code == 302
        assert client.get(PROGRESS).status_code == 200


def test_failures_spread_over_more_than_an_hour_do_not_throttle(client, world):
    for n in range(CLIENT_FAILURES_PER_HOUR + 5):
        with time_machine.travel(START + datetime.timedelta(minutes=7 * n), tick=False):
            assert query(client, nonexistent(n)).status_code == 200
    assert not QueryBlock.objects.exists()


def test_successful_queries_do_not_count_as_failures(client, world):
    for _ in range(CLIENT_FAILURES_PER_HOUR + 2):
        assert query(Client(), details(world)).status_code == 302
    for n in range(CLIENT_FAILURES_PER_HOUR - 1):
        assert query(client, nonexistent(n)).status_code == 200
    assert not QueryBlock.objects.exists()


def test_other_addresses_are_not_affected(client, world):
    for n in range(CLIENT_FAILURES_PER_HOUR):
        query(client, nonexistent(n))
    assert query(Client(), details(world), address="10.0.0.2").status_code == 302


# --- Per case number ----------------------------------------------------------------------------------------


def test_a_case_number_is_throttled_after_five_failures_from_any_addresses(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CASE_FAILURES_PER_HOUR):
            wrong = details(world, query_code=f"WRONG{n:03d}")
            assert query(client, wrong, address=f"10.1.0.{n + 1}").status_code == 200
        refused = query(client, details(world), address="10.1.0.99", **EN)
    assert refused.status_code == 429
    assert "Too many failed queries" in refused.content.decode()
    block = QueryBlock.objects.get()
    assert (block.scope, block.key, block.failures) == ("case", world.case.number, CASE_FAILURES_PER_HOUR)
    assert block.until == START + datetime.timedelta(hours=1)


def test_a_case_number_is_throttled_however_it_is_typed(client, world):
    loose = world.case.number.replace("（", "(").replace("）", ")")
    for n in range(CASE_FAILURES_PER_HOUR):
        query(client, details(world, number=loose, query_code="WRONG000"), address=f"10.2.0.{n + 1}")
    assert query(client, details(world), address="10.2.0.99").status_code == 429


def test_a_case_number_is_released_after_the_hour(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CASE_FAILURES_PER_HOUR):
            query(client, details(world, query_code="WRONG000"), address=f"10.3.0.{n + 1}")
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        assert query(client, details(world), address="10.3.0.99").status_code == 302


def test_a_case_number_gets_at_most_twenty_failures_a_day(client, world):
    """Five an hour for four hours, then the day's limit holds it until the first failure is a day old."""
    address = iter(range(1, 255))
    for hour in range(CASE_FAILURES_PER_DAY // CASE_FAILURES_PER_HOUR):
        with time_machine.travel(START + datetime.timedelta(hours=hour), tick=False):
            for _ in range(CASE_FAILURES_PER_HOUR):
                wrong = details(world, query_code="WRONG000")
                assert query(client, wrong, address=f"10.4.0.{next(address)}").status_code == 200
    last = QueryBlock.objects.order_by("-until").first()
    assert last.until == START + datetime.timedelta(days=1)
    assert last.failures == CASE_FAILURES_PER_DAY
    # One block per hour; the fourth hour's block is the day's (one block, not two).
    assert QueryBlock.objects.count() == CASE_FAILURES_PER_DAY // CASE_FAILURES_PER_HOUR
    with time_machine.travel(START + datetime.timedelta(hours=12), tick=False):
        assert query(client, details(world), address="10.4.1.1").status_code == 429
    with time_machine.travel(START + datetime.timedelta(days=1), tick=False):
        assert query(client, details(world), address="10.4.1.1").status_code == 302


# --- The API ------------------------------------------------------------------------------------------------


def test_the_api_answers_429_with_retry_after_while_throttled(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(CLIENT_FAILURES_PER_HOUR):
            api = client.post(API, nonexistent(n), content_type="application/json", REMOTE_ADDR="10.5.0.1")
            assert api.status_code == 404
        refused = client.post(
            API, details(world), content_type="application/json", REMOTE_ADDR="10.5.0.1", **EN
        )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    body = refused.json()
    assert body["code"] == "throttled"
    assert "Too many failed queries" in body["message"]
    assert "token" not in body
    assert QueryBlock.objects.count() == 1


def test_page_and_api_share_one_count(client, world):
    for n in range(CLIENT_FAILURES_PER_HOUR // 2):
        query(client, nonexistent(n))
    for n in range(CLIENT_FAILURES_PER_HOUR // 2):
        client.post(API, nonexistent(50 + n), content_type="application/json", REMOTE_ADDR="10.0.0.1")
    assert query(client, details(world)).status_code == 429


# --- Addresses ----------------------------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, **meta: str) -> None:
        self.META = meta


def test_the_client_address_is_remote_addr_and_forwarded_headers_are_ignored():
    request = FakeRequest(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "203.0.113.9"


def test_an_ipv6_client_is_counted_by_its_network():
    one = FakeRequest(REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    two = FakeRequest(REMOTE_ADDR="2001:db8:1:2:bbbb::7")
    assert client_address(one) == client_address(two) == "2001:db8:1:2::"
    assert client_address(FakeRequest(REMOTE_ADDR="::ffff:192.0.2.4")) == "192.0.2.4"


def test_an_unusable_address_is_counted_as_one_client():
    assert client_address(FakeRequest(REMOTE_ADDR="")) == "0.0.0.0"  # noqa: S104


# --- Purge --------------------------------------------------------------------------------------------------


def test_attempts_older_than_two_days_are_purged_and_purging_twice_changes_nothing(client, world):
    with time_machine.travel(START, tick=False):
        query(client, nonexistent(1))
    with time_machine.travel(START + datetime.timedelta(days=1, hours=23), tick=False):
        query(client, nonexistent(2))
    with time_machine.travel(START + datetime.timedelta(days=2, hours=1), tick=False):
        assert purge_attempts() == 1
        assert purge_attempts() == 0
        assert purge_query_attempts_task() == 0
    assert QueryAttempt.objects.count() == 1


def test_the_purge_runs_every_day(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-query-attempts"]
    assert entry["task"] == "portal.purge_query_attempts"


# --- Two processes at once ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_failures_at_once_from_two_processes_make_one_block():
    """Threads with their own connections stand in for processes: the count is in the database."""
    for n in range(CASE_FAILURES_PER_HOUR - 1):
        progress.query(client_ip=f"10.9.0.{n}", number="（2026）蒙0302执1号", id_number="X", query_code="A")
    barrier = threading.Barrier(4)

    def fail(n: int) -> None:
        try:
            barrier.wait()
            progress.query(
                client_ip=f"10.9.1.{n}", number="（2026）蒙0302执1号", id_number="X", query_code="A"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert QueryBlock.objects.filter(scope="case").count() == 1
    assert QueryBlock.objects.get(scope="case").until > timezone.now()


# --- The supervisors' list ----------------------------------------------------------------------------------


def test_supervisors_see_the_blocks(client, world, supervisor):
    for n in range(CLIENT_FAILURES_PER_HOUR):
        query(Client(), nonexistent(n), address="10.6.0.1")
    for n in range(CASE_FAILURES_PER_HOUR):
        query(Client(), details(world, query_code="WRONG000"), address=f"10.6.1.{n}")
    client.force_login(supervisor)
    page = client.get(THROTTLED, **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "10.6.0.1" in text
    assert world.case.number in text
    assert reverse("case-detail", args=[world.case.pk]) in text
    assert "running" in text


def test_presidents_see_the_list_too(client, president):
    client.force_login(president)
    page = client.get(THROTTLED, **EN)
    assert page.status_code == 200
    assert "No progress query has been throttled." in page.content.decode()


def test_a_judge_may_not_see_the_list(client, judge):
    client.force_login(judge)
    assert client.get(THROTTLED).status_code == 403


def test_the_list_needs_a_login(client):
    assert client.get(THROTTLED).status_code == 302


def test_the_list_is_paged(client, supervisor):
    now = timezone.now()
    QueryBlock.objects.bulk_create(
        QueryBlock(scope="client", key=f"10.7.0.{n}", failures=10, blocked_at=now, until=now)
        for n in range(60)
    )
    client.force_login(supervisor)
    first = client.get(THROTTLED).content.decode()
    assert first.count("10.7.0.") == 50
    assert client.get(THROTTLED, {"page": 2}).content.decode().count("10.7.0.") == 10


def test_supervisors_find_the_list_in_the_menu(client, supervisor, judge):
    client.force_login(supervisor)
    assert THROTTLED in client.get(reverse("home")).content.decode()
    client.force_login(judge)
    assert THROTTLED not in client.get(reverse("home")).content.decode()


# --- Only failures are recorded; the client address behind trusted proxies ---------------------------------


def test_a_successful_query_writes_no_attempt_and_a_failure_writes_one(client, world):
    assert query(client, details(world)).status_code == 302
    assert not QueryAttempt.objects.exists()
    query(Client(), details(world, query_code="WRONG000"))
    attempt = QueryAttempt.objects.get()
    assert (attempt.client_ip, attempt.succeeded) == ("10.0.0.1", False)


def _request(remote: str, forwarded: str | None = None):
    from django.test import RequestFactory

    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("10.9.9.9", "1.2.3.4")) == "10.9.9.9"


def test_with_trusted_proxies_the_address_is_that_many_hops_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; our one proxy appended the address it saw.
    assert client_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.7 ,10.0.0.4")) == "203.0.113.7"
    assert client_address(_request("10.0.0.5", "2001:db8:1:2::99, 10.0.0.4")) == "2001:db8:1:2::"
    # Fewer entries than trusted proxies: the request did not pass through them all.
    assert client_address(_request("10.0.0.5", "10.0.0.4")) == "10.0.0.5"
    assert client_address(_request("10.0.0.5")) == "10.0.0.5"


def test_the_throttle_counts_the_forwarded_address(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(CLIENT_FAILURES_PER_HOUR):
        query(client, nonexistent(n), address="10.0.0.254", HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 198.51.100.1")
    block = QueryBlock.objects.get()
    assert (block.scope, block.key) == ("client", "198.51.100.1")
    other = query(Client(), details(world), address="10.0.0.254", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302
