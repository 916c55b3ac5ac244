"""Assignment at scale: many cases assigned at once never overload a judge, and choosing is deterministic."""

import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext

from assignment.models import Assignment, TriageDecision
from assignment.services import assign_case
from assignment.triage import facts_of, first_rule_that_holds, rules_for
from enforcement.models import Case, Court, Deadline, Team, TeamKind, TeamMembership
from intake import services as intake
from tests.factories import CourtFactory, UserFactory
from tests.intake.test_case_numbers import application

NO_JUDGE = "No judge can take the case: every judge of the stream's teams is absent, recused or full."
THREAD_TIMEOUT = 300  # seconds; generous, 50 transactions queue on one lock


@dataclass
class Setup:
    court: Court
    clerk: User
    lead: User
    judges: list[User]
    capacity: dict[int, int]  # judge id → capacity


def build_court(code: str, capacities: list[int], *, teams: int = 1) -> Setup:
    """A court with ``teams`` quick teams (simple stream); the capacities are dealt to the teams in turn."""
    court = CourtFactory(code=code)
    quick = TeamKind.objects.get(code="quick")
    assert quick.stream == TeamKind.Stream.SIMPLE
    clerk = UserFactory(username=f"clerk-{code}", roles=["clerk"], courts=[court])
    lead = UserFactory(username=f"lead-{code}", roles=["team_lead"], courts=[court])
    built = [Team.objects.create(court=court, kind=quick, name=f"速执{i + 1}组") for i in range(teams)]
    for team in built:
        TeamMembership.objects.create(team=team, user=lead, role=TeamMembership.Role.LEAD)
    judges, capacity = [], {}
    for i, cap in enumerate(capacities):
        judge = UserFactory(username=f"judge{i + 1}-{code}", roles=["judge"], courts=[court])
        TeamMembership.objects.create(
            team=built[i % teams], user=judge, role=TeamMembership.Role.JUDGE, capacity=cap
        )
        judges.append(judge)
        capacity[judge.pk] = cap
    return Setup(court, clerk, lead, judges, capacity)


def file_simple_cases(setup: Setup, count: int) -> list[Case]:
    """Cases of 1,000 yuan: the rules send them to the simple stream (checked without writing a decision)."""
    cases = []
    for n in range(1, count + 1):
        filed = intake.file_case(
            actor=setup.clerk,
            application=application(setup.court, n, claim_amount=Decimal("1000.00")),
        )
        rule = first_rule_that_holds(rules_for(filed.case), facts_of(filed.case))
        assert rule is not None and rule.stream == Case.Stream.SIMPLE
        cases.append(filed.case)
    return cases


def assign_concurrently(lead: User, cases: list[Case]) -> tuple[list[BaseException], list[int]]:
    """assign_case for every case from its own thread and connection, all released at once."""
    errors: list[BaseException] = []
    hung: list[int] = []
    barrier = threading.Barrier(len(cases))

    def worker(case_id: int) -> None:
        try:
            # Each thread reads its own objects, as each request would.
            actor = User.objects.get(pk=lead.pk)
            case = Case.objects.get(pk=case_id)
            barrier.wait(timeout=60)
            assign_case(actor=actor, case=case)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(case.pk,)) for case in cases]
    for thread in threads:
        thread.start()
    for case, thread in zip(cases, threads, strict=True):
        thread.join(timeout=THREAD_TIMEOUT)
        if thread.is_alive():
            hung.append(case.pk)
    return errors, hung


def open_loads(setup: Setup) -> dict[int, int]:
    counted = Counter(
        Case.objects.filter(responsible_judge__in=setup.judges)
        .exclude(status=Case.Status.CLOSED)
        .values_list("responsible_judge_id", flat=True)
    )
    return {judge.pk: counted.get(judge.pk, 0) for judge in setup.judges}


