"""The case's urgency: the columns the queues sort and filter by, derived from its running deadlines.

``Case.next_due_at`` (the earliest due time among the running deadlines), ``overdue_deadlines`` and
``nearing_deadlines`` (how many of them the scan has moved to each level) are stored on the case row so
that a judge's or a team's queue is an index scan with a LIMIT instead of an aggregate over every deadline
of every case. They are written by one function, ``refresh_case_urgency``, in one UPDATE for a set of
cases, and every write of the deadline engine (open, meet, cancel, end with the case, recompute after a
deduction, an extension or a calendar change) and every batch of the scan calls it inside its own
transaction, so the stored values change with the deadlines they come from. ``manage.py
refresh_case_urgency`` recomputes every case, for repair; ``stale_case_ids`` finds those that disagree.
"""

from collections.abc import Iterable

from django.db.models import Case as DjangoCase
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import Case, Deadline

# Cases refreshed per statement by ``refresh_all``: bounded so that a repair of a million cases does not
# hold one transaction and every case row's lock for minutes.
REPAIR_BATCH = 20_000


def _running() -> QuerySet[Deadline]:
    return Deadline.objects.filter(case_id=OuterRef("pk"), status__in=Deadline.ACTIVE)


def _count(status: str) -> Coalesce:
    counted = _running().filter(status=status).order_by().values("case_id").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), Value(0))


def computed_urgency() -> dict[str, object]:
    """The urgency columns as expressions over a case row's deadlines (for ``update`` or ``annotate``)."""
    return {
        "next_due_at": Subquery(_running().order_by("due_at").values("due_at")[:1]),
        "overdue_deadlines": _count(Deadline.Status.OVERDUE),
        "nearing_deadlines": _count(Deadline.Status.NEARING),
    }


def refresh_case_urgency(case_ids: Iterable[int]) -> int:
    """Recompute the urgency of the given cases from their deadlines, in one UPDATE; returns the rows."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    return Case.objects.filter(pk__in=ids).update(**computed_urgency())


def stale_case_ids(cases: QuerySet[Case] | None = None) -> list[int]:
    """The cases whose stored urgency differs from what their deadlines say (empty: all consistent)."""
    cases = Case.objects.all() if cases is None else cases
    computed = {f"computed_{name}": expression for name, expression in computed_urgency().items()}
    same_due = Q(next_due_at=F("computed_next_due_at")) | Q(
        next_due_at__isnull=True, computed_next_due_at__isnull=True
    )
    same = (
        same_due
        & Q(overdue_deadlines=F("computed_overdue_deadlines"))
        & Q(nearing_deadlines=F("computed_nearing_deadlines"))
    )
    # A positive condition in a CASE, not a negated Q: SQL's NOT over a comparison with NULL is unknown.
    differs = DjangoCase(When(same, then=Value(0)), default=Value(1), output_field=IntegerField())
    checked = cases.annotate(**computed).annotate(differs=differs).filter(differs=1)
    return list(checked.order_by("pk").values_list("pk", flat=True))


def refresh_all(*, batch: int = REPAIR_BATCH) -> int:
    """Recompute every case's urgency, in batches by id; returns how many cases were refreshed."""
    done, last = 0, 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        done += refresh_case_urgency(ids)
        last = ids[-1]
