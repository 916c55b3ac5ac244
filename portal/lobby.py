"""The lobby: what the LED screen in a court's hall and its self-service terminals show (reads only).

What is shown
    - The court's cases in progress (open cases), most recently active first: the latest public step on
      the timeline, or the filing for a case without one. At most ``CASE_LIMIT`` (200), the screen cycling
      through them ``LobbyScreen.rows_per_page`` at a time. Each case shows its number, its applicants'
      and respondents' names masked as the progress query masks them (张三 → 张某; organisations in full,
      as courts publish them), the responsible judge's name (never his login) and the stage in plain
      words, from the same facts as the progress page's stage (a judge assigned, a payout clock running).
    - Today's appointments at the court (Beijing's day): time, place, judge, the case number and the
      booking party's masked name. Not the topic: the party typed it.
    - The court's service phone and opening hours; for the terminals also the guidance and the forms.

    Nothing else about a party leaves this module: rows are read column by column (``values``), so no
    identity number, phone, address or amount is ever loaded, let alone shown.

Which courts
    Only a court whose ``LobbyScreen`` row is enabled (off until an administrator turns it on); any other
    court code is a 404, the same as a court that does not exist.

Cost
    A constant number of statements, whatever the number of cases: the screen's row with its court, the
    capped list of cases (one statement, with the stage's facts as subqueries), the parties of the cases
    shown, and the day's appointments (``tests/portal/test_lobby.py`` counts them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent, Court, Deadline, Party
from payments.selectors import PAYOUT_NODES

from .models import Appointment, DocumentTemplate, LobbyGuide, LobbyScreen
from .snapshot import masked_name

CASE_LIMIT = 200
CODE_MAX = 8  # Court.code
# Names shown per side of a case; more are summed up ("张某 等3人").
NAMES_SHOWN = 2


@dataclass(frozen=True)
class LobbyCase:
    number: str
    applicants: str
    respondents: str
    judge: str
    stage_code: str  # "filed", "enforcing" or "paying_out", as on the progress page
    stage: str
    active_on: datetime.date


@dataclass(frozen=True)
class LobbyAppointment:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    judge: str
    case_number: str
    party: str


def screen_for(code: str) -> LobbyScreen:
    """The enabled lobby screen of the court with this code, with its court; 404 for any other code."""
    if not code or len(code) > CODE_MAX:
        raise Http404
    screen = LobbyScreen.objects.select_related("court").filter(court__code=code, enabled=True).first()
    if screen is None or not screen.court.is_active:
        raise Http404
    return screen


def _stage(*, has_judge: bool, paying_out: bool) -> tuple[str, str]:
    """The stage of an open case in a few words, for a screen read from across the hall."""
    if not has_judge:
        return "filed", _("Filed, a judge is being chosen")
    if paying_out:
        return "paying_out", _("Paying out the money received")
    return "enforcing", _("Being enforced")


@dataclass(frozen=True)
class CaseRow:
    """An open case as ``cases_in_progress`` reads it: the columns shown, nothing about a party."""

    pk: int
    number: str
    active_at: datetime.datetime
    paying_out: bool
    has_judge: bool
    judge: str


def cases_in_progress(court: Court, *, limit: int = CASE_LIMIT) -> list[CaseRow]:
    """The court's open cases to show, most recently active first (no names yet: ``named``)."""
    last_public = (
        CaseEvent.objects.filter(case=OuterRef("pk"), public=True)
        .order_by("-occurred_at", "-id")
        .values("occurred_at")[:1]
    )
    paying_out = Deadline.objects.filter(
        case=OuterRef("pk"), node_type__code__in=PAYOUT_NODES, status__in=Deadline.ACTIVE
    )
    rows = (
        Case.objects.filter(court=court, status=Case.Status.FILED)
        .annotate(active_at=Coalesce(Subquery(last_public), "filed_at"), paying_out=Exists(paying_out))
        .order_by("-active_at", "-id")
        .values_list(
            "pk",
            "number",
            "active_at",
            "paying_out",
            "responsible_judge_id",
            "responsible_judge__first_name",
            "responsible_judge__last_name",
        )
    )
    return [
        CaseRow(pk, number, active_at, bool(paying_out), judge_id is not None, _person(first, last))
        for pk, number, active_at, paying_out, judge_id, first, last in rows[:limit]
    ]


