"""The indicators the supervision pages show, as a registry other apps add to (payments adds the money
figures from its ``AppConfig.ready``), so the core counts money without importing the app that keeps it.

An indicator is defined once, by the set of cases behind it: ``cases(ctx)`` is the denominator's cases
(annotated with what the measures sum), ``counted(ctx)`` the condition that picks the numerator's cases
out of them. The nightly figures, the drill-down lists and their exports all call these two: the count and
the list can never disagree.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Q, QuerySet

from ..models import Case

if TYPE_CHECKING:
    from django.db.models import Aggregate

    from .context import Context

Text = Any  # a str or a lazy translation

Unit = Literal["percent", "days"]


def count_cases() -> "Aggregate":
    return Count("pk")


@dataclass(frozen=True)
class Indicator:
    code: str
    title: Text
    unit: Unit
    order: int
    cases: Callable[["Context"], QuerySet[Case]]
    # The numerator's cases among ``cases``; None: the numerator is measured over all of them.
    counted: Callable[["Context"], Q] | None
    describe: Callable[["Context"], Text]
    numerator: Callable[[], "Aggregate"] = count_cases
    denominator: Callable[[], "Aggregate"] = count_cases
    # Target in percent from the court's settings, None when there is none.
    target: Callable[["Context"], Decimal | None] = lambda ctx: None
    # Whether the year-to-date figure is the sum of the months (a flow) or the latest month (a stock).
    cumulative: bool = True
    money: bool = False
    # What the drill-down list shows of each case beyond its number: (annotation name, heading).
    columns: tuple[tuple[str, Text], ...] = field(default_factory=tuple)
    # Higher is better (a closure rate) or lower (days, overdue rates): colours the target check.
    higher_is_better: bool = True


class IndicatorRegistry:
    def __init__(self) -> None:
        self._static: dict[str, Indicator] = {}
        self._families: list[Callable[[], list[Indicator]]] = []

    def register(self, indicator: Indicator) -> Indicator:
        self._static[indicator.code] = indicator  # ready() may run twice: the same code replaces itself
        return indicator

    def register_family(self, family: Callable[[], list[Indicator]]) -> None:
        """Indicators that follow data (one per node type): asked for their members at each use."""
        if family not in self._families:
            self._families.append(family)

    def all(self) -> list[Indicator]:
        found = dict(self._static)
        for family in self._families:
            found.update({i.code: i for i in family()})
        return sorted(found.values(), key=lambda i: (i.order, i.code))

    def get(self, code: str) -> Indicator | None:
        return next((i for i in self.all() if i.code == code), None)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.all())


indicators = IndicatorRegistry()
register = indicators.register
register_family = indicators.register_family

# Cases with money or property under the court's control, as other apps know them (payments: money
# arrived in the case account). Each provider returns a queryset of case ids.
property_evidence: list[Callable[[], QuerySet]] = []


def register_property_evidence(provider: Callable[[], QuerySet]) -> None:
    if provider not in property_evidence:
        property_evidence.append(provider)
