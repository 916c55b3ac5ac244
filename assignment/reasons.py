"""Why an assignment went to its judge: recorded as codes with parameters, rendered in the reader's language.

``Assignment.why_chosen`` holds what the choice compared, so the record still explains itself after loads,
capacities, leave and recusals have changed::

    {
        "rule": "lowest_load" | "by_hand" | "reassigned",
        "stream": "simple",
        "chosen": {"judge_id": 7, "judge": "王明", "team_id": 2, "team": "速执", "load": 3, "capacity": 10},
        "compared": [<the same shape>, ...],   # the judges who could take it, best first (by load only)
        "skipped": [{"judge_id": 8, "judge": "李华", "team_id": 2, "team": "速执团队",
                     "code": "absent", "params": {"first_day": "2026-11-30", "last_day": "2026-12-04"}}],
        "notes": [{"code": "tie", "params": {}}],
    }

Names are kept as they were at the time; dates are ISO dates and numbers plain numbers, so that nothing
in the record depends on the language of the person who assigned.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from enforcement.models import Team
from enforcement.people import display_name

if TYPE_CHECKING:
    from .candidates import Candidate, Field

LOWEST_LOAD = "lowest_load"
BY_HAND = "by_hand"
REASSIGNED = "reassigned"

# Why a judge of the stream's teams was passed over.
INACTIVE = "inactive"
ABSENT = "absent"
RECUSED = "recused"
AT_CAPACITY = "at_capacity"
SKIP_CODES = (INACTIVE, ABSENT, RECUSED, AT_CAPACITY)

# Remarks on the choice.
TIE = "tie"  # the next judge had the same relative load and the same number of cases
OVER_CAPACITY = "over_capacity"  # chosen by hand although at or over his capacity


def _person(team: Team, judge: User) -> dict[str, Any]:
    return {"judge_id": judge.pk, "judge": display_name(judge), "team_id": team.pk, "team": team.name}


def _weighed(candidate: "Candidate", capacity: int | None = None) -> dict[str, Any]:
    return {
        **_person(candidate.team, candidate.judge),
        "load": candidate.load,
        "capacity": candidate.capacity if capacity is None else capacity,
    }


def by_load(field: "Field", *, stream: str) -> dict[str, Any]:
    """The record of a choice by the load rule: the first candidate, against all the others."""
    chosen = field.candidates[0]
    notes = []
    if len(field.candidates) > 1 and field.candidates[1].key[:2] == chosen.key[:2]:
        notes.append({"code": TIE, "params": {}})
    return {
        "rule": LOWEST_LOAD,
        "stream": stream,
        "chosen": _weighed(chosen),
        "compared": [_weighed(c) for c in field.candidates],
        "skipped": [
            {**_person(s.team, s.judge), "code": s.code, "params": dict(s.params)} for s in field.skipped
        ],
        "notes": notes,
    }


def by_hand(rule: str, chosen: "Candidate", *, stream: str) -> dict[str, Any]:
    """The record of a judge chosen by hand (assigned or reassigned): his load, and whether he was full."""
    notes = []
    if chosen.load >= chosen.capacity:
        notes.append({"code": OVER_CAPACITY, "params": {"load": chosen.load, "capacity": chosen.capacity}})
    return {
        "rule": rule,
        "stream": stream,
        "chosen": _weighed(chosen),
        "compared": [],
        "skipped": [],
        "notes": notes,
    }


# --- In words -------------------------------------------------------------------------------------------


def _rule_text(rule: str, chosen: Mapping[str, Any]) -> str:
    texts = {
        LOWEST_LOAD: _(
            "By load: %(judge)s (%(team)s) had the lowest load relative to capacity, "
            "%(load)s open cases of %(capacity)s."
        ),
        BY_HAND: _("Chosen by hand: %(judge)s (%(team)s), with %(load)s open cases of %(capacity)s."),
        REASSIGNED: _(
            "Reassigned by hand to %(judge)s (%(team)s), with %(load)s open cases of %(capacity)s."
        ),
    }
    template = texts.get(rule, _("Assigned to %(judge)s (%(team)s)."))
    return template % _params(chosen)


def _skip_text(entry: Mapping[str, Any]) -> str:
    texts = {
        INACTIVE: _("%(judge)s (%(team)s) was skipped: the account is inactive."),
        ABSENT: _("%(judge)s (%(team)s) was skipped: on leave from %(first_day)s to %(last_day)s."),
        RECUSED: _("%(judge)s (%(team)s) was skipped: recused from the party %(party)s (%(reason)s)."),
        AT_CAPACITY: _("%(judge)s (%(team)s) was skipped: at capacity, %(load)s open cases of %(capacity)s."),
    }
    template = texts.get(entry.get("code", ""), _("%(judge)s (%(team)s) was skipped."))
    return template % _params({**entry.get("params", {}), **entry})


def _note_text(note: Mapping[str, Any]) -> str:
    texts = {
        TIE: _("The next judge had the same load; ties are always broken the same way, by team, then judge."),
        OVER_CAPACITY: _("This is at or over the judge's capacity (%(load)s open cases of %(capacity)s)."),
    }
    return texts.get(note.get("code", ""), "%(code)s") % _params({**note.get("params", {}), **note})


def _compared_text(compared: list[Mapping[str, Any]]) -> str:
    each = [_("%(judge)s (%(team)s): %(load)s of %(capacity)s") % _params(entry) for entry in compared]
    return _("Compared (open cases of capacity): %(judges)s.") % {"judges": "; ".join(each)}


class _Blank(dict[str, Any]):
    """Parameters for a template: a key that an old or odd record lacks reads as "?" instead of failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _params(values: Mapping[str, Any]) -> _Blank:
    return _Blank(values)


def in_words(why: Mapping[str, Any] | None) -> list[str]:
    """The record as sentences in the active language; empty for assignments made before it was kept."""
    if not why or "chosen" not in why:
        return []
    lines = [_rule_text(why.get("rule", ""), why["chosen"])]
    lines += [_note_text(note) for note in why.get("notes", [])]
    if len(why.get("compared", [])) > 1:
        lines.append(_compared_text(why["compared"]))
    lines += [_skip_text(entry) for entry in why.get("skipped", [])]
    return lines
