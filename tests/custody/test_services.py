"""Custody services on a real database: terms and their arithmetic, online searches and their replies,
deductions' money, the complex-case guard, detention and fines with the president's approval, who may do
each write, and what the public timeline shows.

Cases are filed through intake and assigned through assignment (so they have a team, a responsible judge
and the online-search clock); time is frozen with time-machine.
"""

import datetime
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import translation

from assignment import services as assignment
from assignment.models import CasePlan
from custody import services
from custody.models import (
    DeductionReceipt,
    Detention,
    Fine,
    FoundAsset,
    Measure,
    MeasureTerm,
    PropertySearch,
)
from enforcement.duedates import Budget, compute_due_date, describe
from enforcement.models import Case, CaseEvent, Court, Deadline, NodeType, Team, TeamKind, TeamMembership
from enforcement.services.deadlines import local_midnight, node_type_for
from enforcement.workcalendar import WorkingCalendar
from intake import services as intake
from payments import services as payments
from payments.models import LedgerEntry
from tests.factories import CaseFactory, CourtAccountFactory, UserFactory, resident_id
from tests.intake.test_case_numbers import application
from tests.money import pay_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
START = datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)  # a Monday; cases are filed then
TODAY = START.date()
MAXIMA = {"freeze_deposit": 12, "seize_movable": 24, "seal_real_estate": 36, "freeze_right": 36}
ACCOUNT_NUMBER = "6222020000001234567"
_numbers = itertools.count(8100)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- Building blocks (test_custody_deadlines imports them) -----------------------------------------------


def make_teams(court: Court, judge: User, lead: User) -> tuple[Team, Team]:
    """The quick team (judge and lead) and the ordinary team; both streams need a team to assign."""
    quick = Team.objects.create(court=court, kind=TeamKind.objects.get(code="quick"), name="速执团队")
    TeamMembership.objects.create(team=quick, user=judge, role=TeamMembership.Role.JUDGE)
    TeamMembership.objects.create(team=quick, user=lead, role=TeamMembership.Role.LEAD)
    ordinary = Team.objects.create(court=court, kind=TeamKind.objects.get(code="ordinary"), name="普执团队")
    return quick, ordinary


def file_assigned(
    court: Court, clerk: User, assigner: User, judge: User, *, complex_stream: bool = False
) -> Case:
    """A case filed now (with its account), triaged and assigned by hand to ``judge``.

    A claim of 1,000 yuan is triaged simple; 90,000 yuan fits no rule and goes to the complex stream."""
    CourtAccountFactory(court=court)
    claim = Decimal("90000.00") if complex_stream else Decimal("1000.00")
    filed = intake.file_case(
        actor=clerk,
        application=application(
            court, next(_numbers), claim_amount=claim, title_effective_date=D(2025, 12, 1)
        ),
    )
    assignment.assign_case(actor=assigner, case=filed.case, judge=judge)
    case = Case.objects.get(pk=filed.case.pk)
    assert case.stream == (Case.Stream.COMPLEX if complex_stream else Case.Stream.SIMPLE)
    assert case.responsible_judge_id == judge.pk
    return case


HOLDERS = {
    "freeze_deposit": ("bank", "中国工商银行乌海分行", "银行存款"),
    "deduct_deposit": ("bank", "中国工商银行乌海分行", "银行存款"),
    "seize_movable": ("court", "本院", "小型轿车一辆"),
    "seal_real_estate": ("registry", "乌海市不动产登记中心", "海勃湾区住宅一套"),
    "freeze_right": ("registry", "乌海市市场监督管理局", "某公司30%股权"),
}


def measure_input(kind: str = "freeze_deposit", **overrides: Any) -> services.MeasureInput:
    holder_kind, holder, asset = HOLDERS.get(kind, HOLDERS["freeze_deposit"])
    fields: dict[str, Any] = {
        "kind": kind,
        "asset": asset,
        "holder_kind": holder_kind,
        "holder": holder,
        "ruling_number": "（2026）蒙0302执100号之一",
        "effective_on": TODAY,
    }
    if kind in ("freeze_deposit", "deduct_deposit"):
        fields |= {"amount": Decimal("50000.00"), "asset_reference": ACCOUNT_NUMBER}
    fields.update(overrides)
    return services.MeasureInput(**fields)


def take(actor: User, case: Case, kind: str = "freeze_deposit", **overrides: Any) -> Measure:
    return services.take_measure(actor=actor, case=case, data=measure_input(kind, **overrides))


def person(**overrides: Any) -> services.PersonInput:
    fields: dict[str, Any] = {
        "name": "王某",
        "reason": "拒不配合查封，阻挠执行人员",
        "decision_number": "（2026）蒙0302司惩1号",
        "id_number": resident_id(4242),
    }
    fields.update(overrides)
    return services.PersonInput(**fields)


def term_clock(measure: Measure, number: int | None = None) -> Deadline:
    terms = measure.terms.order_by("number")
    term = terms.get(number=number) if number is not None else terms.last()
    assert term is not None
    return Deadline.objects.get(pk=term.deadline_id)


def english(deadline: Deadline) -> str:
    with translation.override("en"):
        return " ".join(describe(step) for step in deadline.explanation)


def codes(deadline: Deadline) -> list[str]:
    return [step["code"] for step in deadline.explanation]


# --- Fixtures -----------------------------------------------------------------------------------------------


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
def teams(court, judge, team_lead):
    return make_teams(court, judge, team_lead)


@pytest.fixture
def assistant(court, teams):
    user = UserFactory(username="assistant", roles=["assistant"], courts=[court])
    TeamMembership.objects.create(team=teams[0], user=user, role=TeamMembership.Role.ASSISTANT)
    return user


@pytest.fixture
def other_judge(court, teams):
    """A judge of the court's other team."""
    user = UserFactory(username="other-judge", roles=["judge"], courts=[court])
    TeamMembership.objects.create(team=teams[1], user=user, role=TeamMembership.Role.JUDGE)
    return user


@pytest.fixture
def colleague(court, teams):
    """Another judge of the case's team (not the responsible one)."""
    user = UserFactory(username="colleague", roles=["judge"], courts=[court])
    TeamMembership.objects.create(team=teams[0], user=user, role=TeamMembership.Role.JUDGE)
    return user


@pytest.fixture
def case(clock, court, clerk, team_lead, judge, teams):
    return file_assigned(court, clerk, team_lead, judge)


@pytest.fixture
def complex_case(clock, court, clerk, team_lead, judge, teams):
    return file_assigned(court, clerk, team_lead, judge, complex_stream=True)


# --- Terms --------------------------------------------------------------------------------------------------