def check_assigned(case: Case) -> None:
    current = list(Assignment.objects.filter(case=case, ended_at__isnull=True))
    assert len(current) == 1, f"{case.number}: {len(current)} current assignments"
    case.refresh_from_db()
    assert case.stream == Case.Stream.SIMPLE
    assert case.responsible_judge_id == current[0].judge_id
    assert case.team_id == current[0].team_id
    assert current[0].method == Assignment.Method.AUTOMATIC
    assert TriageDecision.objects.filter(case=case).count() == 1
    by_code = Counter(
        (code, status) for code, status in case.deadlines.values_list("node_type__code", "status")
    )
    assert by_code[("assign_judge", Deadline.Status.MET)] == 1, by_code
    for code in ("enforcement_notice", "ask_leads"):
        assert by_code[(code, Deadline.Status.OPEN)] == 1, by_code


def check_unassigned(case: Case) -> None:
    """A refused case is left as it was: no assignment, no judge, its assign_judge clock still running."""
    assert not Assignment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.responsible_judge_id is None and case.team_id is None
    statuses = dict(case.deadlines.values_list("node_type__code", "status"))
    assert statuses["assign_judge"] in Deadline.ACTIVE
    assert "enforcement_notice" not in statuses and "ask_leads" not in statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("capacity", "refused"),
    [pytest.param(15, 0, id="ample-4x15-for-50"), pytest.param(12, 2, id="tight-4x12-for-50")],
)
def test_fifty_cases_assigned_at_once_from_concurrent_connections_overload_no_judge(capacity, refused):
    assert connection.vendor == "postgresql"
    setup = build_court("蒙0302", [capacity] * 4)
    cases = file_simple_cases(setup, 50)

    errors, hung = assign_concurrently(setup.lead, cases)

    assert hung == [], f"threads still running after {THREAD_TIMEOUT} s for cases {hung}"
    unexpected = [e for e in errors if not isinstance(e, ValidationError)]
    assert unexpected == [], f"errors other than refusals: {unexpected!r}"
    assert len(errors) == refused
    # The threads speak the court's default language, whatever an earlier test left active in this one.
    with translation.override(settings.LANGUAGE_CODE):
        refusal = gettext(NO_JUDGE)
    for error in errors:
        assert isinstance(error, ValidationError)
        assert error.messages == [refusal]

    loads = open_loads(setup)
    assert all(loads[pk] <= setup.capacity[pk] for pk in loads), f"over capacity: {loads}"
    assert sum(loads.values()) == 50 - refused
    assert Assignment.objects.filter(case__in=cases, ended_at__isnull=True).count() == 50 - refused
    if refused:
        assert sorted(loads.values()) == [capacity] * 4  # every slot used, none beyond
    else:
        assert max(loads.values()) - min(loads.values()) <= 1, f"unbalanced: {loads}"

    assigned = set(Assignment.objects.filter(case__in=cases).values_list("case_id", flat=True))
    for case in cases:
        if case.pk in assigned:
            check_assigned(case)
        else:
            check_unassigned(case)
    assert len(assigned) == 50 - refused


def _assign_in_turn(code: str) -> list[str]:
    """A court with two teams of uneven judges, some already loaded; 16 cases assigned one by one."""
    setup = build_court(code, [10, 20, 10, 5, 15], teams=2)
    cases = file_simple_cases(setup, 16)
    # Earlier work: judge1 already carries 3 open cases, judge4 one.
    for case, judge in zip(cases[:4], [0, 0, 0, 3], strict=True):
        assign_case(actor=setup.lead, case=case, judge=setup.judges[judge])
    chosen = [assign_case(actor=setup.lead, case=case).judge for case in cases[4:]]
    loads = open_loads(setup)
    assert all(loads[pk] <= setup.capacity[pk] for pk in loads)
    return [judge.username.split("-")[0] for judge in chosen]


@pytest.mark.django_db
def test_the_same_setup_assigned_twice_from_scratch_gives_the_same_judges_in_the_same_order():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            runs.append(_assign_in_turn("蒙0302"))
            transaction.set_rollback(True)
        assert not Case.objects.exists()  # really from scratch
    assert runs[0] == runs[1]
    # Two courts built the same way side by side choose the same way too.
    assert _assign_in_turn("蒙0303") == _assign_in_turn("蒙0304") == runs[0]
    # The order follows load / capacity, then load, team and judge: a lightly loaded large judge first.
    assert runs[0][:3] == ["judge3", "judge5", "judge2"]
