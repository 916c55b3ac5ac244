"""Writes of the 终本 pool: the re-search rounds a 终本 closure opens, their results, the leads sent since.

After a case closes as 终结本次执行程序 the court searches the respondent's property again every 6 months
for 5 years and tells the applicant each result (终本规定 2016; RULES.md "After 终本").

How the rounds are scheduled
    All ten are opened in the closing transaction (the closure step below), each a deadline of node type
    ``pool_research`` anchored on the closure: round k is due 6k months after the closure day (its budget
    is k times the node type's), and its window opens 6(k-1) months after it. Anchoring every round on
    the closure, rather than opening the next round when one is done, keeps them from drifting: a round
    done late, or early, moves no later round, a round never done does not stop the ones after it, and a
    closure on 31 August gives 28 (or 29) February, then 31 August, never 28 August. The node type's
    budget is the interval (data, 6 months); ``POOL_MONTHS`` the length of the pool (5 years).

Who keeps the pool
    The court's pool team (``Court.pool_team``), else the case's judges (``access.keeps_pool``); the
    rounds' alerts go to them (``NodeType.Responsible.POOL_KEEPER``).

Lock order: the case row first (as every writer of a case), then the round.
"""

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcement import access
from enforcement.closure import ClosureStep, Item, register_step
from enforcement.models import Case, CaseEvent, Deadline, NodeType
from enforcement.notify import in_pool
from enforcement.services.deadlines import (
    active_deadlines,
    cancel_deadline,
    meet_deadline,
    node_type_for,
    open_deadline,
    projected_times,
)
from enforcement.services.events import record_event
from enforcement.workcalendar import WorkingCalendar

from . import event_texts
from .models import PoolRound

POOL_NODE = "pool_research"
# Five years of re-searches after the closure (终本规定 2016); the interval is the node type's budget.
POOL_MONTHS = 60
LEAD_NODES = ("verify_lead", "verify_lead_urgent")
MAX_TEXT = 2000


# --- Opening the pool: a step of the 终本 closure ---------------------------------------------------------


def _node(case: Case) -> NodeType:
    node = node_type_for(case.court, POOL_NODE)
    if node.unit != NodeType.Unit.MONTHS:
        raise ValidationError(_("The re-search interval must be a number of months; ask the administrator."))
    return node


