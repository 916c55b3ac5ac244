"""Reads for the closing page, the review queue and the API: proposals, the 终本 checklist, interviews."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from .. import access, closure, roles
from ..duedates import DueDate, describe
from ..models import (
    Case,
    CaseEvent,
    ClosureInterview,
    ClosureProposal,
    ClosureRequirement,
    ClosureService,
)

TERMINATE_ROUND = Case.Closure.TERMINATED_THIS_ROUND
# What the judge tells the applicant at the closure interview, prefilled from the timeline.
MEASURE_EVENTS = (
    CaseEvent.Kind.ONLINE_SEARCH_RESULTS,
    CaseEvent.Kind.LEAD_VERIFIED,
    CaseEvent.Kind.MEASURE_TAKEN,
    CaseEvent.Kind.MEASURE_RENEWED,
    CaseEvent.Kind.MEASURE_RELEASED,
    CaseEvent.Kind.DETENTION_APPROVED,
    CaseEvent.Kind.FINE_APPROVED,
)


def open_proposal(case: Case) -> ClosureProposal | None:
    return (
        ClosureProposal.objects.filter(case=case, status=ClosureProposal.Status.PROPOSED)
        .select_related("proposed_by", "case__court")
        .first()
    )


def decided_proposals(case: Case) -> QuerySet[ClosureProposal]:
    return (
        ClosureProposal.objects.filter(case=case)
        .exclude(status=ClosureProposal.Status.PROPOSED)
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
    )


def approved_proposal(case: Case) -> ClosureProposal | None:
    return decided_proposals(case).filter(status=ClosureProposal.Status.APPROVED).first()


def proposals_to_review(user: User) -> QuerySet[ClosureProposal]:
    """Closures waiting in the reviewer's courts that he did not propose himself, oldest first."""
    if not roles.has_role(user, *access.CLOSURE_APPROVER_ROLES):
        return ClosureProposal.objects.none()
    return (
        ClosureProposal.objects.filter(
            status=ClosureProposal.Status.PROPOSED, case__court_id__in=roles.court_ids_of(user)
        )
        .exclude(proposed_by=user)
        .select_related("case__court", "case__responsible_judge", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def by_condition(lines: list[closure.Line]) -> list[tuple[int, list[closure.Line]]]:
    """A checklist grouped by the law's condition number (0, the interview, last)."""
    groups: dict[int, list[closure.Line]] = {}
    for line in lines:
        groups.setdefault(line.requirement.condition, []).append(line)
    return sorted(groups.items(), key=lambda group: group[0] or 99)


@dataclass(frozen=True)
class Wait:
    """How long 终本 waits after filing, as the engine counted it."""

    months: int
    count: DueDate

    @property
    def earliest(self) -> datetime.date:
        """The first day more than ``months`` months have passed (已超过)."""
        return self.count.last_day + datetime.timedelta(days=1)

    @property
    def reached(self) -> bool:
        return timezone.localdate() >= self.earliest

    @property
    def explanation(self) -> list[str]:
        """How the engine counted it, step by step, in the reader's language (deductions included)."""
        return [describe(step) for step in self.count.explanation]


def terminate_round_wait(case: Case) -> Wait | None:
    rows = [
        r
        for r in closure.requirements_of(case, TERMINATE_ROUND)
        if r.kind == ClosureRequirement.Kind.TIME_SINCE_FILING
    ]
    if not rows:
        return None
    months = rows[0].months or 1
    return Wait(months=months, count=closure.wait_after_filing(case, months))


def interviews_of(case: Case) -> QuerySet[ClosureInterview]:
    return ClosureInterview.objects.filter(case=case).select_related("recorded_by")


def services_of(case: Case) -> QuerySet[ClosureService]:
    return ClosureService.objects.filter(case=case).select_related("recorded_by")


def measures_summary(case: Case) -> str:
    """The searches and measures of the case, one line each, as a start for what the applicant is told."""
    lines = []
    for event in case.events.filter(kind__in=MEASURE_EVENTS).order_by("occurred_at", "pk"):
        words = event.text or event.get_kind_display()
        if event.detail:
            words = f"{words}: {event.detail}"
        lines.append(f"{timezone.localdate(event.occurred_at).isoformat()} {words}")
    return "\n".join(lines)
