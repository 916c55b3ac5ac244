"""Helpers of the 终本 pool's tests (tests/assignment, tests/intake, tests/portal): a case filed with the
parties' phones, assigned, and closed as 终本 once the 3 months since filing have passed."""

import datetime
import itertools
from decimal import Decimal

import time_machine
from django.contrib.auth.models import User

from assignment import services as assignment
from enforcement.models import Case, Court, Team, TeamKind, TeamMembership
from intake import services as intake
from tests.closing import court_persona, meet_terminate_round_conditions, terminate_round
from tests.factories import CourtAccountFactory, resident_id, uscc

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
FILED = datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)  # a Monday
# More than 3 months after filing: the first day a 终本 closure is allowed (2026-06-03, a Wednesday).
CLOSED = datetime.datetime(2026, 6, 3, 10, tzinfo=SHANGHAI)
APPLICANT_PHONE = "13900001111"
RESPONDENT_PHONE = "13700002222"
_numbers = itertools.count(5100)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def teams(court: Court, judge: User, lead: User) -> Team:
    quick = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=quick, user=judge, role=TeamMembership.Role.JUDGE)
    TeamMembership.objects.create(team=quick, user=lead, role=TeamMembership.Role.LEAD)
    Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队")
    return quick


def pool_team(court: Court, *members: tuple[User, str]) -> Team:
    """The court's team that keeps the 终本 pool, with (user, role in the team) members."""
    team = Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="终本管理团队")
    for user, role in members:
        TeamMembership.objects.create(team=team, user=user, role=role)
    court.pool_team = team
    court.save(update_fields=["pool_team"])
    return team


def filed_case(court: Court, clerk: User, lead: User, judge: User) -> Case:
    """Filed now, with the parties' mobiles, and assigned to ``judge``."""
    CourtAccountFactory(court=court)
    n = next(_numbers)
    application = intake.ApplicationInput(
        court=court,
        applicants=[
            intake.PartyInput(
                kind="person",
                name="王申请",
                id_type="resident_id",
                id_number=resident_id(n),
                phone=APPLICANT_PHONE,
            )
        ],
        respondents=[
            intake.PartyInput(
                kind="organisation",
                name=f"被执行公司{n}",
                id_type="uscc",
                id_number=uscc(n),
                phone=RESPONDENT_PHONE,
            )
        ],
        title_court_name="乌海市海勃湾区人民法院",
        title_case_number=f"（2025）蒙0302民初{n}号",
        title_effective_date=datetime.date(2025, 12, 1),
        claim_kind="money",
        claim_amount=Decimal("86000.00"),
    )
    case = intake.file_case(actor=clerk, application=application).case
    assignment.assign_case(actor=lead, case=case, judge=judge)
    return case


def reviewer_of(case: Case) -> User:
    """A supervisor of the case's court, who approves the judge's 终本 (the quality review)."""
    return court_persona(case, "supervisor")


def close_terminated_now(case: Case, judge: User) -> Case:
    """Meet every condition of 终本 and close the case so now: the judge proposes, a supervisor approves
    (the pool's step confirmed)."""
    meet_terminate_round_conditions(case, judge)
    return terminate_round(case, judge, reviewer_of(case))


def close_terminated(case: Case, actor: User, clock: time_machine.Traveller) -> Case:
    """Meet every condition of 终本 at filing, then close the case so on ``CLOSED``."""
    meet_terminate_round_conditions(case, actor)
    clock.move_to(CLOSED)
    return terminate_round(case, actor, reviewer_of(case))
