"""The demo's story: how far each case has come and on which days, so that on the day of the seed most
cases are on time, some are nearing a limit and about one in ten is past one.

Nothing here writes. A case's stage says which of its first steps are done: filed at the window (with
the notices and the first interview), assigned by the team lead, the enforcement notice served and the
leads asked for by the judge, the online search started. Each step comes a working day after the one
before, in office hours. The case's outlook today (on time, nearing, overdue) is given first, by quota;
the day it was filed is then chosen among the days on which the deadline engine (``forecast``) puts the
clocks still running at that level today, with one of them at most raising an alert.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from assignment.services import ON_ASSIGNMENT, ONLINE_SEARCH

from .clock import Clock
from .drafts import DemoCase
from .forecast import NEARING, ON_TIME, OVERDUE, Forecast, worst
from .material import SEED
from .org import HOME_COURT

FILED, ASSIGNED, NOTIFIED, SEARCHED = "filed", "assigned", "notified", "searched"
STAGES = (FILED, ASSIGNED, NOTIFIED, SEARCHED)  # in the order a case goes through them

OVERDUE_SHARE, NEARING_SHARE = 0.10, 0.12
# The custody and payments examples bring their own: a freeze lapsed and a payout not made in time
# (overdue), a freeze expiring within 30 days (nearing). The quotas count them.
OVERDUE_EXAMPLES, NEARING_EXAMPLES = 2, 1
# The stages a case of the home court is at, by outlook: most on-time cases are past their first steps
# and a few just came in; a late case waits for its search (or, less often, for assignment); a nearing
# one also for its search, or it nears its whole-case limit (the stage SEARCHED, filed months ago).
STAGE_WEIGHTS = {
    ON_TIME: {SEARCHED: 85, NOTIFIED: 3, ASSIGNED: 6, FILED: 6},
    NEARING: {NOTIFIED: 40, SEARCHED: 40, FILED: 20},
    OVERDUE: {NOTIFIED: 70, FILED: 30},
}
HISTORY_DAYS = 61  # the on-time cases came in over the last two months
LOOK_BACK_DAYS = 200  # far enough back for a case nearing its six-month limit
ASSIGN_JUDGE = "assign_judge"  # opened at filing (intake.services), met at assignment


@dataclass(frozen=True)
class Days:
    """The working days of a case's first steps, if it gets that far."""

    filed: datetime.date
    assigned: datetime.date
    notified: datetime.date
    searched: datetime.date


@dataclass(frozen=True)
class Story:
    demo: DemoCase
    stage: str
    outlook: str  # what the scan will find today
    filed: datetime.datetime  # filed at the window; the notices and the interview follow
    followed_up: datetime.datetime
    assigned: datetime.datetime | None = None
    notified: datetime.datetime | None = None
    searched: datetime.datetime | None = None

    @property
    def received_on(self) -> datetime.date:
        return timezone.localdate(self.filed)


def plan_stories(demos: list[DemoCase], clock: Clock) -> list[Story]:
    """Every case's story, in the order the applications came in."""
    rng = random.Random(SEED + 1)  # the days only: the cases themselves are the same on any day
    planner = Planner(clock, rng)
    stories = [
        planner.story(demo, outlook) for demo, outlook in zip(demos, outlooks(demos, rng), strict=True)
    ]
    return sorted(stories, key=lambda story: story.filed)


def outlooks(demos: list[DemoCase], rng: random.Random) -> list[str]:
    """About one case in ten overdue and one in eight nearing, examples included, all in the home court
    (whose supervisor the demo signs in as); the rest on time."""
    overdue = max(0, round(len(demos) * OVERDUE_SHARE) - OVERDUE_EXAMPLES)
    nearing = max(0, round(len(demos) * NEARING_SHARE) - NEARING_EXAMPLES)
    home = [index for index, demo in enumerate(demos) if demo.court.code == HOME_COURT]
    chosen = rng.sample(home, min(len(home), overdue + nearing))
    result = [ON_TIME] * len(demos)
    for position, index in enumerate(chosen):
        result[index] = OVERDUE if position < overdue else NEARING
    return result


