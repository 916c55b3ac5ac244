"""The case core's models, one module per subject."""

from .alerts import Alert, InboxItem, OutboxMessage, SmsMessage
from .calendar import CalendarDay, CalendarYear
from .cases import FIRST_ENFORCEMENT, Case, CaseEvent, CaseType, Party, PropertyKind
from .certificates import Certificate
from .closure import ClosureEvidence, ClosureInterview, ClosureProposal, ClosureRequirement, ClosureService
from .deadlines import Deadline, Deduction, DeductionRule, Extension, NodeType
from .digests import Digest, DigestRun, Reminder, ReminderRung, ScanState
from .indicators import IndicatorFigure, IndicatorSettings, Petition
from .org import Court, CourtMembership, StaffProfile, Team, TeamKind, TeamMembership, court_code_validator

__all__ = [
    "FIRST_ENFORCEMENT",
    "Alert",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseEvent",
    "CaseType",
    "Certificate",
    "ClosureEvidence",
    "ClosureInterview",
    "ClosureProposal",
    "ClosureRequirement",
    "ClosureService",
    "Court",
    "CourtMembership",
    "Deadline",
    "Deduction",
    "DeductionRule",
    "Digest",
    "DigestRun",
    "Extension",
    "InboxItem",
    "IndicatorFigure",
    "IndicatorSettings",
    "NodeType",
    "OutboxMessage",
    "Party",
    "Petition",
    "PropertyKind",
    "Reminder",
    "ReminderRung",
    "ScanState",
    "SmsMessage",
    "StaffProfile",
    "Team",
    "TeamKind",
    "TeamMembership",
    "court_code_validator",
]