class TestTerms:
    def test_a_freeze_of_thirteen_months_is_refused_and_nothing_is_written(self, case, judge):
        with pytest.raises(ValidationError) as refused:
            take(judge, case, term_months=13)
        assert "term_months" in refused.value.message_dict
        assert "12" in refused.value.message_dict["term_months"][0]
        assert not Measure.objects.exists()
        assert not Deadline.objects.filter(node_type__code="measure_freeze_deposit").exists()

    @pytest.mark.parametrize(
        ("months", "ends_on"), [(12, D(2027, 3, 2)), (6, D(2026, 9, 2)), (1, D(2026, 4, 2))]
    )
    def test_a_term_up_to_the_maximum_is_accepted(self, case, judge, months, ends_on):
        measure = take(judge, case, term_months=months)
        term = measure.terms.get()
        assert (term.number, term.months, term.starts_after, term.ends_on) == (1, months, TODAY, ends_on)
        assert measure.expires_on == ends_on
        assert Deadline.objects.get(pk=term.deadline_id).budget == months

    def test_a_term_of_zero_months_is_refused(self, case, judge):
        with pytest.raises(ValidationError):
            take(judge, case, term_months=0)
        assert not Measure.objects.exists()

    @pytest.mark.parametrize(("kind", "maximum"), sorted(MAXIMA.items()))
    def test_each_kind_has_its_legal_maximum_and_defaults_to_it(self, case, judge, kind, maximum):
        assert services.max_term_months(case, kind) == maximum
        measure = take(judge, case, kind)
        term = measure.terms.get()
        assert term.months == maximum
        assert term.ends_on == TODAY + relativedelta(months=maximum)
        with pytest.raises(ValidationError):
            take(judge, case, kind, term_months=maximum + 1)

    def test_a_deduction_has_no_maximum_no_term_and_no_clock(self, case, judge):
        assert services.max_term_months(case, "deduct_deposit") is None
        before = Deadline.objects.filter(case=case).count()
        measure = take(judge, case, "deduct_deposit")
        assert measure.expires_on is None
        assert not measure.terms.exists()
        assert Deadline.objects.filter(case=case).count() == before
        assert services.running_expiry(measure) is None

    def test_a_deduction_with_a_term_is_refused(self, case, judge):
        with pytest.raises(ValidationError) as refused:
            take(judge, case, "deduct_deposit", term_months=3)
        assert "term_months" in refused.value.message_dict
        assert not Measure.objects.exists()

    def test_a_courts_own_shorter_maximum_is_honoured(self, case, judge, other_court):
        own = node_type_for(case.court, "measure_freeze_deposit")
        own.pk, own.court, own.budget = None, case.court, 6
        own.save()
        assert node_type_for(case.court, "measure_freeze_deposit").pk == own.pk
        assert services.max_term_months(case, "freeze_deposit") == 6
        # Other courts keep the default.
        assert services.max_term_months(CaseFactory(court=other_court), "freeze_deposit") == 12
        with pytest.raises(ValidationError):
            take(judge, case, term_months=7)
        measure = take(judge, case)
        assert measure.terms.get().months == 6
        assert measure.expires_on == D(2026, 9, 2)
        assert term_clock(measure).node_type_id == own.pk

    def test_a_courts_maximum_not_counted_in_months_is_refused_not_a_crash(self, case, judge):
        own = node_type_for(case.court, "measure_seize_movable")
        own.pk, own.court, own.unit = None, case.court, NodeType.Unit.DAYS
        own.save()
        with pytest.raises(ValidationError):
            take(judge, case, "seize_movable")
        assert not Measure.objects.exists()
        assert take(judge, case).terms.get().months == 12  # the other kinds are untouched

    @pytest.mark.parametrize(
        ("field", "overrides"),
        [
            ("amount", {"amount": None}),
            ("amount", {"amount": Decimal("0.00")}),
            ("ruling_number", {"ruling_number": "  "}),
            ("asset", {"asset": ""}),
            ("holder", {"holder": " "}),
            ("preceded_by", {"rank": "after", "preceded_by": ""}),
            ("effective_on", {"effective_on": TODAY + datetime.timedelta(days=1)}),
            ("kind", {"kind": "auction"}),
            ("holder_kind", {"holder_kind": "pawnshop"}),
            ("rank", {"rank": "second"}),
        ],
    )
    def test_an_incomplete_measure_is_refused(self, case, judge, field, overrides):
        with pytest.raises(ValidationError) as refused:
            services.take_measure(actor=judge, case=case, data=measure_input(**overrides))
        assert field in refused.value.message_dict
        assert not Measure.objects.exists()

    def test_a_measure_after_another_courts_names_it(self, case, judge):
        measure = take(judge, case, rank="after", preceded_by="（2025）蒙0303执88号 海南区法院")
        assert (measure.rank, measure.preceded_by) == ("after", "（2025）蒙0303执88号 海南区法院")
        first = take(judge, case, rank="first", preceded_by="ignored")
        assert first.preceded_by == ""


# --- Arithmetic with frozen time ----------------------------------------------------------------------------


