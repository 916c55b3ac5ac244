"""The case core's models, one module per subject."""

from .cases import FIRST_ENFORCEMENT, Case, CaseEvent, CaseType, Party
from .org import Court, CourtMembership, Team, TeamKind, TeamMembership, court_code_validator

__all__ = [
    "FIRST_ENFORCEMENT",
    "Case",
    "CaseEvent",
    "CaseType",
    "Court",
    "CourtMembership",
    "Party",
    "Team",
    "TeamKind",
    "TeamMembership",
    "court_code_validator",
]
