"""Closing a case never strands money or a legal clock (issue 12, point 2).

Through the real services and pages: closing is refused while the case account holds money or a payout
is under way, while a detention runs or its family's notice is missing, and for 执行完毕 while measures are
in force unless their release is confirmed (then they are released as performed, in the same
transaction). The case limit is met, on time or late; clocks that outlive the case run on; 终本 waits more
than 3 months from filing (data); a closed case cannot close again. Time is frozen with time-machine.
"""

import datetime
import importlib
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from custody import services as custody
from custody.models import Detention, Measure
from enforcement.models import Alert, Case, CaseEvent, ClosureRequirement, Deadline
from enforcement.scan import scan_deadlines
from enforcement.services.cases import close_case
from payments import services as money
from payments.ledger import PAYOUT_NODE
from payments.models import PayeeAccount, Payout
from tests.closing import finance_of
from tests.custody.test_services import START, TODAY, at, file_assigned, make_teams, propose, take, term_clock
from tests.money import pay_in

pytestmark = pytest.mark.django_db

CLOSURE_DATA = "enforcement.migrations.0016_closure_meets_case_limits_and_terminate_round_wait"
PERFORMED = Case.Closure.PERFORMED
TERMINATED_THIS_ROUND = Case.Closure.TERMINATED_THIS_ROUND


@pytest.fixture(autouse=True)
def closure_data(reference_data) -> None:
    """The data migration's rows, in case a transactional test flushed them (it is idempotent)."""
    importlib.import_module(CLOSURE_DATA).forwards(apps, None)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def case(court, clerk, team_lead, judge):
    """Filed on Monday 2 March 2026, assigned to ``judge``: case limit 2 September, 终本 from 3 June."""
    make_teams(court, judge, team_lead)
    return file_assigned(court, clerk, team_lead, judge)


@pytest.fixture
def cash_case(case, judge):
    """The case, with the applicant's payout account confirmed."""
    applicant = case.applicants()[0]
    PayeeAccount.objects.create(
        case=case,
        party=applicant,
        bank_name="中国银行",
        account_name=applicant.name,
        account_number="6217000011112222",
        basis="申请人提交的账户确认书",
        confirmed_by=judge,
    )
    return case


def refusal(**close: object) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        close_case(**close)
    return refused.value


def nothing_closed(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == Case.Status.FILED and case.closure == ""
    assert not case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).exists()


def clocks(case: Case) -> dict[str, str]:
    return dict(case.deadlines.values_list("node_type__code", "status"))


# --- Money ----------------------------------------------------------------------------------------------


class TestMoneyLeft:
    def test_money_in_the_account_refuses_the_closure_and_names_the_amount(self, cash_case, judge):
        pay_in(cash_case, "5000.00")
        before = clocks(cash_case)

        error = refusal(actor=judge, case=cash_case, closure=PERFORMED)

        assert error.message_dict["left_on_case"] == [
            "The case account still holds 5,000.00 yuan: finance pays it out, refunds it or transfers it "
            "before the case can close."
        ]
        nothing_closed(cash_case)
        assert clocks(cash_case) == before
        # The payout clock keeps running, so the scan still warns about the money.
        assert cash_case.deadlines.get(node_type__code=PAYOUT_NODE).status == Deadline.Status.OPEN

    @pytest.mark.parametrize(
        ("state", "words"),
        [
            ("proposed", "is waiting for approval"),
            ("approved", "is approved and waiting for finance to pay it"),
            ("exported", "is in a payment file sent to the bank and not yet confirmed paid"),
        ],
    )
    def test_a_payout_under_way_refuses_the_closure(self, court, cash_case, judge, team_lead, state, words):
        pay_in(cash_case, "1000.00")
        payout = money.propose_payout(
            actor=judge, case=cash_case, lines=[(cash_case.applicants()[0], Decimal("600.00"))]
        )
        if state in ("approved", "exported"):
            money.decide_payout(actor=team_lead, payout=payout, approve=True)
        if state == "exported":
            money.export_payment_batch(actor=finance_of(cash_case), court=court, payouts=[payout])
        assert Payout.objects.get(pk=payout.pk).status == state

        error = refusal(actor=judge, case=cash_case, closure=PERFORMED)

        left = error.message_dict["left_on_case"]
        assert f"A payout of 600.00 yuan (proposed on {TODAY}) {words}." in left
        assert any("1,000.00 yuan" in message for message in left)
        nothing_closed(cash_case)

    def test_once_finance_has_paid_out_the_case_closes_and_the_payout_clock_is_met(
        self, cash_case, judge, team_lead
    ):
        pay_in(cash_case, "1000.00")
        payout = money.propose_payout(
            actor=judge, case=cash_case, lines=[(cash_case.applicants()[0], Decimal("1000.00"))]
        )
        money.decide_payout(actor=team_lead, payout=payout, approve=True)
        money.mark_payout_paid(actor=finance_of(cash_case), payout=payout, bank_reference="B-1")

        close_case(actor=judge, case=cash_case, closure=PERFORMED)

        cash_case.refresh_from_db()
        assert cash_case.status == Case.Status.CLOSED
        payout_clocks = cash_case.deadlines.filter(node_type__code__startswith="payout")
        assert set(payout_clocks.values_list("status", flat=True)) == {Deadline.Status.MET}