class TestArithmetic:
    def test_a_month_from_the_31st_of_january_ends_on_the_last_day_of_february(
        self, clock, court, clerk, team_lead, judge, teams
    ):
        clock.move_to(at(2026, 2, 2))
        case = file_assigned(court, clerk, team_lead, judge)
        measure = take(judge, case, effective_on=D(2026, 1, 31), term_months=1)
        deadline = term_clock(measure)
        assert measure.expires_on == D(2026, 2, 28)
        assert deadline.due_at == local_midnight(D(2026, 3, 1))
        months = next(step for step in deadline.explanation if step["code"] == "budget_months")
        assert months["month_end"] is True
        assert "its last day" in english(deadline)

    def test_a_term_ending_on_a_saturday_ends_on_that_saturday(self, case, judge, court):
        measure = take(judge, case, effective_on=D(2026, 2, 14), term_months=1)
        last = D(2026, 3, 14)
        assert last.weekday() == 5 and WorkingCalendar.for_court(court).is_rest_day(last)
        # A calendar-counted limit of the same length would have moved to Monday.
        rolled = compute_due_date(
            anchor=D(2026, 2, 14),
            budget=Budget(1, "months"),
            calendar=WorkingCalendar.for_court(court),
            today=TODAY,
        )
        assert rolled.last_day == D(2026, 3, 16)
        deadline = term_clock(measure)
        assert measure.expires_on == deadline.due_date == measure.terms.get().ends_on == last
        assert deadline.due_at == local_midnight(D(2026, 3, 15))
        assert "not_rolled" in codes(deadline) and "rolled" not in codes(deadline)
        assert {"code": "not_rolled", "date": "2026-03-14"}.items() <= next(
            s for s in deadline.explanation if s["code"] == "not_rolled"
        ).items()
        assert "2026-03-14 is a rest day; a term of a measure ends on it all the same." in english(deadline)

    def test_the_expiry_is_the_terms_last_day_and_the_clocks_due_date(self, case, judge):
        measure = take(judge, case, term_months=6)
        term = measure.terms.get()
        deadline = term_clock(measure)
        measure.refresh_from_db()
        assert measure.expires_on == term.ends_on == deadline.due_date == D(2026, 9, 2)
        assert deadline.node_type.code == "measure_freeze_deposit"
        assert (deadline.counting, deadline.unit, deadline.budget) == ("exact", "months", 6)
        assert deadline.anchor_at == local_midnight(TODAY)
        assert deadline.subject == measure
        assert deadline.warn_at == deadline.due_at - datetime.timedelta(days=30)
        assert services.running_expiry(measure) == deadline

    def test_a_renewal_runs_from_the_last_day_and_adds_the_months_chosen(self, case, judge):
        measure = take(judge, case, term_months=6)
        first = term_clock(measure)
        second = services.renew_measure(
            actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之二", months=4
        )
        assert (second.number, second.starts_after, second.months) == (2, D(2026, 9, 2), 4)
        assert second.ends_on == D(2027, 1, 2)
        assert second.ruling_number == "（2026）蒙0302执100号之二"
        measure.refresh_from_db()
        assert measure.expires_on == D(2027, 1, 2)
        first.refresh_from_db()
        assert first.status == Deadline.Status.MET
        renewed = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MEASURE_RENEWED).latest("pk")
        assert renewed.data["changes"] == {"expires_on": {"from": "2026-09-02", "to": "2027-01-02"}}
        running = Deadline.objects.get(pk=second.deadline_id)
        assert running.is_active and running.due_date == D(2027, 1, 2)
        assert running.anchor_at == local_midnight(D(2026, 9, 2))
        assert services.running_expiry(measure) == running

        third = services.renew_measure(
            actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之三"
        )
        assert (third.number, third.starts_after, third.months) == (3, D(2027, 1, 2), 12)
        assert third.ends_on == D(2028, 1, 2)
        assert list(measure.terms.values_list("number", flat=True)) == [1, 2, 3]
        active = Deadline.objects.filter(
            case=case, node_type__code="measure_freeze_deposit", status__in=Deadline.ACTIVE
        )
        assert list(active) == [Deadline.objects.get(pk=third.deadline_id)]
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MEASURE_RENEWED).count() == 2

    def test_a_renewal_over_the_maximum_is_refused(self, case, judge):
        measure = take(judge, case, term_months=6)
        with pytest.raises(ValidationError) as refused:
            services.renew_measure(actor=judge, measure=measure, ruling_number="之二", months=13)
        assert "months" in refused.value.message_dict
        assert measure.terms.count() == 1
        assert term_clock(measure).is_active

    def test_a_renewal_of_zero_months_is_refused(self, case, judge):
        measure = take(judge, case, term_months=6)
        with pytest.raises(ValidationError) as refused:
            services.renew_measure(actor=judge, measure=measure, ruling_number="之二", months=0)
        assert "months" in refused.value.message_dict
        assert measure.terms.count() == 1

    def test_the_same_ruling_does_not_renew_a_measure_twice(self, case, judge):
        measure = take(judge, case, term_months=6)
        services.renew_measure(actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之二")
        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=measure, ruling_number="（2026）蒙0302执100号之二")
        assert measure.terms.count() == 2

    def test_a_renewal_needs_its_ruling(self, case, judge):
        measure = take(judge, case)
        with pytest.raises(ValidationError) as refused:
            services.renew_measure(actor=judge, measure=measure, ruling_number=" ")
        assert "ruling_number" in refused.value.message_dict

    def test_a_measure_is_renewable_on_its_last_day_and_not_the_day_after(self, clock, case, judge):
        on_time = take(judge, case, effective_on=D(2026, 2, 14), term_months=1)
        late = take(judge, case, effective_on=D(2026, 2, 14), term_months=1)
        clock.move_to(at(2026, 3, 14, 23, 30))
        term = services.renew_measure(actor=judge, measure=on_time, ruling_number="之二", months=1)
        assert term.ends_on == D(2026, 4, 14)
        clock.move_to(at(2026, 3, 15, 0, 30))
        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=late, ruling_number="之二", months=1)
        assert late.terms.count() == 1
        late.refresh_from_db()
        assert late.expires_on == D(2026, 3, 14)

    def test_a_deduction_or_a_released_measure_cannot_be_renewed(self, case, judge):
        deduction = take(judge, case, "deduct_deposit")
        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=deduction, ruling_number="之二")
        released = take(judge, case)
        services.release_measure(actor=judge, measure=released, released_on=TODAY, reason="已提供担保")
        with pytest.raises(ValidationError):
            services.renew_measure(actor=judge, measure=released, ruling_number="之二")
        assert released.terms.count() == 1


class TestRelease:
    def test_a_release_stops_the_clock_and_needs_a_reason(self, case, judge):
        measure = take(judge, case)
        with pytest.raises(ValidationError) as refused:
            services.release_measure(actor=judge, measure=measure, released_on=TODAY, reason=" ")
        assert "reason" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.release_measure(
                actor=judge,
                measure=measure,
                released_on=TODAY + datetime.timedelta(days=1),
                reason="履行完毕",
            )
        with pytest.raises(ValidationError):
            services.release_measure(
                actor=judge,
                measure=measure,
                released_on=TODAY - datetime.timedelta(days=1),
                reason="履行完毕",
            )
        released = services.release_measure(
            actor=judge, measure=measure, released_on=TODAY, reason="履行完毕"
        )
        event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MEASURE_RELEASED).latest("pk")
        assert event.data["changes"] == {"status": {"from": "in_force", "to": "released"}}
        assert (released.status, released.released_on, released.release_reason) == (
            "released",
            TODAY,
            "履行完毕",
        )
        assert term_clock(measure).status == Deadline.Status.MET
        with pytest.raises(ValidationError):
            services.release_measure(actor=judge, measure=measure, released_on=TODAY, reason="again")


# --- Online searches ---------------------------------------------------------------------------------------


INSTITUTIONS = [
    services.Institution("bank", "中国工商银行"),
    services.Institution("real_estate", "乌海市不动产登记中心"),
]


def search(actor: User, case: Case, on: datetime.date = TODAY) -> PropertySearch:
    return services.request_search(actor=actor, case=case, requested_on=on, institutions=INSTITUTIONS)


