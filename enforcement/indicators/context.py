"""What an indicator is computed for: a court's month (and the settings that define it there)."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Case, IndicatorSettings


def settings_for(court_id: int) -> IndicatorSettings:
    """The court's own settings, else the court-less default row, else the defaults of the model."""
    found_rows = IndicatorSettings.objects.filter(Q(court_id=court_id) | Q(court__isnull=True))
    rows = {s.court_id: s for s in found_rows}
    found = rows.get(court_id) or rows.get(None)
    return found if found is not None else IndicatorSettings()


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Context:
    settings: IndicatorSettings
    court_id: int
    month: datetime.date  # the first day of the month

    @property
    def start(self) -> datetime.datetime:
        """The month's first moment in the court's time (Asia/Shanghai)."""
        return local_midnight(self.month)

    @property
    def end(self) -> datetime.datetime:
        """The next month's first moment: the month is [start, end)."""
        return local_midnight(self.month + relativedelta(months=1))


def context_for(court_id: int, month: datetime.date) -> Context:
    return Context(settings=settings_for(court_id), court_id=court_id, month=month_start(month))


@dataclass(frozen=True)
class Scope:
    court_id: int
    team_id: int | None = None
    judge_id: int | None = None

    def cases(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.team_id is not None:
            cases = cases.filter(team_id=self.team_id)
        if self.judge_id is not None:
            cases = cases.filter(responsible_judge_id=self.judge_id)
        return cases
