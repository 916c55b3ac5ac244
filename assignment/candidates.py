"""Choosing a judge: the judges of a stream's teams as the load rule sees them, who could take a case (lowest
load relative to capacity first) and who not, and why (inactive, absent, recused, at capacity)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q

from enforcement.models import Case, Party, Team, TeamMembership

from .models import Absence, Recusal


@dataclass(frozen=True)
class Candidate:
    team: Team
    judge: User
    load: int
    capacity: int

    @property
    def key(self) -> tuple[float, int, int, int]:
        # Lowest load relative to capacity first; then fewer cases, then the same order every time.
        return (self.load / self.capacity, self.load, self.team.pk, self.judge.pk)


def open_loads(user_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Case.objects.filter(responsible_judge_id__in=list(user_ids))
        .exclude(status=Case.Status.CLOSED)
        .values("responsible_judge_id")
        .annotate(n=Count("id"))
    )
    return {row["responsible_judge_id"]: row["n"] for row in rows}


def absences_on(day: datetime.date, user_ids: Iterable[int]) -> dict[int, Absence]:
    """Per judge on leave that day, his (first) absence covering it."""
    found: dict[int, Absence] = {}
    covering = Absence.objects.filter(user_id__in=list(user_ids), first_day__lte=day, last_day__gte=day)
    for absence in covering.order_by("first_day", "pk"):
        found.setdefault(absence.user_id, absence)
    return found


def absent_on(day: datetime.date, user_ids: Iterable[int]) -> set[int]:
    return set(absences_on(day, user_ids))


def recusals_for(case: Case, user_ids: Iterable[int]) -> dict[int, Recusal]:
    """Per judge recused from a party of the case (by identity number, or by name when none was given),
    the first such recusal."""
    parties = list(Party.objects.filter(case=case).values_list("name", "id_number"))
    names = {name for name, _number in parties}
    numbers = {number for _name, number in parties if number}
    match = Q(party_id_number__in=numbers) | Q(party_id_number="", party_name__in=names)
    found: dict[int, Recusal] = {}
    for recusal in Recusal.objects.filter(match, user_id__in=list(user_ids)).order_by("pk"):
        found.setdefault(recusal.user_id, recusal)
    return found


def recused_from(case: Case, user_ids: Iterable[int]) -> set[int]:
    return set(recusals_for(case, user_ids))


@dataclass(frozen=True)
class Skipped:
    """A judge of the stream's teams who could not take the case, and why (a code of ``reasons``)."""

    team: Team
    judge: User
    code: str
    params: dict[str, object]


@dataclass(frozen=True)
class Field:
    """The stream's judges as the load rule saw them: who could take the case, best first, and who not."""

    candidates: list[Candidate]
    skipped: list[Skipped]


def weigh_judges(case: Case, teams: list[Team], day: datetime.date) -> Field:
    """Every judge membership of the teams, sorted into candidates (lowest relative load first) and the
    skipped, each with the first reason that excludes him: inactive, absent, recused, at capacity."""
    members = list(
        TeamMembership.objects.filter(team__in=teams, role=TeamMembership.Role.JUDGE)
        .select_related("team", "user")
        .order_by("team_id", "user_id", "pk")
    )
    ids = {m.user_id for m in members}
    loads, absences, recusals = open_loads(ids), absences_on(day, ids), recusals_for(case, ids)
    found: list[Candidate] = []
    skipped: list[Skipped] = []
    for m in members:
        load = loads.get(m.user_id, 0)
        why = _why_not(m, load, absences.get(m.user_id), recusals.get(m.user_id))
        if why is None:
            found.append(Candidate(m.team, m.user, load, max(m.capacity, 1)))
        else:
            skipped.append(Skipped(m.team, m.user, *why))
    return Field(sorted(found, key=lambda c: c.key), skipped)


def _why_not(
    member: TeamMembership, load: int, absence: Absence | None, recusal: Recusal | None
) -> tuple[str, dict[str, object]] | None:
    if not member.user.is_active:
        return "inactive", {}
    if absence is not None:
        return "absent", {
            "first_day": absence.first_day.isoformat(),
            "last_day": absence.last_day.isoformat(),
        }
    if recusal is not None:
        return "recused", {"party": recusal.party_name, "reason": recusal.reason}
    if load >= member.capacity:
        return "at_capacity", {"load": load, "capacity": member.capacity}
    return None


def candidates(case: Case, teams: list[Team], day: datetime.date) -> list[Candidate]:
    return weigh_judges(case, teams, day).candidates


def teams_for_stream(case: Case, stream: str) -> list[Team]:
    return list(
        Team.objects.filter(court_id=case.court_id, is_active=True, kind__stream=stream).order_by("pk")
    )