def deadline_states(case: Case) -> dict[int, str]:
    return dict(Deadline.objects.filter(case=case).values_list("pk", "status"))


class TestSearches:
    def test_the_first_search_meets_the_online_search_clock_and_opens_none(self, case, judge):
        clock = Deadline.objects.get(case=case, node_type__code="online_search")
        assert clock.is_active
        before = deadline_states(case)
        found = search(judge, case)
        clock.refresh_from_db()
        assert clock.status == Deadline.Status.MET and clock.closed_by_id == judge.pk
        after = deadline_states(case)
        assert after.keys() == before.keys()
        assert {pk for pk in after if after[pk] != before[pk]} == {clock.pk}
        assert list(found.inquiries.values_list("institution", "reply")) == [
            ("中国工商银行", "pending"),
            ("乌海市不动产登记中心", "pending"),
        ]
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.ONLINE_SEARCH_STARTED)
        assert not event.public

    def test_a_second_search_meets_nothing_more(self, case, judge):
        search(judge, case)
        before = deadline_states(case)
        search(judge, case)
        assert deadline_states(case) == before
        assert PropertySearch.objects.filter(case=case).count() == 2

    @pytest.mark.parametrize(
        ("on", "institutions"),
        [
            (TODAY + datetime.timedelta(days=1), INSTITUTIONS),  # the future
            (TODAY - datetime.timedelta(days=1), INSTITUTIONS),  # before the case was filed
            (TODAY, []),
            (TODAY, [services.Institution("bank", "  ")]),
            (TODAY, [services.Institution("bank", "工行"), services.Institution("bank", "工行")]),
            (TODAY, [services.Institution("casino", "某赌场")]),
            (TODAY, [services.Institution("bank", "行" * 101)]),
        ],
    )
    def test_a_search_that_makes_no_sense_is_refused(self, case, judge, on, institutions):
        with pytest.raises(ValidationError):
            services.request_search(actor=judge, case=case, requested_on=on, institutions=institutions)
        assert not PropertySearch.objects.exists()
        assert Deadline.objects.get(case=case, node_type__code="online_search").is_active

    def test_a_reply_is_recorded_once(self, case, judge):
        inquiry = search(judge, case).inquiries.first()
        replied = services.record_reply(actor=judge, inquiry=inquiry, replied_on=TODAY, note=" 无存款 ")
        assert (replied.reply, replied.replied_on, replied.reply_note) == ("nothing", TODAY, "无存款")
        with pytest.raises(ValidationError):
            services.record_reply(actor=judge, inquiry=inquiry, replied_on=TODAY)
        inquiry.refresh_from_db()
        assert inquiry.reply_note == "无存款"
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ONLINE_SEARCH_REPLY).count() == 1

    def test_a_reply_before_the_request_or_in_the_future_is_refused(self, clock, case, judge):
        clock.move_to(at(2026, 3, 10))
        inquiry = search(judge, case, on=D(2026, 3, 5)).inquiries.first()
        for day in (D(2026, 3, 4), D(2026, 3, 11)):
            with pytest.raises(ValidationError) as refused:
                services.record_reply(actor=judge, inquiry=inquiry, replied_on=day)
            assert "replied_on" in refused.value.message_dict
        inquiry.refresh_from_db()
        assert inquiry.reply == "pending"
        assert (
            services.record_reply(actor=judge, inquiry=inquiry, replied_on=D(2026, 3, 5)).reply == "nothing"
        )

    def test_a_found_asset_becomes_one_measure_and_no_second(self, case, judge):
        inquiry = search(judge, case).inquiries.first()
        owner = case.respondents()[0]
        services.record_reply(
            actor=judge,
            inquiry=inquiry,
            replied_on=TODAY,
            assets=[
                services.AssetFound(
                    kind="deposit",
                    description="基本存款账户",
                    reference=ACCOUNT_NUMBER,
                    amount=Decimal("8000.00"),
                    owner=owner,
                )
            ],
        )
        inquiry.refresh_from_db()
        assert inquiry.reply == "found"
        asset = FoundAsset.objects.get(inquiry=inquiry)
        assert (asset.kind, asset.reference, asset.amount, asset.owner) == (
            "deposit",
            ACCOUNT_NUMBER,
            Decimal("8000.00"),
            owner,
        )
        measure = take(judge, case, source=asset, owner=owner, amount=asset.amount)
        assert measure.source == asset
        asset.refresh_from_db()
        assert asset.measure == measure
        with pytest.raises(ValidationError) as refused:
            take(judge, case, source=asset)
        assert "source" in refused.value.message_dict
        assert Measure.objects.filter(case=case).count() == 1

    def test_an_asset_found_for_another_case_is_refused(self, case, judge, court, clerk, team_lead):
        other = file_assigned(court, clerk, team_lead, judge)
        inquiry = search(judge, other).inquiries.first()
        services.record_reply(
            actor=judge,
            inquiry=inquiry,
            replied_on=TODAY,
            assets=[services.AssetFound(kind="vehicle", description="蒙L12345 轿车")],
        )
        asset = FoundAsset.objects.get(inquiry=inquiry)
        with pytest.raises(ValidationError) as refused:
            take(judge, case, "seize_movable", source=asset)
        assert "source" in refused.value.message_dict
        assert not Measure.objects.exists()
        assert take(judge, other, "seize_movable", source=asset).source == asset

    @pytest.mark.parametrize(
        "asset",
        [
            services.AssetFound(kind="spaceship", description="飞船"),
            services.AssetFound(kind="deposit", description="  "),
            services.AssetFound(kind="deposit", description="存款", amount=Decimal("-1.00")),
        ],
    )
    def test_a_reply_with_a_bad_asset_is_refused_whole(self, case, judge, asset):
        inquiry = search(judge, case).inquiries.first()
        with pytest.raises(ValidationError):
            services.record_reply(actor=judge, inquiry=inquiry, replied_on=TODAY, assets=[asset])
        inquiry.refresh_from_db()
        assert inquiry.reply == "pending"
        assert not FoundAsset.objects.exists()

    def test_an_owner_of_another_case_is_refused(self, case, judge, court, clerk, team_lead):
        other = file_assigned(court, clerk, team_lead, judge)
        inquiry = search(judge, case).inquiries.first()
        stranger = other.respondents()[0]
        with pytest.raises(ValidationError):
            services.record_reply(
                actor=judge,
                inquiry=inquiry,
                replied_on=TODAY,
                assets=[services.AssetFound(kind="deposit", description="存款", owner=stranger)],
            )
        with pytest.raises(ValidationError) as refused:
            take(judge, case, owner=stranger)
        assert "owner" in refused.value.message_dict


