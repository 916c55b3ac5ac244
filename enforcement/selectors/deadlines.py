"""Reads of deadlines for the case page and the API, with their explanations in words."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.timezone import localtime

from ..duedates import describe
from ..models import Case, Deadline, Deduction, Extension


@dataclass(frozen=True)
class DeadlineView:
    deadline: Deadline
    steps: list[str]
    deductions: list[Deduction]
    extensions: list[Extension]

    @property
    def pending_extension(self) -> Extension | None:
        return next((e for e in self.extensions if e.status == Extension.Status.REQUESTED), None)

    @property
    def running_deduction(self) -> Deduction | None:
        return next((d for d in self.deductions if d.end_date is None), None)


def deadlines_of(case: Case) -> QuerySet[Deadline]:
    """A case's deadlines, the running ones first, each with its deductions and extensions loaded."""
    return (
        Deadline.objects.filter(case=case)
        .select_related("node_type")
        .prefetch_related(
            Prefetch("deductions", queryset=Deduction.objects.select_related("approved_by")),
            Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
        )
        .order_by("closed_at", "due_at", "id")
    )


def explained(deadline: Deadline) -> list[str]:
    return [describe(step) for step in deadline.explanation]


def deadline_views(case: Case) -> list[DeadlineView]:
    return [
        DeadlineView(d, explained(d), list(d.deductions.all()), list(d.extensions.all()))
        for d in deadlines_of(case)
    ]


def deadline_as_dict(deadline: Deadline) -> dict[str, Any]:
    """The API's view of a deadline."""
    return {
        "id": deadline.pk,
        "node": deadline.node_type.code,
        "name": deadline.node_type.name,
        "status": deadline.status,
        "paused": deadline.paused,
        "anchor_at": localtime(deadline.anchor_at).isoformat(),
        "due_date": deadline.due_date.isoformat(),
        "due_at": localtime(deadline.due_at).isoformat(),
        "warn_at": localtime(deadline.warn_at).isoformat(),
        "explanation": explained(deadline),
    }