class Planner:
    def __init__(self, clock: Clock, rng: random.Random) -> None:
        self.clock, self.rng = clock, rng
        self.forecast = Forecast(clock)

    def story(self, demo: DemoCase, outlook: str) -> Story:
        for stage in self.stages(demo, outlook):
            days = self.filing_days(demo, stage, outlook)
            if days:
                return self.told(demo, stage, outlook, self.pick(days, outlook))
        if outlook != ON_TIME:
            # No day gives that today (nothing counted in days can be nearing on some rest days).
            return self.story(demo, ON_TIME)
        # Only after a long holiday, before office hours: every case waiting for triage is nearing.
        stage = FILED if demo.court.code != HOME_COURT else SEARCHED
        filed_on = self.reachable_days(demo, stage)[0]
        return self.told(demo, stage, worst(self.levels(demo, stage, filed_on)), filed_on)

    def stages(self, demo: DemoCase, outlook: str) -> list[str]:
        """The stages to try for the outlook, the first drawn by its weight, then the others in order."""
        if demo.court.code != HOME_COURT:
            return [FILED]  # no judges there in the demo: its cases wait for triage
        weights = STAGE_WEIGHTS[outlook]
        first = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        return [first, *(stage for stage in weights if stage != first)]

    def filing_days(self, demo: DemoCase, stage: str, outlook: str) -> list[datetime.date]:
        """The days, newest first, a case filed on would be at ``outlook`` today having reached ``stage``."""
        days = self.reachable_days(demo, stage)
        if outlook == ON_TIME and stage == SEARCHED:
            days = [day for day in days if (self.clock.today - day).days < HISTORY_DAYS]
        return [day for day in days if self.has_outlook(demo, stage, day, outlook)]

    def reachable_days(self, demo: DemoCase, stage: str) -> list[datetime.date]:
        """The filing days, newest first, from which a case reaches ``stage`` by the latest day."""
        latest = self.clock.latest_day(demo.court)
        days = self.clock.working_days_back(demo.court, LOOK_BACK_DAYS)
        return [day for day in days if last_step_day(self.schedule(demo, day), stage) <= latest]

    def has_outlook(self, demo: DemoCase, stage: str, filed_on: datetime.date, outlook: str) -> bool:
        """Whether the case's running clocks are at ``outlook`` today, with one alert at most."""
        levels = self.levels(demo, stage, filed_on)
        return worst(levels) == outlook and (outlook == ON_TIME or levels.count(outlook) == 1)

    def levels(self, demo: DemoCase, stage: str, filed_on: datetime.date) -> list[str]:
        clocks = running_clocks(demo, stage, self.schedule(demo, filed_on))
        return [self.forecast.level(demo.court, code, day) for code, day in clocks]

    def schedule(self, demo: DemoCase, filed_on: datetime.date) -> Days:
        """Each step a working day after the one before."""
        assigned = self.clock.working_day_after(demo.court, filed_on)
        notified = self.clock.working_day_after(demo.court, assigned)
        # The judge searches the day he serves the notice, or the day he gets the file if that is late.
        search_due = self.forecast.due_at(demo.court, ONLINE_SEARCH, filed_on)
        searched = notified if self.clock.moment(notified, 0) < search_due else assigned
        return Days(filed_on, assigned, notified, searched)

    def pick(self, days: list[datetime.date], outlook: str) -> datetime.date:
        # Overdue by a few days, not by months: a case that late would have been taken up.
        return self.rng.choice(days[:4] if outlook == OVERDUE else days)

    def told(self, demo: DemoCase, stage: str, outlook: str, filed_on: datetime.date) -> Story:
        """The story with its moments: each step at a time of day within office hours."""
        days, at, reached = self.schedule(demo, filed_on), self.clock.moment, STAGES.index(stage)
        filed = self.rng.randrange(420)  # minutes into the office day: the window files until 16:00
        assigned = self.rng.randrange(120)  # the team lead assigns in the morning
        notified = self.rng.randrange(240)
        searched = (notified if days.searched == days.notified else assigned) + 60
        return Story(
            demo=demo,
            stage=stage,
            outlook=outlook,
            filed=at(days.filed, filed),
            followed_up=at(days.filed, filed + self.rng.randint(20, 50)),
            assigned=at(days.assigned, assigned) if reached >= STAGES.index(ASSIGNED) else None,
            notified=at(days.notified, notified) if reached >= STAGES.index(NOTIFIED) else None,
            searched=at(days.searched, searched) if reached >= STAGES.index(SEARCHED) else None,
        )


def last_step_day(days: Days, stage: str) -> datetime.date:
    """The day of the last step a case at ``stage`` has taken."""
    return (days.filed, days.assigned, days.notified, max(days.notified, days.searched))[STAGES.index(stage)]


def running_clocks(demo: DemoCase, stage: str, days: Days) -> list[tuple[str, datetime.date]]:
    """The clocks of a case at ``stage`` still running, with the day each started."""
    limit = "case_limit_non_litigation" if demo.is_non_litigation else "case_limit"
    clocks = [(limit, days.filed)]
    if stage == FILED:
        clocks.append((ASSIGN_JUDGE, days.filed))
    if stage == ASSIGNED:
        clocks += [(code, days.assigned) for code in ON_ASSIGNMENT]
    if stage in (ASSIGNED, NOTIFIED):
        clocks.append((ONLINE_SEARCH, days.filed))
    return clocks