# --- Deductions' money --------------------------------------------------------------------------------------


def received(case: Case, amount: str) -> LedgerEntry:
    tx = pay_in(case, amount)
    return LedgerEntry.objects.get(bank_transaction=tx, kind=LedgerEntry.Kind.RECEIVED)


class TestDeductions:
    def test_money_a_deduction_brought_in_is_linked_and_the_deduction_is_done(self, case, judge):
        measure = take(judge, case, "deduct_deposit", amount=Decimal("3000.00"))
        assert measure.status == Measure.Status.IN_FORCE
        entry = received(case, "3000.00")
        receipt = services.link_deduction(actor=judge, measure=measure, entry=entry)
        assert (receipt.measure, receipt.entry, receipt.linked_by) == (measure, entry, judge)
        measure.refresh_from_db()
        assert measure.status == Measure.Status.EXECUTED
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DEDUCTION_LINKED)
        assert not event.public

    def test_the_same_money_cannot_be_linked_twice(self, case, judge):
        measure = take(judge, case, "deduct_deposit")
        another = take(judge, case, "deduct_deposit")
        entry = received(case, "3000.00")
        services.link_deduction(actor=judge, measure=measure, entry=entry)
        for target in (measure, another):
            with pytest.raises(ValidationError) as refused:
                services.link_deduction(actor=judge, measure=target, entry=entry)
            assert "entry" in refused.value.message_dict
        assert DeductionReceipt.objects.count() == 1
        another.refresh_from_db()
        assert another.status == Measure.Status.IN_FORCE
        # A second payment by the same deduction is linked to it too.
        services.link_deduction(actor=judge, measure=measure, entry=received(case, "500.00"))
        assert measure.receipts.count() == 2

    def test_money_of_another_case_is_refused(self, case, judge, court, clerk, team_lead):
        other = file_assigned(court, clerk, team_lead, judge)
        measure = take(judge, case, "deduct_deposit")
        with pytest.raises(ValidationError) as refused:
            services.link_deduction(actor=judge, measure=measure, entry=received(other, "3000.00"))
        assert "entry" in refused.value.message_dict
        assert not DeductionReceipt.objects.exists()

    def test_reversed_money_and_the_reversal_itself_are_refused(self, case, judge, finance):
        measure = take(judge, case, "deduct_deposit")
        entry = received(case, "3000.00")
        reversal = payments.reverse_entry(actor=finance, entry=entry, note="错误入账")
        for wrong in (entry, reversal):
            with pytest.raises(ValidationError) as refused:
                services.link_deduction(actor=judge, measure=measure, entry=wrong)
            assert "entry" in refused.value.message_dict
        assert not DeductionReceipt.objects.exists()
        measure.refresh_from_db()
        assert measure.status == Measure.Status.IN_FORCE

    def test_linked_money_that_finance_reverses_is_unlinked_and_the_deduction_is_pending_again(
        self, case, judge, finance
    ):
        measure = take(judge, case, "deduct_deposit", amount=Decimal("3000.00"))
        entry = received(case, "3000.00")
        receipt = services.link_deduction(actor=judge, measure=measure, entry=entry)
        payments.reverse_entry(actor=finance, entry=entry, note="错误入账：应入他案")
        assert not DeductionReceipt.objects.exists()
        assert DeductionReceipt.history.filter(id=receipt.pk, history_type="-").exists()
        measure.refresh_from_db()
        assert measure.status == Measure.Status.IN_FORCE
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DEDUCTION_UNLINKED)
        assert event.actor == finance and not event.public
        # The right money, when it comes, is linked again.
        services.link_deduction(actor=judge, measure=measure, entry=received(case, "3000.00"))
        measure.refresh_from_db()
        assert measure.status == Measure.Status.EXECUTED

    def test_only_a_deduction_in_force_takes_money(self, case, judge):
        freeze = take(judge, case)
        entry = received(case, "3000.00")
        with pytest.raises(ValidationError):
            services.link_deduction(actor=judge, measure=freeze, entry=entry)
        released = take(judge, case, "deduct_deposit")
        services.release_measure(actor=judge, measure=released, released_on=TODAY, reason="撤销扣划")
        with pytest.raises(ValidationError):
            services.link_deduction(actor=judge, measure=released, entry=entry)
        assert not DeductionReceipt.objects.exists()


# --- The complex-case guard ---------------------------------------------------------------------------------


def compulsory_writes(judge: User, case: Case) -> dict[str, Callable[[], Any]]:
    return {
        "measure": lambda: take(judge, case),
        "detention": lambda: services.propose_detention(actor=judge, case=case, person=person(), days=5),
        "fine": lambda: services.propose_fine(
            actor=judge, case=case, person=person(), amount=Decimal("1000")
        ),
    }


class TestComplexCaseGuard:
    @pytest.mark.parametrize("write", ["measure", "detention", "fine"])
    def test_a_complex_case_without_a_plan_takes_no_compulsory_measure(self, complex_case, judge, write):
        with pytest.raises(ValidationError) as refused:
            compulsory_writes(judge, complex_case)[write]()
        assert "risk assessment" in " ".join(refused.value.messages)
        assert not Measure.objects.exists() and not Detention.objects.exists() and not Fine.objects.exists()

    def test_searches_need_no_plan(self, complex_case, judge):
        inquiry = search(judge, complex_case).inquiries.first()
        assert services.record_reply(actor=judge, inquiry=inquiry, replied_on=TODAY).reply == "nothing"

    def test_after_the_plan_every_compulsory_measure_is_allowed(self, complex_case, judge):
        assignment.record_plan(
            actor=judge, case=complex_case, risk_assessment="有转移财产风险", enforcement_plan="先冻结后扣划"
        )
        made = {name: write() for name, write in compulsory_writes(judge, complex_case).items()}
        assert isinstance(made["measure"], Measure)
        assert isinstance(made["detention"], Detention)
        assert isinstance(made["fine"], Fine)

    def test_a_simple_case_needs_no_plan(self, case, judge):
        assert not CasePlan.objects.filter(case=case).exists()
        made = {name: write() for name, write in compulsory_writes(judge, case).items()}
        assert {type(obj) for obj in made.values()} == {Measure, Detention, Fine}


# --- Detention ----------------------------------------------------------------------------------------------


def propose(actor: User, case: Case, days: int = 5, **overrides: Any) -> Detention:
    return services.propose_detention(actor=actor, case=case, person=person(**overrides), days=days)


