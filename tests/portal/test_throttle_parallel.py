"""The progress query's limits hold under parallel requests (issue 12, point 9).

Found from outside: 40 wrong queries at once from one address had 22 evaluated against a limit of 10 an
hour, and 40 wrong codes at once for one case number had 17 evaluated against a limit of 5, because
every request read "no block" before any failure was recorded. "Evaluated" is every query answered
other than "throttled": a 404 tells the guesser that his guess was wrong just as a 200 tells him it was
right.

The PostgreSQL tests send real requests from threads with their own connections (as processes would);
the others force the one interleaving that matters, on any database.
"""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from enforcement import querycode
from portal import progress
from portal.models import QueryAttempt, QueryBlock
from portal.progress import CASE_FAILURES_PER_HOUR, CLIENT_FAILURES_PER_HOUR
from tests.payments.test_concurrency import at_once
from tests.portal.test_progress import World, details, make_world

API = reverse("api-progress")
AT_ONCE = 40


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def nonexistent(n: int) -> dict[str, str]:
    return {"number": f"（2026）蒙0302执{80000 + n}号", "id_number": "X", "query_code": "AAAAAAAA"}


def ask(body: dict[str, str], address: str) -> int:
    return Client().post(API, body, content_type="application/json", REMOTE_ADDR=address).status_code


def evaluated(statuses: list[int]) -> int:
    """Queries answered on their merits: everything but "throttled"."""
    return sum(1 for status in statuses if status != 429)


# --- Real parallel requests (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_wrong_queries_at_once_from_one_address_evaluate_at_most_its_limit(world):
    assert connection.vendor == "postgresql"

    statuses, errors = at_once(AT_ONCE, lambda n: ask(nonexistent(n), "198.51.100.7"))

    assert not errors
    assert len(statuses) == AT_ONCE
    assert set(statuses) <= {404, 429}, Counter(statuses)
    assert evaluated(statuses) <= CLIENT_FAILURES_PER_HOUR, Counter(statuses)
    assert QueryAttempt.objects.filter(client_ip="198.51.100.7").count() <= CLIENT_FAILURES_PER_HOUR
    assert QueryBlock.objects.filter(scope="client", key="198.51.100.7").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_addresses_at_once_on_one_case_number_evaluate_at_most_its_limit(world):
    assert connection.vendor == "postgresql"
    wrong = details(world, query_code="WRONG000")

    statuses, errors = at_once(AT_ONCE, lambda n: ask(wrong, f"198.51.100.{n + 10}"))

    assert not errors
    assert set(statuses) <= {404, 429}, Counter(statuses)
    assert evaluated(statuses) <= CASE_FAILURES_PER_HOUR, Counter(statuses)
    assert QueryAttempt.objects.filter(case_number_key=world.case.number).count() <= CASE_FAILURES_PER_HOUR
    assert QueryBlock.objects.filter(scope="case", key=world.case.number).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_right_code_among_forty_guesses_at_once_is_no_extra_guess(world):
    """Whether the right code wins its race or not, no more than the limit is answered as wrong."""
    right = details(world)
    wrong = details(world, query_code="WRONG000")

    statuses, errors = at_once(AT_ONCE, lambda n: (n, ask(right if n == 0 else wrong, f"198.51.101.{n}")))

    assert not errors
    answers = dict(statuses)
    wrong_answers = [status for n, status in answers.items() if n != 0]
    assert sum(1 for status in wrong_answers if status == 404) <= CASE_FAILURES_PER_HOUR
    assert answers[0] in {200, 429}


# --- The interleavings that let guesses through, forced (any database) -----------------------------------


def while_evaluating(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], Any]) -> None:
    """Run ``meanwhile`` once, between a query's first look at the blocks and its answer: where other
    requests' failures land when many run at once."""
    original = querycode.query_code_matches
    ran: list[bool] = []

    def evaluate(**kwargs: str) -> bool:
        if not ran:
            ran.append(True)
            meanwhile()
        return original(**kwargs)

    monkeypatch.setattr(querycode, "query_code_matches", evaluate)


def fill_the_address(address: str) -> Callable[[], None]:
    def fill() -> None:
        for n in range(CLIENT_FAILURES_PER_HOUR):
            progress.query(client_ip=address, **nonexistent(n))

    return fill


@pytest.mark.django_db
def test_a_wrong_guess_overtaken_by_a_block_is_refused_and_not_counted(world, monkeypatch):
    while_evaluating(monkeypatch, fill_the_address("192.0.2.50"))

    outcome = progress.query(client_ip="192.0.2.50", **nonexistent(99))

    assert outcome.blocked_until is not None  # 429, as if it had come a moment later
    assert QueryAttempt.objects.filter(client_ip="192.0.2.50").count() == CLIENT_FAILURES_PER_HOUR


@pytest.mark.django_db
def test_the_right_code_overtaken_by_a_block_is_refused_too(world, monkeypatch):
    """Otherwise "throttled" would mean "wrong" for every guess that raced the block."""
    while_evaluating(monkeypatch, fill_the_address("192.0.2.51"))

    outcome = progress.query(client_ip="192.0.2.51", **details(world))

    assert outcome.proved is None
    assert outcome.blocked_until is not None


@pytest.mark.django_db
def test_over_http_the_overtaken_right_code_opens_no_session(client, world, monkeypatch):
    while_evaluating(monkeypatch, fill_the_address("192.0.2.52"))

    response = client.post(reverse("portal:query"), details(world), REMOTE_ADDR="192.0.2.52")

    assert response.status_code == 429
    assert "portal" not in client.session
