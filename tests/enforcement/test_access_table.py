"""docs/access.md is the access rules in one table: every cell is asked of ``enforcement.access`` here."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from enforcement import access
from enforcement.models import Case, Team, TeamKind, TeamMembership
from tests.factories import CaseFactory, CourtFactory, UserFactory

TABLE = Path(__file__).resolve().parents[2] / "docs" / "access.md"

Predicate = Callable[[object, Case, dict[str, object]], bool]

PREDICATES: dict[str, Predicate] = {
    "sees_case": lambda user, case, people: access.sees_case(user, case),
    "works_case": lambda user, case, people: access.works_case(user, case),
    "works_or_oversees_case": lambda user, case, people: access.works_or_oversees_case(user, case),
    "judges_case": lambda user, case, people: access.judges_case(user, case),
    "records_at_window": lambda user, case, people: access.records_at_window(user, case),
    "approves_payout": lambda user, case, people: access.approves_payout(
        user, case.court_id, proposed_by_id=case.responsible_judge_id, higher=False
    ),
    "approves_payout_higher": lambda user, case, people: access.approves_payout(
        user, case.court_id, proposed_by_id=case.responsible_judge_id, higher=True
    ),
    "approves_own_payout": lambda user, case, people: access.approves_payout(
        user, case.court_id, proposed_by_id=getattr(user, "pk", None), higher=False
    ),
    "decides_hold": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.HOLD_DECIDER_ROLES
    ),
    "decides_extension": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.EXTENSION_DECIDER_ROLES
    ),
    "approves_deduction": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.DEDUCTION_APPROVER_ROLES
    ),
    "issues_certificate": lambda user, case, people: access.issues_certificate(user, case),
    "revokes_certificate": lambda user, case, people: access.revokes_certificate(user, case),
    "keeps_pool": lambda user, case, people: access.keeps_pool(user, case),
    "resumes_case": lambda user, case, people: access.resumes_case(user, case),
    "decides_sanction": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.SANCTION_DECIDER_ROLES
    ),
    "reviews_closure": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.CLOSURE_APPROVER_ROLES
    ),
    "oversees_money": lambda user, case, people: access.oversees_money(user, case.court_id),
    "decides_credit": lambda user, case, people: access.decides(
        user, case.court_id, asked_by_id=case.responsible_judge_id, allowed=access.CREDIT_DECIDER_ROLES
    ),
    "sees_court_indicators": lambda user, case, people: access.sees_indicators(user, case.court_id),
    "sees_team_indicators": lambda user, case, people: access.sees_indicators(
        user, case.court_id, team_id=case.team_id
    ),
    "sees_judge_indicators": lambda user, case, people: access.sees_indicators(
        user, case.court_id, judge_id=case.responsible_judge_id
    ),
    "sees_money_indicators": lambda user, case, people: access.sees_indicators(
        user, case.court_id, money=True
    ),
}


def read_table() -> tuple[list[str], list[tuple[str, list[bool]]]]:
    rows = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    header, body = cells[0], cells[2:]
    table = []
    for row in body:
        code = re.search(r"`(\w+)`", row[0])
        assert code, f"no predicate named in {row[0]!r}"
        assert set(row[1:]) <= {"yes", "–"}, row
        table.append((code.group(1), [cell == "yes" for cell in row[1:]]))
    return header[1:], table


@pytest.fixture
def people(court) -> dict[str, object]:
    quick = TeamKind.objects.get(code="quick")
    team = Team.objects.create(court=court, kind=quick, name="速执团队")
    other_team = Team.objects.create(court=court, kind=quick, name="速执二队")
    there = CourtFactory(code="蒙0303", name="乌海市海南区人民法院")

    def member(name: str, role: str, on: Team | None = None, as_: str = "", court_=court) -> object:
        user = UserFactory(username=name, roles=[role], courts=[court_])
        if on is not None:
            TeamMembership.objects.create(team=on, user=user, role=as_)
        return user

    found: dict[str, object] = {
        "clerk": member("clerk", "clerk"),
        "judge": member("judge", "judge", team, "judge"),
        "team judge": member("teamjudge", "judge", team, "judge"),
        "assistant": member("assistant", "assistant", team, "assistant"),
        "team lead": member("teamlead", "team_lead", team, "lead"),
        "other judge": member("otherjudge", "judge", other_team, "judge"),
        "supervisor": member("supervisor", "supervisor"),
        "finance": member("finance", "finance"),
        "president": member("president", "president"),
        "no role": UserFactory(username="norole", roles=[], courts=[]),
        "party": AnonymousUser(),
    }
    found["other court"] = member("otherjudge2", "judge", court_=there)
    other_case = CaseFactory(court=there, responsible_judge=found["other court"])
    found["_case"] = CaseFactory(court=court, team=team, responsible_judge=found["judge"])
    found["_other_case"] = other_case
    return found


def test_the_table_names_every_predicate_and_every_persona():
    header, table = read_table()
    assert {code for code, _cells in table} == set(PREDICATES)
    assert all(len(cells) == len(header) for _code, cells in table)


@pytest.mark.django_db
def test_every_cell_of_the_table_is_what_the_access_layer_answers(people):
    header, table = read_table()
    case = people["_case"]
    wrong = []
    for code, cells in table:
        for persona, expected in zip(header, cells, strict=True):
            answer = PREDICATES[code](people[persona], case, people)
            if answer != expected:
                wrong.append(f"{code} / {persona}: table says {expected}, access says {answer}")
    assert wrong == []


@pytest.mark.django_db
def test_the_other_court_column_is_no_blind_spot(people):
    """The judge of the other court is refused here because of the court, not because of his role: on his
    own court's case he is answered as our judge is on ours."""
    theirs = people["_other_case"]
    assert access.sees_case(people["other court"], theirs)
    assert access.judges_case(people["other court"], theirs)
    assert not access.sees_case(people["judge"], theirs)