def approve(actor: User, detention: Detention, **kwargs: Any) -> Detention:
    return services.decide_detention(actor=actor, detention=detention, approve=True, **kwargs)


class TestDetention:
    @pytest.mark.parametrize("days", [0, 16, 30])
    def test_a_detention_outside_1_to_15_days_is_refused(self, case, judge, days):
        with pytest.raises(ValidationError) as refused:
            propose(judge, case, days=days)
        assert "days" in refused.value.message_dict
        assert not Detention.objects.exists()

    def test_fifteen_days_is_the_most(self, case, judge):
        assert propose(judge, case, days=15).days == 15

    @pytest.mark.parametrize("days", [0, 16])
    def test_the_database_refuses_a_detention_outside_1_to_15_days(self, case, judge, days):
        with pytest.raises(IntegrityError), transaction.atomic():
            Detention.objects.create(
                case=case,
                person_name="王某",
                reason="阻挠",
                decision_number="1号",
                days=days,
                proposed_by=judge,
            )
        assert not Detention.objects.exists()

    def test_the_database_refuses_an_approval_by_the_proposer(self, case, judge):
        detention = propose(judge, case)
        detention.decided_by = judge
        with pytest.raises(IntegrityError), transaction.atomic():
            detention.save()

    @pytest.mark.parametrize("field", ["name", "reason", "decision_number"])
    def test_a_proposal_names_the_person_the_obstruction_and_the_decision(self, case, judge, field):
        with pytest.raises(ValidationError):
            propose(judge, case, **{field: " "})

    def test_a_party_of_another_case_is_refused(self, case, judge, court, clerk, team_lead):
        other = file_assigned(court, clerk, team_lead, judge)
        with pytest.raises(ValidationError) as refused:
            propose(judge, case, party=other.respondents()[0])
        assert "party" in refused.value.message_dict

    def test_the_judge_proposes_and_the_event_is_private(self, case, judge):
        detention = propose(judge, case, days=7)
        assert (detention.status, detention.proposed_by, detention.days) == ("proposed", judge, 7)
        assert detention.started_at is None and detention.release_on is None
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DETENTION_PROPOSED)
        assert not event.public
        assert not Deadline.objects.filter(case=case, node_type__code="detention_family_notice").exists()

    def test_only_the_president_approves(self, case, judge, team_lead, supervisor, president, other_court):
        detention = propose(judge, case)
        foreign = UserFactory(username="other-president", roles=["president"], courts=[other_court])
        for actor in (judge, team_lead, supervisor, foreign):
            with pytest.raises(PermissionDenied):
                approve(actor, detention)
        detention.refresh_from_db()
        assert detention.status == Detention.Status.PROPOSED
        approved = approve(president, detention)
        assert (approved.status, approved.decided_by) == ("approved", president)

    def test_a_president_who_proposed_it_does_not_approve_it(self, case, court, teams):
        proposer = UserFactory(username="president-judge", roles=["president", "judge"], courts=[court])
        TeamMembership.objects.create(team=teams[0], user=proposer, role=TeamMembership.Role.JUDGE)
        detention = propose(proposer, case)
        with pytest.raises(PermissionDenied):
            approve(proposer, detention)
        vice = UserFactory(username="vice-president", roles=["president"], courts=[court])
        assert approve(vice, detention).decided_by == vice

    def test_approval_derives_the_release_date_and_opens_the_24_hour_notice_clock(
        self, clock, case, judge, president
    ):
        detention = propose(judge, case, days=15)
        clock.move_to(at(2026, 3, 2, 15))
        started = at(2026, 3, 2, 14, 20)
        approved = approve(president, detention, started_at=started, note="同意")
        assert approved.started_at == started
        assert approved.release_on == D(2026, 3, 17)
        assert services.release_date(started, 15) == D(2026, 3, 17)
        deadline = Deadline.objects.get(case=case, node_type__code="detention_family_notice")
        assert deadline.subject == approved
        assert deadline.due_at == started + datetime.timedelta(hours=24)
        assert deadline.unit == "hours" and deadline.budget == 24
        assert codes(deadline) == ["hours"]
        assert "24 hours from 2026-03-02 14:20 → 2026-03-03 14:20" in english(deadline)
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DETENTION_APPROVED)
        assert event.public and event.data["release_on"] == "2026-03-17"

    def test_the_release_date_follows_the_local_day_custody_began(self, clock, case, judge, president):
        detention = propose(judge, case, days=15)
        clock.move_to(at(2026, 3, 3, 1))
        started = at(2026, 3, 3, 0, 30)  # still 2 March in UTC
        assert approve(president, detention, started_at=started).release_on == D(2026, 3, 18)

    def test_custody_cannot_begin_in_the_future_or_before_the_proposal(self, clock, case, judge, president):
        detention = propose(judge, case)
        for started in (START + datetime.timedelta(hours=1), START - datetime.timedelta(hours=1)):
            with pytest.raises(ValidationError) as refused:
                approve(president, detention, started_at=started)
            assert "started_at" in refused.value.message_dict
        detention.refresh_from_db()
        assert detention.status == Detention.Status.PROPOSED

    def test_a_refusal_needs_a_note_and_opens_no_clock(self, case, judge, president):
        detention = propose(judge, case)
        with pytest.raises(ValidationError) as refused:
            services.decide_detention(actor=president, detention=detention, approve=False, note="  ")
        assert "note" in refused.value.message_dict
        detention.refresh_from_db()
        assert detention.status == Detention.Status.PROPOSED and detention.decided_by is None
        done = services.decide_detention(actor=president, detention=detention, approve=False, note="证据不足")
        assert (done.status, done.decision_note, done.release_on) == ("refused", "证据不足", None)
        assert not Deadline.objects.filter(case=case, node_type__code="detention_family_notice").exists()
        assert not CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DETENTION_REFUSED).public
        with pytest.raises(ValidationError):
            approve(president, detention)

    def test_a_detention_is_decided_once(self, case, judge, president):
        detention = propose(judge, case)
        approve(president, detention)
        with pytest.raises(ValidationError):
            approve(president, detention)
        assert Deadline.objects.filter(case=case, node_type__code="detention_family_notice").count() == 1