# --- Detention --------------------------------------------------------------------------------------------


class TestDetentionLeft:
    def test_a_detention_whose_family_notice_is_due_refuses_the_closure(self, clock, case, judge, president):
        custody.decide_detention(actor=president, detention=propose(judge, case), approve=True)
        clock.move_to(START + datetime.timedelta(hours=2))

        error = refusal(actor=judge, case=case, closure=PERFORMED)

        assert (
            "The family of 王某 has not been told of the detention (due by 2026-03-03 10:00): record the "
            in (" ".join(error.message_dict["left_on_case"]))
        )
        nothing_closed(case)
        notice = Deadline.objects.get(case=case, node_type__code=custody.FAMILY_NOTICE_NODE)
        assert notice.status == Deadline.Status.OPEN  # not cancelled by a closure

    def test_a_running_detention_refuses_the_closure_even_once_the_family_is_told(
        self, clock, case, judge, president
    ):
        detention = custody.decide_detention(actor=president, detention=propose(judge, case), approve=True)
        custody.record_family_notice(
            actor=judge, detention=detention, notified_at=START, notice="电话告知其妻"
        )

        error = refusal(actor=judge, case=case, closure=PERFORMED)

        assert error.message_dict["left_on_case"] == [
            "王某 is in judicial detention until the release on 2026-03-07."
        ]
        nothing_closed(case)

    def test_a_detention_waiting_for_the_president_refuses_the_closure(self, case, judge):
        propose(judge, case)
        error = refusal(actor=judge, case=case, closure=PERFORMED)
        assert error.message_dict["left_on_case"] == [
            "A detention of 王某 is waiting for the president's decision."
        ]

    def test_once_the_detention_is_over_and_the_family_told_the_case_closes(
        self, clock, case, judge, president
    ):
        detention = custody.decide_detention(actor=president, detention=propose(judge, case), approve=True)
        custody.record_family_notice(
            actor=judge, detention=detention, notified_at=START, notice="电话告知其妻"
        )
        clock.move_to(at(2026, 3, 7, 9))  # the day of release

        close_case(actor=judge, case=case, closure=PERFORMED)

        notice = Deadline.objects.get(case=case, node_type__code=custody.FAMILY_NOTICE_NODE)
        assert notice.status == Deadline.Status.MET
        assert Detention.objects.get(pk=detention.pk).status == Detention.Status.APPROVED


# --- 执行完毕 releases the measures in force -------------------------------------------------------------