def rounds_for(node: NodeType) -> int:
    return max(1, POOL_MONTHS // node.budget)


def _keeper_name(case: Case) -> str:
    team = case.court.pool_team
    if team is not None and team.is_active:
        return team.name
    return _("the case's judge")


def pending(case: Case) -> Iterable[Item]:
    """What the closure will open, as the closing page shows it before the user confirms."""
    node = _node(case)
    rounds = rounds_for(node)
    now = timezone.now()
    calendar = WorkingCalendar.for_court(case.court)
    first, last = (_last_day(node, number, now, calendar) for number in (1, rounds))
    message = ngettext(
        "Open the 终本 pool: %(rounds)d re-search of the respondent's property every %(months)d months "
        "until %(last)s, the first by %(first)s, kept by %(keeper)s.",
        "Open the 终本 pool: %(rounds)d re-searches of the respondent's property, one every %(months)d "
        "months until %(last)s, the first by %(first)s, kept by %(keeper)s.",
        rounds,
    ) % {
        "rounds": rounds,
        "months": node.budget,
        "last": last.isoformat(),
        "first": first.isoformat(),
        "keeper": _keeper_name(case),
    }
    return [Item(POOL_NODE, message)]


def _last_day(
    node: NodeType, number: int, anchor: datetime.datetime, calendar: WorkingCalendar
) -> datetime.date:
    """The last day of round ``number`` opened now, as the engine will compute it (nothing stored)."""
    rule = NodeType(
        budget=node.budget * number,
        unit=node.unit,
        counting=node.counting,
        warn_lead_days=node.warn_lead_days,
    )
    _warn_at, due_at = projected_times(node=rule, anchor_at=anchor, calendar=calendar)
    return timezone.localtime(due_at).date() - datetime.timedelta(days=1)


def open_pool(actor: User, case: Case) -> list[PoolRound]:
    """The rounds and their clocks, in the closing transaction (the case is locked by the closure)."""
    if PoolRound.objects.filter(case=case).exists():
        return list(PoolRound.objects.filter(case=case))
    node = _node(case)
    now = timezone.now()
    closed_on = timezone.localdate(now)
    rounds = []
    for number in range(1, rounds_for(node) + 1):
        pool_round = PoolRound(
            case=case, number=number, opens_on=closed_on + relativedelta(months=node.budget * (number - 1))
        )
        pool_round._history_user = actor  # type: ignore[attr-defined]
        pool_round.save()
        open_deadline(
            case=case,
            code=POOL_NODE,
            anchor_at=now,
            actor=actor,
            subject=pool_round,
            budget=node.budget * number,
        )
        rounds.append(pool_round)
    return rounds


def _open(actor: User, case: Case) -> None:
    open_pool(actor, case)


register_step(
    ClosureStep(
        code="assignment.open_pool",
        closures=frozenset({Case.Closure.TERMINATED_THIS_ROUND}),
        pending=pending,
        perform=_open,
    )
)


# --- Recording a round -------------------------------------------------------------------------------------


def _locked_pool_case(actor: User, case: Case) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    access.require(
        access.keeps_pool(actor, locked),
        _("Only the keeper of the 终本 pool (the pool team, or the case's judges) records this."),
    )
    if not in_pool(locked):
        raise ValidationError(_("This case is not in the 终本 pool (not closed as 终本, or resumed)."))
    return locked


def _clean(text: str, field: str, *, required: bool, message: str) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError({field: message})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": MAX_TEXT}})
    return text


def current_round(case: Case, today: datetime.date) -> PoolRound | None:
    """The round to record now: the earliest not yet recorded whose window has opened (an overdue one
    first); None when the next round's window is still to come or every round is recorded."""
    return PoolRound.objects.filter(case=case, outcome="", opens_on__lte=today).order_by("number").first()


@transaction.atomic
def record_round(
    *, actor: User, case: Case, outcome: str, property_found: str = "", note: str = ""
) -> PoolRound:
    """The result of the current re-search: its clock is met, the applicant is told (SMS and the public
    timeline, which names the outcome, never the property)."""
    if outcome not in PoolRound.Outcome.values:
        raise ValidationError({"outcome": _("Choose the result of the search.")})
    found = outcome == PoolRound.Outcome.FOUND
    property_found = _clean(
        property_found, "property_found", required=found, message=_("Say what property was found.")
    )
    note = _clean(note, "note", required=False, message="")
    locked = _locked_pool_case(actor, case)
    pool_round = current_round(locked, timezone.localdate())
    if pool_round is None:
        raise ValidationError(_next_round_text(locked))
    pool_round = PoolRound.objects.select_for_update().get(pk=pool_round.pk)
    total = PoolRound.objects.filter(case=locked).count()
    pool_round.outcome = outcome
    pool_round.property_found = property_found if found else ""
    pool_round.note = note
    pool_round.recorded_by, pool_round.recorded_at = actor, timezone.now()
    pool_round._history_user = actor  # type: ignore[attr-defined]
    pool_round.save()
    meet_deadline(case=locked, code=POOL_NODE, actor=actor, subject=pool_round)
    record_event(
        case=locked,
        kind=CaseEvent.Kind.POOL_SEARCH_RECORDED,
        actor=actor,
        public=True,
        text_code=event_texts.POOL_ROUND,
        text_params={"round": pool_round.number, "rounds": total, "outcome": outcome},
        # What was found stays with staff: the timeline is read by the respondent too.
        data={"round": pool_round.number, "outcome": outcome, "pool_round": pool_round.pk},
    )
    return pool_round


def _next_round_text(case: Case) -> str:
    upcoming = PoolRound.objects.filter(case=case, outcome="").order_by("number").first()
    if upcoming is None:
        return _("Every re-search of this case is recorded.")
    return _("The next re-search, round %(round)d, is done from %(date)s.") % {
        "round": upcoming.number,
        "date": upcoming.opens_on.isoformat(),
    }


# --- Leads sent after the closure ---------------------------------------------------------------------------


@transaction.atomic
def record_lead_verified(*, actor: User, case: Case, detail: str) -> CaseEvent:
    """The keeper verified the leads parties sent since the closure: their clocks are met."""
    detail = _clean(detail, "detail", required=True, message=_("Describe what was found or verified."))
    locked = _locked_pool_case(actor, case)
    if not active_deadlines(locked).filter(node_type__code__in=LEAD_NODES).exists():
        raise ValidationError(_("No lead of this case is waiting to be verified."))
    event = record_event(
        case=locked, kind=CaseEvent.Kind.LEAD_VERIFIED, actor=actor, public=False, detail=detail
    )
    for code in LEAD_NODES:
        meet_deadline(case=locked, code=code, actor=actor)
    return event


# --- Leaving the pool --------------------------------------------------------------------------------------


def end_pool(*, actor: User, case: Case) -> list[Deadline]:
    """The case resumed: the rounds still to come will not be searched in this case (the resumed case is
    enforced afresh), so their clocks are cancelled. The caller holds the case's lock."""
    return cancel_deadline(case=case, code=POOL_NODE, actor=actor)