class TestFamilyNoticeAndEarlyRelease:
    def test_the_family_is_told_once_after_custody_began(self, clock, case, judge, president):
        detention = propose(judge, case)
        with pytest.raises(ValidationError):
            services.record_family_notice(
                actor=judge, detention=detention, notified_at=START, notice="电话告知其妻"
            )
        approve(president, detention)
        clock.move_to(at(2026, 3, 2, 18))
        with pytest.raises(ValidationError):
            services.record_family_notice(actor=judge, detention=detention, notified_at=START, notice=" ")
        with pytest.raises(ValidationError):
            services.record_family_notice(
                actor=judge, detention=detention, notified_at=at(2026, 3, 2, 9), notice="电话告知其妻"
            )
        with pytest.raises(ValidationError):
            services.record_family_notice(
                actor=judge, detention=detention, notified_at=at(2026, 3, 2, 19), notice="电话告知其妻"
            )
        told = services.record_family_notice(
            actor=judge, detention=detention, notified_at=at(2026, 3, 2, 17), notice="电话告知其妻李某"
        )
        assert (told.family_notified_at, told.family_notice) == (at(2026, 3, 2, 17), "电话告知其妻李某")
        deadline = Deadline.objects.get(case=case, node_type__code="detention_family_notice")
        assert deadline.status == Deadline.Status.MET
        assert (
            CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DETENTION_FAMILY_NOTIFIED).data["late"]
            is False
        )
        with pytest.raises(ValidationError):
            services.record_family_notice(
                actor=judge, detention=detention, notified_at=at(2026, 3, 2, 17), notice="again"
            )

    def test_an_early_release_needs_a_reason_and_a_time_inside_the_term(self, clock, case, judge, president):
        detention = propose(judge, case, days=3)
        with pytest.raises(ValidationError):
            services.release_early(actor=judge, detention=detention, released_at=START, reason="悔过")
        approve(president, detention)  # in custody from 2 March 10:00, out on 5 March
        clock.move_to(at(2026, 3, 5, 9))
        with pytest.raises(ValidationError) as refused:
            services.release_early(
                actor=judge, detention=detention, released_at=at(2026, 3, 4, 23), reason=" "
            )
        assert "reason" in refused.value.message_dict
        for when in (at(2026, 3, 5, 8), at(2026, 3, 2, 9), at(2026, 3, 5, 11)):
            with pytest.raises(ValidationError) as refused:
                services.release_early(actor=judge, detention=detention, released_at=when, reason="悔过")
            assert "released_at" in refused.value.message_dict
        released = services.release_early(
            actor=judge, detention=detention, released_at=at(2026, 3, 4, 23), reason="具结悔过并履行"
        )
        assert (released.status, released.released_at) == ("released", at(2026, 3, 4, 23))
        with pytest.raises(ValidationError):
            services.release_early(
                actor=judge, detention=detention, released_at=at(2026, 3, 4, 23), reason="x"
            )


# --- Fines --------------------------------------------------------------------------------------------------


class TestFines:
    @pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-100"), Decimal("0.001")])
    def test_a_fine_is_more_than_zero_in_yuan_and_fen(self, case, judge, amount):
        with pytest.raises(ValidationError) as refused:
            services.propose_fine(actor=judge, case=case, person=person(), amount=amount)
        assert "amount" in refused.value.message_dict
        assert not Fine.objects.exists()

    def test_the_database_refuses_a_fine_of_nothing(self, case, judge):
        with pytest.raises(IntegrityError), transaction.atomic():
            Fine.objects.create(
                case=case,
                person_name="王某",
                reason="阻挠",
                decision_number="1号",
                amount=0,
                proposed_by=judge,
            )

    def test_the_president_approves_and_the_timeline_shows_the_fine(self, case, judge, team_lead, president):
        fine = services.propose_fine(actor=judge, case=case, person=person(), amount=Decimal("20000.00"))
        assert not CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.FINE_PROPOSED).public
        for actor in (judge, team_lead):
            with pytest.raises(PermissionDenied):
                services.decide_fine(actor=actor, fine=fine, approve=True)
        approved = services.decide_fine(actor=president, fine=fine, approve=True)
        assert (approved.status, approved.decided_by) == ("approved", president)
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.FINE_APPROVED)
        assert event.public and "20000.00" in event.text
        assert event.data["changes"] == {"status": {"from": "proposed", "to": "approved"}}
        with pytest.raises(ValidationError):
            services.decide_fine(actor=president, fine=fine, approve=False, note="撤回")

    def test_a_refused_fine_needs_a_note_and_stays_private(self, case, judge, president):
        fine = services.propose_fine(actor=judge, case=case, person=person(), amount=Decimal("500.00"))
        with pytest.raises(ValidationError):
            services.decide_fine(actor=president, fine=fine, approve=False)
        refused = services.decide_fine(actor=president, fine=fine, approve=False, note="情节轻微")
        assert refused.status == Fine.Status.REFUSED
        assert not CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.FINE_REFUSED).public
        assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.FINE_APPROVED).exists()

    def test_a_president_does_not_approve_his_own_fine(self, case, court, teams):
        proposer = UserFactory(username="president-judge", roles=["president", "judge"], courts=[court])
        TeamMembership.objects.create(team=teams[0], user=proposer, role=TeamMembership.Role.JUDGE)
        fine = services.propose_fine(actor=proposer, case=case, person=person(), amount=Decimal("500.00"))
        with pytest.raises(PermissionDenied):
            services.decide_fine(actor=proposer, fine=fine, approve=True)

    def test_a_fine_with_a_detention_of_another_case_is_refused(self, case, judge, court, clerk, team_lead):
        other = file_assigned(court, clerk, team_lead, judge)
        detention = propose(judge, other)
        with pytest.raises(ValidationError) as refused:
            services.propose_fine(
                actor=judge, case=case, person=person(), amount=Decimal("500.00"), detention=detention
            )
        assert "detention" in refused.value.message_dict
        fine = services.propose_fine(
            actor=judge, case=other, person=person(), amount=Decimal("500.00"), detention=detention
        )
        assert fine.detention == detention

    def test_a_fine_with_a_refused_detention_is_refused(self, case, judge, president):
        detention = propose(judge, case)
        refused_one = services.decide_detention(
            actor=president, detention=detention, approve=False, note="不当"
        )
        with pytest.raises(ValidationError) as refused:
            services.propose_fine(
                actor=judge, case=case, person=person(), amount=Decimal("500.00"), detention=refused_one
            )
        assert "detention" in refused.value.message_dict
        assert not Fine.objects.exists()

    def test_a_detention_refused_after_the_caller_read_it_is_refused_too(self, case, judge, president):
        detention = propose(judge, case)  # what the form loaded
        services.decide_detention(actor=president, detention=detention, approve=False, note="证据不足")
        with pytest.raises(ValidationError) as refused:
            services.propose_fine(
                actor=judge, case=case, person=person(), amount=Decimal("500.00"), detention=detention
            )
        assert "detention" in refused.value.message_dict
        assert not Fine.objects.exists()


# --- Who may do what ----------------------------------------------------------------------------------------