class TestFullyPerformed:
    def test_measures_in_force_refuse_the_closure_unless_their_release_is_confirmed(self, case, judge):
        measure = take(judge, case)

        error = refusal(actor=judge, case=case, closure=PERFORMED)

        assert list(error.message_dict) == ["confirm_steps"]
        (message,) = error.message_dict["confirm_steps"]
        assert (
            "Release: Freeze of a bank deposit, 银行存款 (中国工商银行乌海分行), in force until 2027-03-02"
            in message
        )
        nothing_closed(case)
        assert Measure.objects.get(pk=measure.pk).status == Measure.Status.IN_FORCE
        assert term_clock(measure).status == Deadline.Status.OPEN

    def test_confirmed_the_measures_are_released_as_performed_and_their_clocks_met(self, case, judge):
        freeze, seal = take(judge, case), take(judge, case, "seal_real_estate")
        deduction = take(judge, case, "deduct_deposit")

        close_case(actor=judge, case=case, closure=PERFORMED, confirm_steps=True)

        for measure in (freeze, seal, deduction):
            measure.refresh_from_db()
            assert measure.status == Measure.Status.RELEASED
            assert measure.released_on == TODAY
            assert measure.release_reason == "Performed: the case closed as fully performed."
        assert term_clock(freeze).status == term_clock(seal).status == Deadline.Status.MET
        assert case.events.filter(kind=CaseEvent.Kind.MEASURE_RELEASED).count() == 3
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED and case.closure == PERFORMED
        assert not Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE).exists()

    def test_if_one_release_fails_nothing_is_saved(self, case, judge):
        first, second = take(judge, case), take(judge, case, "seal_real_estate")
        # A measure recorded as taking effect tomorrow cannot be released today: the second release fails
        # after the first one was written.
        Measure.objects.filter(pk=second.pk).update(effective_on=TODAY + datetime.timedelta(days=1))

        with pytest.raises(ValidationError):
            close_case(actor=judge, case=case, closure=PERFORMED, confirm_steps=True)

        nothing_closed(case)
        assert set(Measure.objects.filter(case=case).values_list("status", flat=True)) == {
            Measure.Status.IN_FORCE
        }
        assert term_clock(first).status == Deadline.Status.OPEN
        assert not case.events.filter(kind=CaseEvent.Kind.MEASURE_RELEASED).exists()

    def test_a_supervisor_who_does_not_judge_the_case_cannot_release_its_measures(
        self, case, judge, supervisor
    ):
        take(judge, case)
        with pytest.raises(PermissionDenied):
            close_case(actor=supervisor, case=case, closure=PERFORMED, confirm_steps=True)
        nothing_closed(case)

    def test_without_measures_nothing_needs_confirming(self, case, judge):
        close_case(actor=judge, case=case, closure=PERFORMED)
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED


# --- The clocks ---------------------------------------------------------------------------------------------


class TestClocks:
    def test_closing_in_time_meets_the_case_limit_and_cancels_the_steps_not_taken(self, clock, case, judge):
        clock.move_to(at(2026, 4, 1))
        close_case(actor=judge, case=case, closure=PERFORMED)

        limit = case.deadlines.get(node_type__code="case_limit")
        assert limit.status == Deadline.Status.MET and not limit.met_late
        steps = case.deadlines.exclude(node_type__code="case_limit").exclude(closed_at__lt=at(2026, 4, 1))
        assert steps.exists()
        assert set(steps.values_list("status", flat=True)) == {Deadline.Status.CANCELLED}
        event = case.events.get(kind=CaseEvent.Kind.CASE_CLOSED)
        assert event.data["limits_met"] == ["case_limit"] and event.data["limits_met_late"] == []

    def test_closing_after_the_due_date_meets_the_case_limit_late(self, clock, case, judge):
        limit = case.deadlines.get(node_type__code="case_limit")
        assert limit.due_date == datetime.date(2026, 9, 2)
        scan_deadlines(now=at(2026, 9, 3, 1))
        assert Alert.objects.filter(
            deadline=limit, level=Alert.Level.OVERDUE, resolved_at__isnull=True
        ).exists()
        clock.move_to(at(2026, 9, 10))

        close_case(actor=judge, case=case, closure=PERFORMED)

        limit.refresh_from_db()
        assert limit.status == Deadline.Status.MET and limit.met_late
        assert not Alert.objects.filter(deadline=limit, resolved_at__isnull=True).exists()
        event = case.events.get(kind=CaseEvent.Kind.CASE_CLOSED)
        assert event.data["limits_met_late"] == ["case_limit"]

    def test_met_on_the_last_day_is_on_time(self, clock, case, judge):
        clock.move_to(at(2026, 9, 2, 23, 59))
        close_case(actor=judge, case=case, closure=PERFORMED)
        assert not case.deadlines.get(node_type__code="case_limit").met_late

    def test_terminating_this_round_keeps_the_measures_and_their_clocks_running(self, clock, case, judge):
        measure = take(judge, case)
        clock.move_to(at(2026, 6, 3))

        close_case(actor=judge, case=case, closure=TERMINATED_THIS_ROUND, confirm_steps=True)

        assert Measure.objects.get(pk=measure.pk).status == Measure.Status.IN_FORCE
        assert term_clock(measure).status == Deadline.Status.OPEN
        assert case.deadlines.get(node_type__code="case_limit").status == Deadline.Status.MET


# --- 终本: more than 3 months since filing (data) -----------------------------------------------------------


