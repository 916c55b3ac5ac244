"""What the deadline scan will say today of a clock started on a given day: the demo plans with it.

The due times come from the engine itself (``projected_times``, the computation ``open_deadline``
stores), so a plan that expects a case to be nearing its limit today is right by construction.
"""

import datetime

from enforcement.models import Court, NodeType
from enforcement.services.deadlines import node_type_for, projected_times

from .clock import Clock

ON_TIME, NEARING, OVERDUE = "on_time", "nearing", "overdue"
URGENCY = {ON_TIME: 0, NEARING: 1, OVERDUE: 2}


class Forecast:
    """The level (on time, nearing, overdue) at the clock's now of a clock counted in days started on a
    given day."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._nodes: dict[tuple[int, str], NodeType] = {}
        self._times: dict[tuple[int, str, datetime.date], tuple[datetime.datetime, datetime.datetime]] = {}

    def level(self, court: Court, code: str, anchor_day: datetime.date) -> str:
        warn_at, due_at = self.times(court, code, anchor_day)
        if due_at <= self.clock.now:
            return OVERDUE
        return NEARING if warn_at <= self.clock.now else ON_TIME

    def due_at(self, court: Court, code: str, anchor_day: datetime.date) -> datetime.datetime:
        return self.times(court, code, anchor_day)[1]

    def times(
        self, court: Court, code: str, anchor_day: datetime.date
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """(warn_at, due_at) of the clock, whatever the time of day it started (the day is what counts)."""
        key = (court.pk, code, anchor_day)
        if key not in self._times:
            self._times[key] = projected_times(
                node=self._node(court, code),
                anchor_at=self.clock.moment(anchor_day, 0),
                calendar=self.clock.calendar(court),
            )
        return self._times[key]

    def _node(self, court: Court, code: str) -> NodeType:
        if (court.pk, code) not in self._nodes:
            self._nodes[court.pk, code] = node_type_for(court, code)
        return self._nodes[court.pk, code]


def worst(levels: list[str]) -> str:
    return max(levels, key=URGENCY.__getitem__, default=ON_TIME)