@pytest.fixture
def world(case, judge, president):
    """One of everything on the case, for trying every write as every persona."""
    found = search(judge, case)
    measure = take(judge, case)
    deduction = take(judge, case, "deduct_deposit")
    proposed = propose(judge, case)
    begun = approve(president, propose(judge, case))
    return {
        "case": case,
        "inquiry": found.inquiries.first(),
        "measure": measure,
        "deduction": deduction,
        "entry": received(case, "800.00"),
        "proposed": proposed,
        "begun": begun,
        "fine": services.propose_fine(actor=judge, case=case, person=person(), amount=Decimal("100.00")),
    }


def writes(w: dict[str, Any]) -> dict[str, Callable[[User], Any]]:
    case = w["case"]
    return {
        "request_search": lambda u: search(u, case),
        "record_reply": lambda u: services.record_reply(actor=u, inquiry=w["inquiry"], replied_on=TODAY),
        "take_measure": lambda u: take(u, case),
        "renew_measure": lambda u: services.renew_measure(
            actor=u, measure=w["measure"], ruling_number="之二"
        ),
        "release_measure": lambda u: services.release_measure(
            actor=u, measure=w["measure"], released_on=TODAY, reason="担保"
        ),
        "link_deduction": lambda u: services.link_deduction(
            actor=u, measure=w["deduction"], entry=w["entry"]
        ),
        "propose_detention": lambda u: propose(u, case),
        "decide_detention": lambda u: approve(u, w["proposed"]),
        "record_family_notice": lambda u: services.record_family_notice(
            actor=u, detention=w["begun"], notified_at=START, notice="电话告知"
        ),
        "release_early": lambda u: services.release_early(
            actor=u, detention=w["begun"], released_at=START, reason="悔过"
        ),
        "propose_fine": lambda u: services.propose_fine(
            actor=u, case=case, person=person(), amount=Decimal("100.00")
        ),
        "decide_fine": lambda u: services.decide_fine(actor=u, fine=w["fine"], approve=True),
    }


WRITES = [
    "request_search",
    "record_reply",
    "take_measure",
    "renew_measure",
    "release_measure",
    "link_deduction",
    "propose_detention",
    "decide_detention",
    "record_family_notice",
    "release_early",
    "propose_fine",
    "decide_fine",
]
SEARCH_WRITES = {"request_search", "record_reply"}
DECISIONS = {"decide_detention", "decide_fine"}


class TestPermissions:
    def test_the_list_of_writes_is_complete(self, world):
        assert sorted(writes(world)) == sorted(WRITES)

    @pytest.mark.parametrize(
        "persona", ["clerk", "finance", "outsider", "stranger", "other_judge", "supervisor"]
    )
    @pytest.mark.parametrize("write", WRITES)
    def test_nobody_outside_the_case_writes(self, request, world, persona, write):
        actor = request.getfixturevalue(persona)
        events = CaseEvent.objects.count()
        with pytest.raises(PermissionDenied):
            writes(world)[write](actor)
        assert CaseEvent.objects.count() == events

    @pytest.mark.parametrize("write", WRITES)
    def test_an_assistant_of_the_team_searches_and_does_nothing_else(self, world, assistant, write):
        if write in SEARCH_WRITES:
            assert writes(world)[write](assistant) is not None
            return
        with pytest.raises(PermissionDenied):
            writes(world)[write](assistant)

    @pytest.mark.parametrize("persona", ["team_lead", "colleague"])
    @pytest.mark.parametrize("write", sorted(set(WRITES) - DECISIONS))
    def test_the_team_lead_and_another_judge_of_the_team_act_for_the_case(
        self, request, world, persona, write
    ):
        actor = request.getfixturevalue(persona)
        assert writes(world)[write](actor) is not None

    @pytest.mark.parametrize("write", sorted(DECISIONS))
    def test_the_judge_and_the_lead_do_not_decide_sanctions(self, world, judge, team_lead, president, write):
        for actor in (judge, team_lead):
            with pytest.raises(PermissionDenied):
                writes(world)[write](actor)
        assert writes(world)[write](president).status == "approved"


# --- The public timeline ------------------------------------------------------------------------------------


def test_public_events_of_custody_tell_no_account_amount_or_identity_number(case, judge, president, clock):
    identity = resident_id(777)
    measure = take(judge, case, amount=Decimal("123456.78"), asset_reference=ACCOUNT_NUMBER, term_months=6)
    services.renew_measure(actor=judge, measure=measure, ruling_number="之二", months=6)
    services.release_measure(
        actor=judge, measure=measure, released_on=TODAY, reason=f"账户{ACCOUNT_NUMBER}已解冻"
    )
    approve(president, propose(judge, case, id_number=identity, days=10))
    events = {
        e.kind: e
        for e in CaseEvent.objects.filter(
            case=case,
            kind__in=[
                CaseEvent.Kind.MEASURE_TAKEN,
                CaseEvent.Kind.MEASURE_RENEWED,
                CaseEvent.Kind.MEASURE_RELEASED,
                CaseEvent.Kind.DETENTION_APPROVED,
            ],
        )
    }
    assert len(events) == 4
    secrets = [ACCOUNT_NUMBER, "123456", "123,456", identity, identity[-6:]]
    for event in events.values():
        assert event.public, event.kind
        shown = event.text + event.detail + json.dumps([event.data, event.text_params], ensure_ascii=False)
        assert not [s for s in secrets if s in shown], (event.kind, shown)
    assert "10" in events[CaseEvent.Kind.DETENTION_APPROVED].text
    # The private ones keep what the judge needs.
    assert not CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DETENTION_PROPOSED).public


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------------


def _at_once(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(work(i))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_renewal_sent_twice_at_once_adds_one_term(court, clerk, judge, team_lead):
    assert connection.vendor == "postgresql"
    with time_machine.travel(START, tick=False):
        make_teams(court, judge, team_lead)
        case = file_assigned(court, clerk, team_lead, judge)
        measure = take(judge, case, term_months=6)

        def renew(_i: int) -> MeasureTerm:
            return services.renew_measure(
                actor=judge,
                measure=Measure.objects.get(pk=measure.pk),
                ruling_number="（2026）蒙0302执100号之二",
            )

        renewed, errors = _at_once(2, renew)

    assert len(renewed) == 1, (renewed, errors)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    measure.refresh_from_db()
    assert list(measure.terms.values_list("number", flat=True)) == [1, 2]
    assert measure.expires_on == D(2027, 9, 2)
    assert (
        Deadline.objects.filter(
            case=case, node_type__code="measure_freeze_deposit", status__in=Deadline.ACTIVE
        ).count()
        == 1
    )
