"""Reads of deadlines for the case page and the API, with their explanations in words."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
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
    """The case page's deadlines. Deductions and extensions are rare: the deadlines' query says whether
    there are any, and only then are they read (a query each), so a case without them costs one query."""
    deadlines = list(
        Deadline.objects.filter(case=case)
        .select_related("node_type")
        .annotate(
            with_deductions=Exists(Deduction.objects.filter(deadline=OuterRef("pk"))),
            with_extensions=Exists(Extension.objects.filter(deadline=OuterRef("pk"))),
        )
        .order_by("closed_at", "due_at", "id")
    )
    loads: list[Prefetch[Any]] = []
    if any(d.with_deductions for d in deadlines):
        loads.append(Prefetch("deductions", queryset=Deduction.objects.select_related("approved_by")))
    if any(d.with_extensions for d in deadlines):
        loads.append(
            Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by"))
        )
    prefetch_related_objects(deadlines, *loads)
    return [
        DeadlineView(
            d,
            explained(d),
            list(d.deductions.all()) if d.with_deductions else [],
            list(d.extensions.all()) if d.with_extensions else [],
        )
        for d in deadlines
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
