"""Fixtures of the 终本 pool's tests: the clock at the filing day, and a case filed, assigned and closed as
终本 (``tests.pool``: every condition met through the services, the judge's proposal approved)."""

from collections.abc import Iterator

import pytest
import time_machine

from tests.pool import FILED, close_terminated, filed_case, teams


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FILED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pool_lead(court):
    from tests.factories import UserFactory

    return UserFactory(username="poollead", roles=["team_lead"], courts=[court])


@pytest.fixture
def open_case(clock, court, clerk, team_lead, judge):
    teams(court, judge, team_lead)
    return filed_case(court, clerk, team_lead, judge)


@pytest.fixture
def pooled(clock, open_case, judge):
    """A case closed as 终本 on 2026-06-03 by its judge: in the pool, its ten rounds open."""
    return close_terminated(open_case, judge, clock)
