"""State changes keep what changed, from what, to what, on the timeline event (issue 13, point 6)."""

from decimal import Decimal

import pytest

from assignment import services as assignment
from enforcement.models import CaseEvent
from enforcement.services.events import record_event
from payments import services as payments
from tests.assignment.test_assignment import file
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db


def changes_of(case, kind: str) -> dict:  # type: ignore[no-untyped-def]
    return CaseEvent.objects.filter(case=case, kind=kind).latest("pk").data.get("changes", {})


def test_a_triage_override_keeps_the_stream_it_replaced(court, clerk, team_lead, supervisor):
    case = file(court, clerk, claim_amount=Decimal("30000.00"))
    decision = assignment.triage_case(actor=team_lead, case=case)
    assignment.override_triage(actor=supervisor, decision=decision, stream="complex", reason="关联案件多")
    assert changes_of(case, CaseEvent.Kind.TRIAGE_OVERRIDDEN) == {
        "stream": {"from": "simple", "to": "complex"}
    }


def test_a_payout_keeps_each_status_it_passed(court, clerk, judge, team_lead, finance):
    case = money_case(court, clerk, judge)
    pay_in(case, "500.00")
    payout = payments.propose_payout(
        actor=judge, case=case, lines=[(case.applicants()[0], Decimal("100.00"))]
    )
    payments.decide_payout(actor=team_lead, payout=payout, approve=True)
    assert changes_of(case, CaseEvent.Kind.PAYOUT_APPROVED) == {
        "status": {"from": "proposed", "to": "approved"}
    }
    second = payments.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal("50.00"))])
    payments.cancel_payout(actor=judge, payout=second, note="申请人撤回")
    assert changes_of(case, CaseEvent.Kind.PAYOUT_CANCELLED) == {
        "status": {"from": "proposed", "to": "cancelled"}
    }


def test_only_values_that_differ_are_kept_and_as_json_keeps_them(court, clerk, judge):
    case = money_case(court, clerk, judge)
    event = record_event(
        case=case,
        kind=CaseEvent.Kind.NOTE_ADDED,
        actor=judge,
        public=False,
        changes={"amount": (Decimal("1.5"), Decimal("2")), "judge": (judge, judge), "stream": ("", "simple")},
    )
    event.refresh_from_db()
    assert event.data["changes"] == {
        "amount": {"from": "1.50", "to": "2.00"},
        "stream": {"from": "", "to": "simple"},
    }


def test_an_event_that_changed_nothing_has_no_changes(court, clerk, judge):
    case = money_case(court, clerk, judge)
    event = record_event(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=judge, public=False, changes={})
    assert "changes" not in event.data
