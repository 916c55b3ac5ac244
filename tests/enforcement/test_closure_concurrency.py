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
from tests.closing import RULING, meet_terminate_round_conditions
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
    closers = [(judge, Case.Closure.PERFORMED, ""), (team_lead, Case.Closure.NOT_ENFORCED, RULING)]

    def close(i: int) -> Case:
        actor, closure, ruling = closers[i]
        with translation.override("en"):
            return close_case(actor=actor, case=case, closure=closure, ruling_number=ruling)

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


def test_two_reviewers_approving_one_proposal_at_once_close_the_case_once(case, judge, supervisor, president):
    """The 终本 quality review: two reviewers on the same proposal at once; one closes the case, the other
    is told it was decided, and the pool opens once."""
    import datetime

    import time_machine

    from enforcement.services import closure_review

    meet_terminate_round_conditions(case, judge)  # on the day of filing
    with time_machine.travel(case.filed_at + datetime.timedelta(days=100), tick=True):  # past the 3 months
        proposal = closure_review.propose_closure(
            actor=judge, case=case, closure_mode=Case.Closure.TERMINATED_THIS_ROUND, ruling_number=RULING
        )
        reviewers = [supervisor, president]

        def approve(i: int) -> Case:
            with translation.override("en"):
                return closure_review.approve_closure(
                    actor=reviewers[i], proposal=proposal, confirm_steps=True
                )

        closed, errors = at_once(2, approve)

    assert len(closed) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert errors[0].messages == ["This proposal has already been decided or withdrawn."]
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).count() == 1
    assert case.deadlines.filter(node_type__code="pool_research").count() == 10
