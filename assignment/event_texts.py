"""The words of the assignment events on the case timeline (``enforcement.eventtexts``)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register

TEAM = "assignment.team"  # assigned or reassigned: the event's kind says which


@register(TEAM)
def _team(params: Mapping[str, Any]) -> str:
    return _("Enforcement team: %(team)s") % {"team": params["team"]}


POOL_ROUND = "assignment.pool_round"  # a re-search of the 终本 pool recorded: its outcome, never the property


@register(POOL_ROUND)
def _pool_round(params: Mapping[str, Any]) -> str:
    values = {"round": int(params["round"]), "rounds": int(params["rounds"])}
    if params["outcome"] == "found":
        return (
            _(
                "Re-search %(round)d of %(rounds)d after the closure: property was found. The applicant may "
                "apply to resume enforcement."
            )
            % values
        )
    if params["outcome"] == "nothing":
        return (
            _("Re-search %(round)d of %(rounds)d after the closure: nothing executable was found.") % values
        )
    raise ValueError(params["outcome"])
