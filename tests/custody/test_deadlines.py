"""The expiry clocks of property measures and the detention's 24-hour notice clock, through the real
deadline scan: the nearing alert raised once 30 days ahead to the judge and the team lead, resolved by a
renewal; the overdue alert and the lapse of a measure left unrenewed; the family notice flagged when late.

Time is frozen with time-machine and moved to the due and warning times the engine computed.
"""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from custody import services
from custody.models import Detention, Measure
from enforcement import notify
from enforcement.models import Alert, CaseEvent, Deadline, OutboxMessage
from enforcement.scan import scan_deadlines
from tests.custody.test_services import (
    START,
    TODAY,
    D,
    approve,
    at,
    file_assigned,
    make_teams,
    propose,
    take,
    term_clock,
)

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are checked in English (the interface defaults to Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(clock, court, clerk, team_lead, judge):
    make_teams(court, judge, team_lead)
    return file_assigned(court, clerk, team_lead, judge)


@pytest.fixture
def measure(case, judge) -> Measure:
    """A freeze of six months from 2 March: last day 2 September, warned from 4 August."""
    taken = take(judge, case, term_months=6)
    assert taken.expires_on == D(2026, 9, 2)
    return taken


def alerts_of(deadline: Deadline, level: str | None = None) -> list[Alert]:
    found = Alert.objects.filter(deadline=deadline)
    return list(found.filter(level=level) if level else found)


def scan_at(clock: time_machine.Traveller, when: datetime.datetime) -> None:
    clock.move_to(when)
    scan_deadlines()


class TestExpiryAlerts:
    def test_the_nearing_alert_is_raised_once_thirty_days_ahead(self, clock, measure):
        deadline = term_clock(measure)
        assert deadline.warn_at == at(2026, 8, 4, 0)
        scan_at(clock, deadline.warn_at - SECOND)
        assert alerts_of(deadline) == []
        scan_at(clock, deadline.warn_at)
        scan_at(clock, deadline.warn_at + datetime.timedelta(hours=3))
        [alert] = alerts_of(deadline)
        assert alert.level == Alert.Level.NEARING and alert.resolved_at is None
        assert alert.due_at == deadline.due_at
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.NEARING
        assert OutboxMessage.objects.filter(alert=alert).count() == len(OutboxMessage.Channel.values)

    def test_the_alert_goes_to_the_responsible_judge_and_the_team_lead(
        self, clock, measure, judge, team_lead, supervisor
    ):
        deadline = term_clock(measure)
        scan_at(clock, deadline.warn_at)
        [alert] = alerts_of(deadline)
        users = notify.recipients_for(alert).users
        assert sorted(u.pk for u in users) == sorted([judge.pk, team_lead.pk])
        assert supervisor.pk not in {u.pk for u in users}

    def test_a_renewal_meets_the_clock_and_resolves_its_alert(self, clock, measure, judge):
        deadline = term_clock(measure)
        scan_at(clock, deadline.warn_at + datetime.timedelta(days=10))
        [alert] = alerts_of(deadline)
        term = services.renew_measure(actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之二")
        deadline.refresh_from_db()
        alert.refresh_from_db()
        assert deadline.status == Deadline.Status.MET
        assert alert.resolved_at is not None
        renewed = term_clock(measure)
        assert renewed.pk == term.deadline_id and renewed.due_date == D(2027, 9, 2)
        # The old term's end passes quietly; the new clock warns in its own time.
        scan_at(clock, deadline.due_at + datetime.timedelta(days=1))
        assert alerts_of(deadline) == [alert]
        assert alerts_of(renewed) == []
        scan_at(clock, renewed.warn_at)
        assert [a.level for a in alerts_of(renewed)] == [Alert.Level.NEARING]
        assert services.flag_lapsed_measures(today=D(2026, 9, 10)) == 0

    def test_an_unrenewed_measure_is_overdue_once_and_lapses_once(self, clock, measure, judge):
        deadline = term_clock(measure)
        scan_at(clock, deadline.warn_at)
        scan_at(clock, deadline.due_at - SECOND)
        assert alerts_of(deadline, Alert.Level.OVERDUE) == []
        assert services.flag_lapsed_measures() == 0  # 2 September: still its last day
        scan_at(clock, deadline.due_at)
        scan_at(clock, deadline.due_at + datetime.timedelta(hours=5))
        [overdue] = alerts_of(deadline, Alert.Level.OVERDUE)
        assert overdue.resolved_at is None
        [nearing] = alerts_of(deadline, Alert.Level.NEARING)
        assert nearing.resolved_at is not None  # superseded by the overdue one
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.OVERDUE

        assert services.flag_lapsed_measures() == 1
        assert services.flag_lapsed_measures() == 0
        measure.refresh_from_db()
        assert measure.status == Measure.Status.LAPSED
        assert measure.history.filter(status=Measure.Status.LAPSED).count() == 1
        [event] = CaseEvent.objects.filter(case=measure.case, kind=CaseEvent.Kind.MEASURE_LAPSED)
        assert not event.public and event.actor is None
        assert "2026-09-02" in event.detail

        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=measure, ruling_number="之二")
        assert measure.terms.count() == 1
        released = services.release_measure(
            actor=judge, measure=measure, released_on=D(2026, 9, 3), reason="期限届满未续行，解除登记"
        )
        assert released.status == Measure.Status.RELEASED
        deadline.refresh_from_db()
        overdue.refresh_from_db()
        # The missed clock is stopped, not counted as met.
        assert deadline.status == Deadline.Status.CANCELLED
        assert overdue.resolved_at is not None
        assert services.flag_lapsed_measures(today=D(2026, 12, 1)) == 0

    def test_a_measure_past_its_term_cannot_be_renewed_even_before_it_is_flagged(self, clock, measure, judge):
        clock.move_to(at(2026, 9, 3, 8))
        measure.refresh_from_db()
        assert measure.status == Measure.Status.IN_FORCE
        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=measure, ruling_number="之二")

    def test_only_measures_past_their_last_day_lapse(self, clock, case, judge):
        ending = take(judge, case, effective_on=D(2026, 2, 14), term_months=1)  # last day 14 March
        later = take(judge, case, term_months=1)  # last day 2 April
        released = take(judge, case, effective_on=D(2026, 2, 14), term_months=1)
        services.release_measure(actor=judge, measure=released, released_on=TODAY, reason="提供担保")
        deduction = take(judge, case, "deduct_deposit")
        assert services.flag_lapsed_measures(today=D(2026, 3, 14)) == 0
        assert services.flag_lapsed_measures(today=D(2026, 3, 15)) == 1
        statuses = {m.pk: m.status for m in Measure.objects.all()}
        assert statuses == {
            ending.pk: Measure.Status.LAPSED,
            later.pk: Measure.Status.IN_FORCE,
            released.pk: Measure.Status.RELEASED,
            deduction.pk: Measure.Status.IN_FORCE,
        }

    def test_the_celery_task_flags_as_the_service_does(self, clock, case, judge):
        from custody import tasks

        take(judge, case, effective_on=D(2026, 2, 14), term_months=1)
        clock.move_to(at(2026, 3, 15, 1))
        assert tasks.flag_lapsed_measures() == 1
        assert tasks.flag_lapsed_measures() == 0


