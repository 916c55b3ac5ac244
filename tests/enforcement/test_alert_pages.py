"""The supervisor's alert page, acknowledging alerts, the judge's alerts at home, and the in-app inbox.

Cases are filed on fixed days of March 2026 (no holiday near them) and the scan runs on 12 March, so
the clocks and the "how late" of every row are known: assign_judge takes 7 days and warns 2 days before.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.models import Alert, CalendarYear, Case, InboxItem, Team, TeamKind, TeamMembership
from enforcement.scan import scan_deadlines
from enforcement.selectors.alerts import alerts_for_supervisor, calendar_warning
from enforcement.services.alerts import acknowledge_alert
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCAN_AT = datetime.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
TITLE_DATE = datetime.date(2026, 1, 5)
ALERTS = reverse("supervisor-alerts")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

pytestmark = pytest.mark.django_db


def march(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, 10, tzinfo=SHANGHAI)


def file_case(court, clerk, n: int, *, day: int, team=None, judge=None) -> Case:
    """File on 2026-03-<day> and give the case its team and judge (the scan copies them into the alert)."""
    with time_machine.travel(march(day), tick=False):
        case = intake.file_case(
            actor=clerk, application=application(court, n, title_effective_date=TITLE_DATE)
        ).case
    Case.objects.filter(pk=case.pk).update(team=team, responsible_judge=judge)
    return case


def team(court, name: str, kind: str = "quick") -> Team:
    return Team.objects.create(court=court, kind=TeamKind.objects.get(code=kind), name=name)


@dataclass
class World:
    quick: Team
    ordinary: Team
    judge2: object
    three_days_late: Case  # judge, quick team
    one_day_late: Case  # judge2, ordinary team
    due_tomorrow: Case  # judge2, quick team
    other_courts: Case


@pytest.fixture
def now():
    with time_machine.travel(SCAN_AT, tick=False):
        yield SCAN_AT


@pytest.fixture
def world(now, court, other_court, clerk, judge, outsider) -> World:
    quick, ordinary = team(court, "速执一组"), team(court, "普执一组", "ordinary")
    judge2 = UserFactory(username="judge2", roles=["judge"], courts=[court])
    world = World(
        quick=quick,
        ordinary=ordinary,
        judge2=judge2,
        three_days_late=file_case(court, clerk, 1, day=2, team=quick, judge=judge),
        one_day_late=file_case(court, clerk, 2, day=4, team=ordinary, judge=judge2),
        due_tomorrow=file_case(court, clerk, 3, day=6, team=quick, judge=judge2),
        other_courts=file_case(other_court, outsider, 4, day=2),
    )
    scan_deadlines(now=SCAN_AT)
    return world


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def rows(response) -> list[str]:
    return [alert.case.number for alert in response.context["page"].object_list]


def alert_of(case: Case, level: str = Alert.Level.OVERDUE) -> Alert:
    return Alert.objects.get(case=case, level=level, node_type__code="assign_judge")


# --- The supervisor page ----------------------------------------------------------------------------------


def test_a_supervisor_sees_his_courts_alerts_the_most_overdue_first(supervisor_client, world):
    response = supervisor_client.get(ALERTS, **EN)
    assert response.status_code == 200
    assert rows(response) == [
        world.three_days_late.number,
        world.one_day_late.number,
        world.due_tomorrow.number,
    ]
    html = response.content.decode()
    assert "overdue by 3 days" in html and "overdue by 1 day" in html and "due in 1 day" in html
    assert reverse("case-detail", args=[world.three_days_late.pk]) in html


def test_a_deadline_that_went_from_nearing_to_overdue_is_listed_once(supervisor_client, court, clerk, now):
    case = file_case(court, clerk, 9, day=2)
    scan_deadlines(now=march(8))  # nearing: the last day is 9 March
    scan_deadlines(now=SCAN_AT)  # overdue
    # The scan resolved the nearing alert when it raised the overdue one.
    assert Alert.objects.filter(case=case, resolved_at__isnull=True).count() == 1
    listed = supervisor_client.get(ALERTS).context["page"].object_list
    assert [(a.case_id, a.level) for a in listed] == [(case.pk, Alert.Level.OVERDUE)]


def test_the_supervisor_filters_by_team(supervisor_client, world):
    response = supervisor_client.get(ALERTS, {"team": world.quick.pk})
    assert rows(response) == [world.three_days_late.number, world.due_tomorrow.number]


def test_the_supervisor_filters_by_judge(supervisor_client, world):
    response = supervisor_client.get(ALERTS, {"judge": world.judge2.pk})
    assert rows(response) == [world.one_day_late.number, world.due_tomorrow.number]


def test_the_supervisor_filters_by_level(supervisor_client, world):
    assert rows(supervisor_client.get(ALERTS, {"level": "nearing"})) == [world.due_tomorrow.number]
    assert len(rows(supervisor_client.get(ALERTS, {"level": "overdue"}))) == 2


def test_the_supervisor_filters_by_node_type(supervisor_client, court, clerk, now):
    case = file_case(court, clerk, 9, day=2)
    scan_deadlines(now=datetime.datetime(2026, 8, 20, 10, tzinfo=SHANGHAI))  # the case limit is near
    with time_machine.travel(datetime.datetime(2026, 8, 20, 10, tzinfo=SHANGHAI), tick=False):
        response = supervisor_client.get(ALERTS, {"node": "case_limit"})
    assert [(a.case_id, a.node_type.code) for a in response.context["page"].object_list] == [
        (case.pk, "case_limit")
    ]
    assert len(supervisor_client.get(ALERTS).context["page"].object_list) == 2


def test_a_filter_value_from_another_court_is_refused_and_filters_nothing(
    supervisor_client, world, other_court
):
    foreign = team(other_court, "外院团队")
    response = supervisor_client.get(ALERTS, {"team": foreign.pk})
    assert response.context["form"].errors["team"]
    assert len(rows(response)) == 3


def test_acknowledged_alerts_can_be_hidden(supervisor_client, supervisor, world):
    acknowledge_alert(actor=supervisor, alert=alert_of(world.three_days_late), comment="已督促")
    response = supervisor_client.get(ALERTS, {"open_only": "on"})
    assert rows(response) == [world.one_day_late.number, world.due_tomorrow.number]


def test_the_page_counts_alerts_per_team_and_per_judge(supervisor_client, world, judge):
    response = supervisor_client.get(ALERTS)
    (_, teams, _), (_, judges, _) = response.context["count_tables"]
    assert {(c.pk, c.total, c.overdue) for c in teams} == {(world.quick.pk, 2, 1), (world.ordinary.pk, 1, 1)}
    assert {(c.pk, c.total, c.overdue) for c in judges} == {(judge.pk, 1, 1), (world.judge2.pk, 2, 1)}
    assert {c.name for c in teams} == {"速执一组", "普执一组"}


def test_alerts_without_a_team_or_judge_are_counted_apart(supervisor_client, court, clerk, now):
    file_case(court, clerk, 9, day=2)
    scan_deadlines(now=SCAN_AT)
    (_, teams, _), (_, judges, _) = supervisor_client.get(ALERTS, **EN).context["count_tables"]
    assert [(c.pk, c.name, c.total) for c in teams] == [(None, "No team", 1)]
    assert [(c.pk, c.name, c.total) for c in judges] == [(None, "No responsible judge", 1)]


def test_a_supervisor_of_another_court_sees_none_of_these_alerts_and_cannot_acknowledge(
    client, world, other_court
):
    other = UserFactory(username="other-supervisor", roles=["supervisor"], courts=[other_court])
    client.force_login(other)
    assert rows(client.get(ALERTS)) == [world.other_courts.number]
    alert = alert_of(world.three_days_late)
    response = client.post(reverse("alert-acknowledge", args=[alert.pk]), {"comment": "看看"})
    assert response.status_code == 404
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


@pytest.mark.parametrize("persona", ["judge", "clerk", "finance", "stranger"])
def test_only_supervisors_presidents_and_team_leads_reach_the_alert_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(ALERTS).status_code == 403


@pytest.mark.parametrize("role", ["president", "team_lead"])
def test_presidents_and_team_leads_reach_the_alert_page(client, court, world, role):
    client.force_login(UserFactory(username=role, roles=[role], courts=[court]))
    assert len(rows(client.get(ALERTS))) == 3


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(ALERTS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_pages_fifty_alerts_at_a_time(supervisor_client, court, clerk, now):
    for n in range(52):
        file_case(court, clerk, 100 + n, day=2)
    scan_deadlines(now=SCAN_AT)
    assert len(rows(supervisor_client.get(ALERTS))) == 50
    assert len(rows(supervisor_client.get(ALERTS, {"page": 2}))) == 2


def test_the_number_of_queries_does_not_grow_with_the_number_of_alerts(
    supervisor_client, court, clerk, judge, now, django_assert_max_num_queries
):
    quick = team(court, "速执一组")

    def file_and_count(first: int, count: int) -> int:
        for n in range(first, first + count):
            file_case(court, clerk, n, day=2 + n % 4, team=quick, judge=judge)
        scan_deadlines(now=SCAN_AT)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(14):
            response = supervisor_client.get(ALERTS)
        assert response.status_code == 200
        return len(queries)

    with_five = file_and_count(1, 5)
    with_forty = file_and_count(6, 35)
    assert Alert.objects.count() == 40
    assert with_forty == with_five


# --- Acknowledging ----------------------------------------------------------------------------------------


def test_acknowledging_records_who_when_and_the_comment(supervisor_client, supervisor, world, now):
    alert = alert_of(world.three_days_late)
    response = supervisor_client.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"comment": "已电话督促承办法官", "next": ALERTS}
    )
    assert response.status_code == 302 and response["Location"] == ALERTS
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor
    assert alert.acknowledged_at == now
    assert alert.acknowledgement == "已电话督促承办法官"


def test_acknowledging_with_htmx_answers_the_row_only(supervisor_client, world):
    alert = alert_of(world.three_days_late)
    response = supervisor_client.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"comment": "已督促"}, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<tr id="alert-{alert.pk}"') and "<html" not in html
    assert "Acknowledged" in html and "已督促" in html and "hx-post" not in html
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is not None


def test_the_page_offers_the_htmx_form_with_a_plain_post_fallback(supervisor_client, world):
    alert = alert_of(world.three_days_late)
    html = supervisor_client.get(ALERTS).content.decode()
    url = reverse("alert-acknowledge", args=[alert.pk])
    assert f'action="{url}"' in html and f'hx-post="{url}"' in html
    assert f'hx-target="#alert-{alert.pk}"' in html and 'hx-swap="outerHTML"' in html


def test_a_comment_is_required(supervisor_client, world):
    alert = alert_of(world.three_days_late)
    url = reverse("alert-acknowledge", args=[alert.pk])
    row = supervisor_client.post(url, {"comment": "   "}, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "a comment is required" in row and "hx-post" in row
    page = supervisor_client.post(url, {"comment": ""}, follow=True, **EN).content.decode()
    assert "a comment is required" in page
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_acknowledging_twice_is_refused(supervisor_client, supervisor, world):
    alert = alert_of(world.three_days_late)
    acknowledge_alert(actor=supervisor, alert=alert, comment="第一次")
    with pytest.raises(ValidationError):
        acknowledge_alert(actor=supervisor, alert=alert, comment="第二次")
    supervisor_client.post(reverse("alert-acknowledge", args=[alert.pk]), {"comment": "第二次"})
    assert Alert.objects.get(pk=alert.pk).acknowledgement == "第一次"


def test_an_alert_whose_deadline_was_met_meanwhile_is_not_acknowledged(supervisor, world):
    alert = alert_of(world.three_days_late)
    Alert.objects.filter(pk=alert.pk).update(resolved_at=SCAN_AT)
    with pytest.raises(ValidationError):
        acknowledge_alert(actor=supervisor, alert=alert, comment="晚了")


def test_a_judge_may_not_acknowledge_even_his_own_alert(client, judge, world):
    alert = alert_of(world.three_days_late)
    with pytest.raises(PermissionDenied):
        acknowledge_alert(actor=judge, alert=alert, comment="我自己确认")
    client.force_login(judge)
    assert client.post(reverse("alert-acknowledge", args=[alert.pk]), {"comment": "x"}).status_code == 403
    assert client.get(reverse("alert-acknowledge", args=[alert.pk])).status_code == 405


def test_a_plain_post_never_redirects_off_the_site(supervisor_client, world):
    alert = alert_of(world.three_days_late)
    response = supervisor_client.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"comment": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == ALERTS


# --- The judge's home page --------------------------------------------------------------------------------


def test_a_judge_sees_his_own_alerts_on_his_home_page_and_not_others(client, judge, world):
    client.force_login(judge)
    response = client.get(reverse("home"))
    assert [a.case_id for a in response.context["my_alerts"]] == [world.three_days_late.pk]
    section = response.content.decode().split('id="my-alerts"')[1].split("</section>")[0]
    assert world.three_days_late.number in section
    assert world.one_day_late.number not in section and world.due_tomorrow.number not in section


def test_a_team_lead_also_sees_his_teams_alerts(client, court, world):
    lead = UserFactory(username="lead", roles=["team_lead"], courts=[court])
    TeamMembership.objects.create(team=world.quick, user=lead, role=TeamMembership.Role.LEAD)
    client.force_login(lead)
    cases = [a.case_id for a in client.get(reverse("home")).context["my_alerts"]]
    assert cases == [world.three_days_late.pk, world.due_tomorrow.pk]


def test_a_judge_without_alerts_sees_an_empty_state(client, judge, now):
    client.force_login(judge)
    html = client.get(reverse("home"), **EN).content.decode()
    assert "No alerts: every deadline of your cases is on time." in html


def test_a_clerk_has_no_alert_section(client, clerk, world):
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.context["my_alerts"] == []
    assert 'id="my-alerts"' not in response.content.decode()


# --- The calendar warning ---------------------------------------------------------------------------------


def test_supervisors_are_warned_from_1_november_when_next_year_is_missing(supervisor_client):
    CalendarYear.objects.filter(year=2027).delete()
    with time_machine.travel(datetime.datetime(2026, 11, 1, 8, tzinfo=SHANGHAI), tick=False):
        response = supervisor_client.get(ALERTS, **EN)
    assert response.context["calendar_year"] == 2027
    assert 'id="calendar-warning"' in response.content.decode()
    assert "The holidays of 2027 are not loaded." in response.content.decode()


def test_there_is_no_warning_on_31_october(supervisor_client):
    CalendarYear.objects.filter(year=2027).delete()
    with time_machine.travel(datetime.datetime(2026, 10, 31, 23, tzinfo=SHANGHAI), tick=False):
        response = supervisor_client.get(ALERTS)
    assert 'id="calendar-warning"' not in response.content.decode()


def test_there_is_no_warning_once_next_year_is_loaded(supervisor_client):
    CalendarYear.objects.get_or_create(year=2027, defaults={"source": CalendarYear.Source.NOTICE})
    with time_machine.travel(datetime.datetime(2026, 11, 1, 8, tzinfo=SHANGHAI), tick=False):
        response = supervisor_client.get(ALERTS)
    assert 'id="calendar-warning"' not in response.content.decode()


def test_the_warning_runs_to_the_last_day_of_the_year():
    CalendarYear.objects.filter(year=2027).delete()
    assert calendar_warning(datetime.date(2026, 12, 31)) == 2027
    assert calendar_warning(datetime.date(2027, 1, 1)) is None


# --- The inbox --------------------------------------------------------------------------------------------


def inbox_item(user, title: str, *, minutes: int = 0, url: str = "/") -> InboxItem:
    created = SCAN_AT + datetime.timedelta(minutes=minutes)
    return InboxItem.objects.create(user=user, title=title, url=url, created_at=created)


def test_the_inbox_lists_the_users_items_newest_first_with_unread_ones_bold(
    supervisor_client, supervisor, judge
):
    inbox_item(supervisor, "旧消息", minutes=1)
    inbox_item(supervisor, "新消息", minutes=2)
    inbox_item(judge, "别人的消息")
    response = supervisor_client.get(reverse("inbox"))
    assert [i.title for i in response.context["page"].object_list] == ["新消息", "旧消息"]
    html = response.content.decode()
    assert "别人的消息" not in html
    assert html.count('class="unread"') == 2


def test_the_unread_count_is_in_the_header(supervisor_client, supervisor):
    inbox_item(supervisor, "一", minutes=1)
    inbox_item(supervisor, "二", minutes=2)
    response = supervisor_client.get(reverse("home"))
    assert response.context["unread_inbox"] == 2
    assert '<span class="badge unread-count"' in response.content.decode()


def test_opening_an_item_marks_it_read_and_follows_its_link(supervisor_client, supervisor, court, clerk):
    case = intake.file_case(
        actor=clerk, application=application(court, 1, title_effective_date=TITLE_DATE)
    ).case
    item = inbox_item(supervisor, "期限预警", url=reverse("case-detail", args=[case.pk]))
    response = supervisor_client.get(reverse("inbox-item", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("case-detail", args=[case.pk])
    item.refresh_from_db()
    assert item.read_at is not None
    assert supervisor_client.get(reverse("home")).context["unread_inbox"] == 0


def test_an_item_linking_off_the_site_opens_the_inbox_instead(supervisor_client, supervisor):
    item = inbox_item(supervisor, "外链", url="https://evil.example/")
    assert supervisor_client.get(reverse("inbox-item", args=[item.pk]))["Location"] == reverse("inbox")


def test_nobody_opens_another_users_item(supervisor_client, judge):
    item = inbox_item(judge, "别人的消息")
    assert supervisor_client.get(reverse("inbox-item", args=[item.pk])).status_code == 404
    assert InboxItem.objects.get(pk=item.pk).read_at is None


def test_mark_all_read_reads_only_the_users_items(supervisor_client, supervisor, judge):
    inbox_item(supervisor, "一")
    inbox_item(supervisor, "二")
    other = inbox_item(judge, "别人的消息")
    response = supervisor_client.post(reverse("inbox-read-all"))
    assert response.status_code == 302
    assert not InboxItem.objects.filter(user=supervisor, read_at__isnull=True).exists()
    assert InboxItem.objects.get(pk=other.pk).read_at is None


def test_every_signed_in_user_has_an_inbox(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("inbox"), **EN).content.decode()
    assert "No messages." in html
    assert reverse("inbox") in html and reverse("supervisor-alerts") not in html


def test_the_alerts_link_is_shown_to_supervisors(supervisor_client):
    assert reverse("supervisor-alerts") in supervisor_client.get(reverse("home")).content.decode()


def test_the_selector_gives_nothing_to_a_judge(judge, world):
    assert not alerts_for_supervisor(judge).exists()
