"""The words of the assignment events on the case timeline (``enforcement.eventtexts``)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from enforcement.eventtexts import register

TEAM = "assignment.team"  # assigned or reassigned: the event's kind says which


@register(TEAM)
def _team(params: Mapping[str, Any]) -> str:
    return _("Enforcement team: %(team)s") % {"team": params["team"]}