class TestFamilyNoticeClock:
    @pytest.fixture
    def detention(self, clock, case, judge, president) -> Detention:
        return approve(president, propose(judge, case, days=10))

    def notice_clock(self, detention: Detention) -> Deadline:
        return Deadline.objects.get(case=detention.case, node_type__code="detention_family_notice")

    def test_the_clock_is_due_24_hours_after_custody_began(self, detention):
        deadline = self.notice_clock(detention)
        assert detention.started_at == START
        assert deadline.due_at == START + datetime.timedelta(hours=24)
        assert deadline.anchor_at == START
        assert [step["code"] for step in deadline.explanation] == ["hours"]
        assert deadline.explanation[0]["hours"] == 24

    def test_a_family_not_told_within_24_hours_is_flagged_overdue_once(self, clock, detention, judge):
        deadline = self.notice_clock(detention)
        scan_at(clock, START + datetime.timedelta(hours=24) - SECOND)
        assert alerts_of(deadline) == []  # no warning ahead of a 24-hour limit, and not late yet
        scan_at(clock, START + datetime.timedelta(hours=25))
        scan_at(clock, START + datetime.timedelta(hours=26))
        [alert] = alerts_of(deadline)
        assert alert.level == Alert.Level.OVERDUE and alert.resolved_at is None
        assert judge.pk in {u.pk for u in notify.recipients_for(alert).users}

        told = services.record_family_notice(
            actor=judge,
            detention=detention,
            notified_at=START + datetime.timedelta(hours=25),
            notice="电话告知其子",
        )
        assert told.family_notified_at == START + datetime.timedelta(hours=25)
        deadline.refresh_from_db()
        alert.refresh_from_db()
        assert deadline.status == Deadline.Status.MET
        assert alert.resolved_at is not None
        event = CaseEvent.objects.get(case=detention.case, kind=CaseEvent.Kind.DETENTION_FAMILY_NOTIFIED)
        assert event.data["late"] is True

    def test_a_family_told_in_time_raises_nothing(self, clock, detention, judge):
        clock.move_to(START + datetime.timedelta(hours=23))
        services.record_family_notice(
            actor=judge,
            detention=detention,
            notified_at=START + datetime.timedelta(hours=22),
            notice="当面告知",
        )
        scan_at(clock, START + datetime.timedelta(hours=48))
        assert alerts_of(self.notice_clock(detention)) == []
        event = CaseEvent.objects.get(case=detention.case, kind=CaseEvent.Kind.DETENTION_FAMILY_NOTIFIED)
        assert event.data["late"] is False


class TestAfterTheCaseCloses:
    """终结本次执行 closes the case and keeps its freezes: their clocks run on and they are renewed."""

    def test_closing_the_case_keeps_the_measure_clock_and_the_renewal(
        self, clock, case, measure, judge, supervisor
    ):
        from tests.closing import meet_terminate_round_conditions, terminate_round

        deadline = term_clock(measure)
        meet_terminate_round_conditions(case, judge)
        clock.move_to(at(2026, 6, 3))  # 终本 needs more than 3 months since filing (on 2 March)
        terminate_round(case, judge, supervisor)
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.OPEN
        # The 终本 pool's re-searches run on too (tests/assignment/test_pool.py); every other clock stopped.
        others = (
            Deadline.objects.filter(case=case)
            .exclude(pk=deadline.pk)
            .exclude(node_type__code="pool_research")
        )
        assert others.exists() and not others.filter(status__in=Deadline.ACTIVE).exists()

        scan_at(clock, deadline.warn_at + SECOND)
        assert len(alerts_of(deadline, Alert.Level.NEARING)) == 1
        term = services.renew_measure(actor=judge, measure=measure, ruling_number="（2026）蒙0302执恢1号")
        assert term.number == 2
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.MET
        with pytest.raises(ValidationError):  # a new measure needs an open case
            take(judge, case, term_months=3)