class TestTerminateThisRound:
    def test_on_the_day_of_filing_it_is_refused(self, case, judge):
        error = refusal(actor=judge, case=case, closure=TERMINATED_THIS_ROUND)
        assert error.message_dict["closure"] == [
            "Terminated for this round (no executable property) needs more than 3 months since filing "
            "(filed on 2026-03-02): possible from 2026-06-03."
        ]
        nothing_closed(case)

    def test_on_the_last_day_of_the_three_months_it_is_refused_and_the_next_day_allowed(
        self, clock, case, judge
    ):
        clock.move_to(at(2026, 6, 2, 18))
        assert "closure" in refusal(actor=judge, case=case, closure=TERMINATED_THIS_ROUND).message_dict
        clock.move_to(at(2026, 6, 3, 9))
        close_case(actor=judge, case=case, closure=TERMINATED_THIS_ROUND, confirm_steps=True)
        case.refresh_from_db()
        assert case.closure == TERMINATED_THIS_ROUND

    def test_the_wait_is_data_a_court_may_set_its_own(self, clock, court, case, judge):
        ClosureRequirement.objects.create(
            closure=TERMINATED_THIS_ROUND,
            kind=ClosureRequirement.Kind.TIME_SINCE_FILING,
            court=court,
            months=1,
        )
        clock.move_to(at(2026, 4, 3))
        close_case(actor=judge, case=case, closure=TERMINATED_THIS_ROUND, confirm_steps=True)

    def test_other_modes_do_not_wait(self, case, judge):
        close_case(actor=judge, case=case, closure=Case.Closure.TERMINATED)
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED


# --- Once only ----------------------------------------------------------------------------------------------


class TestOnce:
    def test_a_closed_case_cannot_be_closed_again(self, case, judge):
        close_case(actor=judge, case=case, closure=PERFORMED)
        error = refusal(actor=judge, case=case, closure=Case.Closure.TERMINATED)
        assert error.messages == ["The case is already closed."]
        case.refresh_from_db()
        assert case.closure == PERFORMED
        assert case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).count() == 1

    def test_a_clerk_may_not_close(self, case, clerk):
        with pytest.raises(PermissionDenied):
            close_case(actor=clerk, case=case, closure=PERFORMED)
        nothing_closed(case)


# --- The closing page ---------------------------------------------------------------------------------------


def page(client, case: Case) -> str:
    response = client.get(reverse("case-close", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


class TestClosingPage:
    def test_the_case_page_links_to_the_closing_page(self, client, case, judge):
        client.force_login(judge)
        html = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'href="{reverse("case-close", args=[case.pk])}"' in html

    def test_it_shows_what_is_left_with_amounts_and_links_before_submitting(self, client, cash_case, judge):
        pay_in(cash_case, "5000.00")
        client.force_login(judge)
        html = page(client, cash_case)
        assert "The case account still holds 5,000.00 yuan" in html
        assert f'href="{reverse("case-detail", args=[cash_case.pk])}#money-panel"' in html
        assert 'type="submit" class="contrast" disabled' in html

    def test_it_lists_the_measures_to_release_and_the_wait_of_terminating_this_round(
        self, client, case, judge
    ):
        take(judge, case)
        client.force_login(judge)
        html = page(client, case)
        assert "Release: Freeze of a bank deposit, 银行存款" in html
        assert 'name="confirm_steps"' in html
        assert "possible from 2026-06-03" in html
        assert "Nothing is left" in html

    def test_submitting_without_the_confirmation_is_refused_and_with_it_closes(self, client, case, judge):
        measure = take(judge, case)
        client.force_login(judge)
        url = reverse("case-close", args=[case.pk])

        refused = client.post(url, {"closure": "performed"}, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 200
        assert "confirm it to close" in refused.content.decode()
        nothing_closed(case)

        done = client.post(url, {"closure": "performed", "confirm_steps": "on"}, HTTP_ACCEPT_LANGUAGE="en")
        assert done.status_code == 302 and done.url == reverse("case-detail", args=[case.pk])
        assert Measure.objects.get(pk=measure.pk).status == Measure.Status.RELEASED
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED

    def test_a_limit_met_late_shows_as_late_on_the_case_page(self, clock, client, case, judge):
        clock.move_to(at(2026, 9, 10))
        client.force_login(judge)
        response = client.post(
            reverse("case-close", args=[case.pk]),
            {"closure": "performed"},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
        html = response.content.decode()
        assert "Its time limit was met late" in html
        assert "met-late" in html

    def test_clerks_get_403_and_other_courts_404(self, client, case, clerk, outsider):
        url = reverse("case-close", args=[case.pk])
        client.force_login(clerk)
        assert client.get(url).status_code == 403
        assert client.post(url, {"closure": "performed"}).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        nothing_closed(case)
