"""The case row's urgency (next due time, overdue and nearing counts) follows its deadlines on every write."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcement.models import CalendarDay, Case, Deadline
from enforcement.scan import scan_deadlines
from enforcement.services import cases as case_services
from enforcement.services import deadlines as engine
from enforcement.urgency import refresh_all, refresh_case_urgency, stale_case_ids
from intake import services as intake
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def file_at(when: datetime.datetime, court, clerk, n: int = 1) -> Case:
    with time_machine.travel(when, tick=False):
        return intake.file_case(actor=clerk, application=application(court, n)).case


def stored(case: Case) -> tuple[datetime.datetime | None, int, int]:
    case.refresh_from_db()
    return case.next_due_at, case.overdue_deadlines, case.nearing_deadlines


def expected(case: Case) -> tuple[datetime.datetime | None, int, int]:
    running = list(case.deadlines.filter(status__in=Deadline.ACTIVE))
    return (
        min((d.due_at for d in running), default=None),
        sum(d.status == Deadline.Status.OVERDUE for d in running),
        sum(d.status == Deadline.Status.NEARING for d in running),
    )


def assert_consistent(case: Case) -> None:
    assert stored(case) == expected(case)
    assert stale_case_ids() == []


class TestEveryWritePathKeepsTheCaseRight:
    def test_filing_opens_clocks_and_the_case_carries_the_earliest(self, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        assign = case.deadlines.get(node_type__code="assign_judge")
        assert stored(case) == (assign.due_at, 0, 0)
        assert_consistent(case)

    def test_the_scan_counts_nearing_and_then_overdue_on_the_case(self, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        assign = case.deadlines.get(node_type__code="assign_judge")
        scan_deadlines(now=assign.warn_at + datetime.timedelta(hours=1))
        assert stored(case) == (assign.due_at, 0, 1)
        scan_deadlines(now=assign.due_at + datetime.timedelta(hours=1))
        assert stored(case) == (assign.due_at, 1, 0)
        assert_consistent(case)

    def test_meeting_the_earliest_clock_moves_the_case_to_the_next(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))  # assign_judge overdue
        assert stored(case)[1] == 1
        engine.meet_deadline(case=case, code="assign_judge", actor=judge)
        limit = case.deadlines.get(node_type__code="case_limit")
        assert stored(case) == (limit.due_at, 0, 0)
        assert_consistent(case)

    def test_cancelling_a_clock_takes_it_off_the_case(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        with time_machine.travel(at(2026, 9, 29), tick=False):
            notice = engine.open_deadline(
                case=case, code="enforcement_notice", anchor_at=at(2026, 9, 29), actor=judge
            )
        first_due = expected(case)[0]
        assert first_due is not None and stored(case)[0] == min(notice.due_at, first_due)
        engine.cancel_deadline(case=case, code="enforcement_notice", actor=judge)
        engine.cancel_deadline(case=case, code="assign_judge", actor=judge)
        limit = case.deadlines.get(node_type__code="case_limit")
        assert stored(case) == (limit.due_at, 0, 0)
        assert_consistent(case)

    def test_closing_the_case_leaves_no_running_clock_on_it(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        scan_deadlines(now=at(2026, 10, 9, 1))
        case_services.close_case(actor=judge, case=case, closure=Case.Closure.PERFORMED, note="已履行完毕")
        assert stored(case) == (None, 0, 0)
        assert_consistent(case)

    def test_a_running_deduction_pauses_the_clock_and_its_end_moves_the_case(self, court, clerk, supervisor):
        case = file_at(at(2026, 9, 28), court, clerk)
        assign = case.deadlines.get(node_type__code="assign_judge")
        before = stored(case)[0]
        with time_machine.travel(at(2026, 10, 1), tick=False):
            deduction = engine.add_deduction(
                actor=supervisor,
                deadline=assign,
                kind="jurisdiction",
                start_date=D(2026, 10, 1),
                reason="管辖异议",
            )
        assert_consistent(case)
        with time_machine.travel(at(2026, 10, 20), tick=False):
            scan_deadlines(now=at(2026, 10, 20))  # the paused clock moves a day each day
            assert_consistent(case)
            engine.end_deduction(actor=supervisor, deduction=deduction, end_date=D(2026, 10, 14))
        assign.refresh_from_db()
        assert before is not None and stored(case)[0] == assign.due_at > before
        assert_consistent(case)

    def test_an_approved_extension_moves_the_limit_on_the_case(self, court, clerk, judge, president):
        case = file_at(at(2026, 9, 28), court, clerk)
        engine.meet_deadline(case=case, code="assign_judge", actor=judge)
        limit = case.deadlines.get(node_type__code="case_limit")
        with time_machine.travel(at(2027, 1, 5), tick=False):
            request = engine.request_extension(actor=judge, deadline=limit, months=3, reason="财产尚在拍卖")
            engine.decide_extension(actor=president, extension=request, approve=True, note="同意")
        limit.refresh_from_db()
        assert stored(case) == (limit.due_at, 0, 0)
        assert limit.due_at > at(2027, 6, 1)
        assert_consistent(case)

    def test_a_calendar_change_that_moves_the_earliest_clock_moves_the_case(self, court, clerk):
        case = file_at(at(2026, 11, 2), court, clerk)
        assign = case.deadlines.get(node_type__code="assign_judge")
        last_day = assign.due_date
        CalendarDay.objects.create(date=last_day, court=None, kind=CalendarDay.Kind.REST, name="临时休息")
        assert engine.recompute_open_deadlines(day=last_day) >= 1
        assign.refresh_from_db()
        assert assign.due_date > last_day
        assert stored(case)[0] == assign.due_at
        assert_consistent(case)

    def test_saving_a_stale_copy_of_the_case_does_not_write_its_urgency_back(self, court, clerk, judge):
        case = file_at(at(2026, 9, 28), court, clerk)
        stale_copy = Case.objects.get(pk=case.pk)
        engine.meet_deadline(case=case, code="assign_judge", actor=judge)
        stale_copy.closure_note = "备注"
        stale_copy.save()
        assert_consistent(case)
        case.refresh_from_db()
        assert case.closure_note == "备注"


class TestRepair:
    def test_the_command_finds_and_repairs_a_case_changed_behind_the_engines_back(self, court, clerk):
        case = file_at(at(2026, 9, 28), court, clerk)
        other = file_at(at(2026, 9, 28), court, clerk, 2)
        Case.objects.filter(pk=case.pk).update(next_due_at=None, overdue_deadlines=3)
        assert stale_case_ids() == [case.pk]
        with pytest.raises(SystemExit):
            call_command("refresh_case_urgency", "--check", stdout=StringIO())
        out = StringIO()
        call_command("refresh_case_urgency", stdout=out)
        assert "2 case(s) refreshed" in out.getvalue()
        assert_consistent(case)
        assert_consistent(other)

    def test_the_repair_works_in_batches(self, court, clerk):
        cases = [file_at(at(2026, 9, 28), court, clerk, n) for n in (1, 2, 3)]
        Case.objects.update(next_due_at=None)
        assert refresh_all(batch=2) == 3
        assert stale_case_ids() == []
        assert refresh_case_urgency([]) == 0
        assert len(cases) == 3


# --- Any sequence of the engine's writes keeps every case right ------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["open", "meet", "cancel", "scan", "deduct", "close"]),
        st.integers(min_value=0, max_value=2),  # which case
        st.sampled_from(["assign_judge", "enforcement_notice", "ask_leads", "case_limit"]),
        st.integers(min_value=0, max_value=40),  # days after filing
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_after_any_sequence_of_writes_the_stored_urgency_equals_the_computed_one(
    operations, court, clerk, judge, supervisor
):
    Case.objects.all().delete()  # hypothesis reuses the test's database between examples
    cases = [file_at(at(2026, 9, 28), court, clerk, n) for n in (1, 2, 3)]
    day = at(2026, 9, 28)
    for op, which, code, days in operations:
        case = Case.objects.get(pk=cases[which].pk)
        day = max(day, at(2026, 9, 28) + datetime.timedelta(days=days))
        with time_machine.travel(day, tick=False):
            if case.status == Case.Status.CLOSED:
                continue
            if op == "open":
                engine.open_deadline(case=case, code=code, anchor_at=day, actor=judge)
            elif op == "meet":
                engine.meet_deadline(case=case, code=code, actor=judge)
            elif op == "cancel":
                engine.cancel_deadline(case=case, code=code, actor=judge)
            elif op == "scan":
                scan_deadlines(now=day)
            elif op == "deduct":
                clock = engine.active_deadlines(case, code).filter(paused=False).first()
                if clock is not None and clock.due_date >= day.date():
                    engine.add_deduction(
                        actor=supervisor,
                        deadline=clock,
                        kind="appraisal",
                        start_date=day.date(),
                        reason="评估",
                    )
            else:
                case_services.close_case(actor=judge, case=case, closure=Case.Closure.PERFORMED, note="完毕")
        assert stale_case_ids() == [], (op, which, code, days)
