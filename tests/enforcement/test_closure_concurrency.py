"""Two people closing one case at the same moment, on PostgreSQL with real connections: one closes it, the
other is refused because it is already closed, and the closure is recorded once."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import translation

from enforcement.models import Case, CaseEvent, Deadline
from enforcement.services.cases import close_case
from tests.custody.test_services import file_assigned, make_teams
from tests.payments.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLOSURE_DATA = "enforcement.migrations.0016_closure_meets_case_limits_and_terminate_round_wait"


@pytest.fixture(autouse=True)
def closure_data(reference_data) -> None:
    """A transactional test starts from flushed tables: the reference data is put back, this one too."""
    importlib.import_module(CLOSURE_DATA).forwards(apps, None)


@pytest.fixture
def case(court, clerk, team_lead, judge):
    make_teams(court, judge, team_lead)
    return file_assigned(court, clerk, team_lead, judge)


def test_two_closing_the_same_case_at_once_close_it_once(case, judge, team_lead):
    assert connection.vendor == "postgresql"
    closers = [(judge, Case.Closure.PERFORMED), (team_lead, Case.Closure.TERMINATED)]

    def close(i: int) -> Case:
        actor, closure = closers[i]
        with translation.override("en"):
            return close_case(actor=actor, case=case, closure=closure)

    closed, errors = at_once(2, close)

    assert len(closed) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert errors[0].messages == ["The case is already closed."]
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure == closed[0].closure
    assert case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).count() == 1
    limit = case.deadlines.get(node_type__code="case_limit")
    assert limit.status == Deadline.Status.MET


def test_the_same_closure_posted_twice_at_once_from_the_page_closes_once(case, judge):
    def post(_i: int) -> int:
        client = Client()
        client.force_login(judge)
        response = client.post(f"/cases/{case.pk}/close/", {"closure": "performed"})
        return response.status_code

    statuses, errors = at_once(4, post)

    assert errors == []
    # The one that closed goes back to the case page; the others see the page again with the refusal,
    # or, once the closure has committed, are sent back to the closed case.
    assert statuses.count(302) >= 1
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).count() == 1