def named(rows: Sequence[CaseRow]) -> list[LobbyCase]:
    """The rows of ``cases_in_progress`` with their parties' masked names (one statement)."""
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    parties = (
        Party.objects.filter(
            case_id__in=[row.pk for row in rows], role__in=[Party.Role.APPLICANT, Party.Role.RESPONDENT]
        )
        .order_by("case_id", "role", "position", "id")
        .values_list("case_id", "role", "name", "kind")
    )
    for case_id, role, name, kind in parties:
        names[case_id][role].append(masked_name(name, kind))
    shown = []
    for row in rows:
        stage_code, stage = _stage(has_judge=row.has_judge, paying_out=row.paying_out)
        sides = names[row.pk]
        shown.append(
            LobbyCase(
                number=row.number,
                applicants=_names(sides[Party.Role.APPLICANT]),
                respondents=_names(sides[Party.Role.RESPONDENT]),
                judge=row.judge,
                stage_code=stage_code,
                stage=stage,
                active_on=timezone.localtime(row.active_at).date(),
            )
        )
    return shown


def _names(names: list[str]) -> str:
    if len(names) <= NAMES_SHOWN:
        return "、".join(names)
    return _("%(names)s and %(count)s others") % {
        "names": "、".join(names[:NAMES_SHOWN]),
        "count": len(names) - NAMES_SHOWN,
    }


def _person(first: object, last: object) -> str:
    """A member of staff by name as parties see him (family name first for Chinese names); "" without one,
    never his login."""
    first_name, last_name = str(first or "").strip(), str(last or "").strip()
    if not (first_name or last_name):
        return ""
    if any("\u4e00" <= char <= "\u9fff" for char in first_name + last_name):
        return f"{last_name}{first_name}"
    return f"{first_name} {last_name}".strip()


def appointments_on(court: Court, day: datetime.date) -> list[LobbyAppointment]:
    """The court's appointments booked and not cancelled on ``day`` (the court's local day), by time."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    rows = (
        Appointment.objects.filter(
            slot__court=court,
            slot__withdrawn_at__isnull=True,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
            cancelled_at__isnull=True,
        )
        .order_by("slot__starts_at", "id")
        .values_list(
            "slot__starts_at",
            "slot__ends_at",
            "slot__place",
            "slot__judge__first_name",
            "slot__judge__last_name",
            "case__number",
            "party__name",
            "party__kind",
        )
    )
    return [
        LobbyAppointment(
            starts_at=timezone.localtime(starts),
            ends_at=timezone.localtime(ends),
            place=place,
            judge=_person(first, last),
            case_number=number,
            party=masked_name(name, kind),
        )
        for starts, ends, place, first, last, number, name, kind in rows
    ]


def _for_court(court: Court) -> Q:
    return Q(court__isnull=True) | Q(court=court)


def guides(court: Court, *, language: str | None = None) -> list[LobbyGuide]:
    """The guidance shown at the court's terminals in this language (the active one by default)."""
    language = language or get_language() or ""
    languages: Iterable[str] = ("", language, language.split("-")[0])
    return list(
        LobbyGuide.objects.filter(_for_court(court), active=True, language__in=set(languages)).order_by(
            "order", "id"
        )
    )


def document_templates(court: Court) -> list[DocumentTemplate]:
    return list(DocumentTemplate.objects.filter(_for_court(court), active=True).order_by("order", "id"))


def document_template(court: Court, pk: int) -> DocumentTemplate:
    """One form offered at the court; 404 for another court's, a withdrawn one or none."""
    found = DocumentTemplate.objects.filter(_for_court(court), active=True, pk=pk).first()
    if found is None:
        raise Http404
    return found
