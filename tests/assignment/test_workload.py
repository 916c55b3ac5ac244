"""Workload (/assignment/workload/): figures per team and judge on a constructed data set, who sees which
teams, rebalancing through reassign_case, the xlsx export and the query count."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assignment.models import Assignment
from assignment.rebalance import rebalance
from assignment.workload import team_workload
from enforcement.models import Case, CaseEvent, Deadline, Team, TeamKind, TeamMembership
from enforcement.services.deadlines import open_deadline
from tests.factories import CaseFactory, UserFactory
from tests.pool import FILED, filed_case

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 12, 15, 10, tzinfo=SHANGHAI)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def make_team(court, name: str, kind: str = "quick") -> Team:
    return Team.objects.create(court=court, kind=TeamKind.objects.get(code=kind), name=name)


def member(team: Team, user, role: str = TeamMembership.Role.JUDGE, capacity: int = 60) -> TeamMembership:
    return TeamMembership.objects.create(team=team, user=user, role=role, capacity=capacity)


def case(court, team, judge, filed, *, closed=None) -> Case:
    made: Case = CaseFactory.create(
        court=court, team=team, responsible_judge=judge, filed_at=filed, status=Case.Status.FILED
    )
    if closed is not None:
        Case.objects.filter(pk=made.pk).update(status=Case.Status.CLOSED, closed_at=closed)
    return made


@pytest.fixture
def world(court, team_lead, judge):
    """Team 速执 (lead: team_lead; judges: judge with capacity 3, judge2) and team 普执 (another lead)."""
    quick, ordinary = make_team(court, "速执团队"), make_team(court, "普执团队", "ordinary")
    judge2 = UserFactory(username="judge2", roles=["judge"], courts=[court])
    other_lead = UserFactory(username="otherlead", roles=["team_lead"], courts=[court])
    member(quick, judge, capacity=3)
    member(quick, judge2)
    member(quick, team_lead, TeamMembership.Role.LEAD)
    member(ordinary, other_lead, TeamMembership.Role.LEAD)
    j1 = [case(court, quick, judge, filed) for filed in (at(2026, 6, 1), at(2026, 9, 1), at(2026, 12, 2))]
    case(court, quick, judge, at(2026, 5, 1), closed=at(2026, 12, 3))  # closed this month
    case(court, quick, judge, at(2026, 5, 1), closed=at(2026, 11, 30, 23, 50))  # last month, local time
    case(court, ordinary, judge, at(2026, 10, 1))  # his load counts it; the 普执 team's open cases too
    j2 = case(court, quick, judge2, at(2026, 11, 1))
    Assignment.objects.create(
        case=j1[2], team=quick, judge=judge, method="automatic", assigned_at=at(2026, 12, 2)
    )
    Assignment.objects.create(
        case=j1[1], team=quick, judge=judge, method="automatic", assigned_at=at(2026, 11, 30, 23, 30)
    )
    # 00:10 on 1 December in Beijing is 30 November in UTC: this month's.
    Assignment.objects.create(
        case=j2, team=quick, judge=judge2, method="manual", assigned_at=at(2026, 12, 1, 0, 10)
    )
    late = open_deadline(case=j1[0], code="assign_judge", anchor_at=at(2026, 6, 1))
    Deadline.objects.filter(pk=late.pk).update(status=Deadline.Status.OVERDUE)
    met = open_deadline(case=j1[1], code="assign_judge", anchor_at=at(2026, 9, 1))
    Deadline.objects.filter(pk=met.pk).update(status=Deadline.Status.MET)
    return {"quick": quick, "ordinary": ordinary, "judge2": judge2, "other_lead": other_lead, "j1": j1}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_figures_on_a_constructed_team(clock, world, judge):
    quick, ordinary = team_workload([world["quick"], world["ordinary"]])
    assert (quick.open, quick.received, quick.closed, quick.overdue) == (4, 2, 1, 1)
    first, second = quick.judges
    assert first.judge == judge
    assert (first.open, first.load, first.capacity, first.used_percent) == (3, 4, 3, 133)
    assert first.over_capacity
    assert (first.received, first.closed, first.overdue) == (1, 1, 1)
    assert first.oldest_filed == at(2026, 6, 1)
    assert (second.open, second.load, second.received, second.closed, second.overdue) == (1, 1, 1, 0, 0)
    assert (quick.load, quick.capacity, quick.used_percent) == (5, 63, 8)
    assert [c.pk for c in quick.oldest][:3] == [world["j1"][0].pk, world["j1"][1].pk, quick.oldest[2].pk]
    assert [c.filed_at for c in quick.oldest] == sorted(c.filed_at for c in quick.oldest)
    assert len(quick.oldest) == 4
    assert (ordinary.open, ordinary.judges) == (1, [])


def test_team_lead_sees_his_teams_supervisor_the_court(client, clock, world, team_lead, supervisor):
    client.force_login(team_lead)
    page = client.get(reverse("assignment:workload"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert [load.team for load in page.context["loads"]] == [world["quick"]]
    assert world["j1"][0].number in page.content.decode()
    client.force_login(supervisor)
    page = client.get(reverse("assignment:workload"))
    assert {load.team for load in page.context["loads"]} == {world["quick"], world["ordinary"]}


@pytest.mark.parametrize("persona", ["judge", "clerk", "finance", "outsider", "stranger"])
def test_others_are_refused(client, clock, world, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("assignment:workload")).status_code == 403
    assert client.get(reverse("assignment:forecast")).status_code == 403


def test_supervisor_of_another_court_sees_none_of_our_teams(client, clock, world, other_court):
    theirs = UserFactory(username="theirsupervisor", roles=["supervisor"], courts=[other_court])
    client.force_login(theirs)
    page = client.get(reverse("assignment:workload"), {"team": world["quick"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["loads"] == []
    assert "No team to show." in page.content.decode()


def test_rebalancing_page_lists_the_judges_open_cases(client, clock, world, team_lead, judge):
    client.force_login(team_lead)
    page = client.get(reverse("assignment:workload"), {"team": world["quick"].pk, "judge": judge.pk})
    listed = [c.pk for c in page.context["cases_page"].object_list]
    assert listed == [c.pk for c in world["j1"]]
    assert list(page.context["rebalance_form"].fields["judge"].queryset) == [world["judge2"]]


def test_xlsx_export_opens(client, clock, world, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("assignment:workload"), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Teams", "Judges", "Oldest cases"]
    teams = {row[1]: row for row in book["Teams"].iter_rows(min_row=2, values_only=True)}
    assert teams["速执团队"][2:] == (4, 2, 1, 5, 63, 8, 1)


def test_query_count_is_constant_with_the_number_of_teams(client, clock, court, supervisor, judge):
    client.force_login(supervisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("assignment:workload")).status_code == 200
        return len(queries)

    def add_team(n: int) -> None:
        team = make_team(court, f"团队{n}")
        for k in range(2):
            someone = UserFactory(roles=["judge"], courts=[court])
            member(team, someone)
            case(court, team, someone, at(2026, 12, 1 + k))
            Assignment.objects.create(
                case=case(court, team, someone, at(2026, 12, 3)),
                team=team,
                judge=someone,
                method="automatic",
                assigned_at=at(2026, 12, 3),
            )

    add_team(0)
    one = count()
    for n in range(1, 4):
        add_team(n)
    assert count() == one


# --- Rebalancing through reassign_case ---------------------------------------------------------------------


@pytest.fixture
def assigned(court, clerk, team_lead, judge):
    """Three cases filed and assigned to ``judge`` in 速执 (capacity 60), and judge2 in the team."""
    with time_machine.travel(FILED, tick=False):
        quick = make_team(court, "速执团队")
        make_team(court, "普执一队", "ordinary")  # triage may send the cases to the complex stream
        member(quick, judge)
        member(quick, team_lead, TeamMembership.Role.LEAD)
        judge2 = UserFactory(username="judge2", roles=["judge"], courts=[court])
        member(quick, judge2)
        cases = [filed_case(court, clerk, team_lead, judge) for _ in range(3)]
    return quick, judge2, cases


def post(client, team, judge, cases, to, reason):
    return client.post(
        reverse("assignment:workload-rebalance"),
        {
            "team": team.pk,
            "from_judge": judge.pk,
            "cases": [c.pk for c in cases],
            "judge": to.pk,
            "reason": reason,
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )


def test_rebalance_reassigns_each_case_with_its_reason_on_the_timeline(client, assigned, team_lead, judge):
    quick, judge2, cases = assigned
    client.force_login(team_lead)
    page = post(client, quick, judge, cases[:2], judge2, "张法官案件超过容量，均衡分配")
    assert "2 case(s) reassigned" in page.content.decode()
    for moved in cases[:2]:
        moved.refresh_from_db()
        assert moved.responsible_judge == judge2
        current = Assignment.objects.get(case=moved, ended_at__isnull=True)
        assert (current.method, current.reason, current.assigned_by) == (
            "reassigned",
            "张法官案件超过容量，均衡分配",
            team_lead,
        )
        assert current.history.count() == 1
        event = moved.events.get(kind=CaseEvent.Kind.REASSIGNED)
        assert event.actor == team_lead
    cases[2].refresh_from_db()
    assert cases[2].responsible_judge == judge


def test_rebalance_needs_a_reason(client, assigned, team_lead, judge):
    quick, judge2, cases = assigned
    client.force_login(team_lead)
    page = post(client, quick, judge, cases[:1], judge2, "  ")
    assert "Nothing was changed" in page.content.decode()
    assert Case.objects.filter(responsible_judge=judge2).count() == 0
    with pytest.raises(Exception, match="reason"):
        rebalance(actor=team_lead, cases=cases[:1], judge=judge2, reason="")


def test_a_president_sees_but_does_not_reassign(client, assigned, president, judge):
    quick, judge2, cases = assigned
    client.force_login(president)
    assert client.get(reverse("assignment:workload")).status_code == 200
    page = post(client, quick, judge, cases[:1], judge2, "均衡")
    assert "was not reassigned" in page.content.decode()
    assert Case.objects.filter(responsible_judge=judge2).count() == 0


def test_a_lead_of_another_team_cannot_rebalance_ours(client, assigned, court, judge):
    quick, judge2, cases = assigned
    lead = UserFactory(username="otherlead", roles=["team_lead"], courts=[court])
    member(make_team(court, "普执团队", "ordinary"), lead, TeamMembership.Role.LEAD)
    client.force_login(lead)
    page = post(client, quick, judge, cases[:1], judge2, "均衡")
    assert "Nothing was changed" in page.content.decode()
    result = rebalance(actor=lead, cases=cases[:1], judge=judge2, reason="均衡")
    assert not result.assigned and cases[0].pk in result.refused
    assert Case.objects.filter(responsible_judge=judge2).count() == 0


def test_the_new_judge_must_be_of_the_cases_team(assigned, court, team_lead):
    _quick, _judge2, cases = assigned
    stranger_judge = UserFactory(username="judge3", roles=["judge"], courts=[court])
    member(make_team(court, "普执团队", "ordinary"), stranger_judge)
    result = rebalance(actor=team_lead, cases=cases[:1], judge=stranger_judge, reason="均衡")
    assert "not a judge of the case's team" in result.refused[cases[0].pk]
