"""The queue reads the case rows' stored urgency: no aggregate over deadlines, one count, the same order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignment.selectors import queue_cases, queue_counts
from enforcement.models import Deadline
from enforcement.scan import scan_deadlines
from tests.assignment.test_pages import QUEUE, as_user, assigned, quick  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick")]


def test_the_queue_orders_and_counts_without_reading_the_deadlines(court, clerk, team_lead, judge):
    cases = [assigned(court, clerk, team_lead, n) for n in (1, 2, 3)]
    qs = queue_cases(judge)
    with CaptureQueriesContext(connection) as captured:
        page = list(qs[:25])
        counts = queue_counts(qs)
    main, counted = captured.captured_queries[0]["sql"], captured.captured_queries[-1]["sql"]
    deadline_table = Deadline._meta.db_table
    assert deadline_table not in main and "MIN(" not in main.upper()
    assert deadline_table not in counted
    assert counts.total == 3
    expected = sorted(cases, key=lambda c: (c.next_due_at, c.filed_at, c.pk))
    assert [c.pk for c in page] == [c.pk for c in expected]


def test_the_counts_at_the_top_follow_the_scan(court, clerk, team_lead, judge):
    case = assigned(court, clerk, team_lead, 1)
    running = case.deadlines.filter(status__in=Deadline.ACTIVE).order_by("due_at")
    first = running.first()
    assert first is not None
    scan_deadlines(now=first.warn_at)
    assert queue_counts(queue_cases(judge)).nearing == 1
    scan_deadlines(now=first.due_at)
    counts = queue_counts(queue_cases(judge))
    assert (counts.overdue, counts.total) == (1, 1)


def test_the_page_counts_the_queue_once(client, court, clerk, team_lead, judge):
    for n in (1, 2):
        assigned(court, clerk, team_lead, n)
    as_user(client, judge)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE)
    case_table = "enforcement_case"
    counting = [
        q for q in captured.captured_queries if "COUNT(" in q["sql"].upper() and case_table in q["sql"]
    ]
    assert len(counting) == 1
    assert response.context["page"].paginator.count == 2
