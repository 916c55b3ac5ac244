"""Writes of the one-stop intake: filing a case, notices handed over, the first interview."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from enforcement import access, querycode, roles
from enforcement.casenumbers import normalize_case_number
from enforcement.models import FIRST_ENFORCEMENT, Case, CaseEvent, CaseType, Court, Party
from enforcement.selectors import filing_courts
from enforcement.services.deadlines import open_deadline
from enforcement.services.events import record_event
from payments.services import open_case_account, take_payee_from_interview

from .casenumbers import allocate_case_number
from .models import (
    FirstInterview,
    InterviewLead,
    InterviewRisk,
    NoticeDelivery,
    ReceivedMaterial,
    RiskKind,
)


@dataclass(frozen=True)
class PartyInput:
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    address: str = ""
    legal_representative: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    id_warning_override: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    court: Court
    applicants: Sequence[PartyInput]
    respondents: Sequence[PartyInput]
    title_court_name: str
    title_case_number: str
    title_effective_date: datetime.date
    claim_kind: str
    title_kind: str = Case.TitleKind.JUDGMENT
    claim_amount: Decimal | None = None
    claim_description: str = ""
    preservation_in_place: bool = False
    preservation_amount: Decimal | None = None
    preservation_detail: str = ""
    materials: Sequence[str] = field(default_factory=tuple)
    received_on: datetime.date | None = None
    allow_duplicate_title: bool = False


@dataclass(frozen=True)
class FiledCase:
    case: Case
    query_code: str  # shown once to the parties, never stored in clear


class DuplicateTitle(Exception):
    """The title's case number was already filed in this court; the clerk must confirm to file again."""

    def __init__(self, cases: Sequence[Case]) -> None:
        super().__init__(", ".join(c.number for c in cases))
        self.cases = list(cases)


def cases_with_same_title(*, court: Court, title_case_number: str) -> list[Case]:
    key = normalize_case_number(title_case_number)
    return list(Case.objects.filter(court=court, title_case_number_key=key).order_by("filed_at"))


@transaction.atomic
def file_case(*, actor: User, application: ApplicationInput) -> FiledCase:
    """File an application as a first-enforcement case, in one transaction.

    The number is allocated under a row lock on the court's counter, so it is unique and gapless even
    when many clerks save at once; everything else of the case is written in the same transaction.
    """
    app = application
    _check_may_file(actor, app.court)
    _check_application(app)
    if not app.allow_duplicate_title and (
        same := cases_with_same_title(court=app.court, title_case_number=app.title_case_number)
    ):
        raise DuplicateTitle(same)

    received_on = app.received_on or timezone.localdate()
    case_type = CaseType.objects.get(code=FIRST_ENFORCEMENT)
    seq, number = allocate_case_number(court=app.court, case_type=case_type, year=received_on.year)
    code = querycode.new_query_code()
    now = timezone.now()
    case = Case.objects.create(
        court=app.court,
        case_type=case_type,
        year=received_on.year,
        seq=seq,
        number=number,
        received_on=received_on,
        filed_at=now,
        filed_by=actor,
        title_court_name=app.title_court_name.strip(),
        title_case_number=normalize_case_number(app.title_case_number),
        title_case_number_key=normalize_case_number(app.title_case_number),
        title_kind=app.title_kind,
        title_effective_date=app.title_effective_date,
        claim_kind=app.claim_kind,
        claim_amount=app.claim_amount,
        claim_description=app.claim_description.strip(),
        preservation_in_place=app.preservation_in_place,
        preservation_amount=app.preservation_amount if app.preservation_in_place else None,
        preservation_detail=app.preservation_detail.strip() if app.preservation_in_place else "",
        query_code_hash=querycode.hash_query_code(case_number=number, code=code),
        query_code_issued_at=now,
    )
    _create_parties(case, Party.Role.APPLICANT, app.applicants)
    _create_parties(case, Party.Role.RESPONDENT, app.respondents)
    ReceivedMaterial.objects.bulk_create(
        ReceivedMaterial(case=case, kind=kind) for kind in dict.fromkeys(app.materials)
    )
    record_event(
        case=case,
        kind=CaseEvent.Kind.CASE_FILED,
        actor=actor,
        public=True,
        occurred_at=now,
        data={"number": number},
    )
    open_filing_deadlines(case, actor)
    open_case_account(case)  # 一案一账号: the sub-account printed on the notices
    return FiledCase(case=case, query_code=code)


def open_filing_deadlines(case: Case, actor: User) -> None:
    """Filing starts two clocks: assigning the responsible judge, and the whole case's time limit."""
    open_deadline(case=case, code="assign_judge", anchor_at=case.filed_at, actor=actor)
    limit = "case_limit_non_litigation" if case.is_non_litigation else "case_limit"
    open_deadline(case=case, code=limit, anchor_at=case.filed_at, actor=actor)


def _check_may_file(actor: User, court: Court) -> None:
    if not filing_courts(actor).filter(pk=court.pk).exists():
        raise PermissionDenied(
            _("You may file cases only for a court you are a member of, as a window clerk.")
        )


def _check_application(app: ApplicationInput) -> None:
    """Rules the form and the API check too; repeated here because the service is the last line."""
    errors: dict[str, str] = {}
    if not app.applicants:
        errors["applicants"] = _("At least one applicant is required.")
    if not app.respondents:
        errors["respondents"] = _("At least one respondent is required.")
    if app.claim_kind == Case.ClaimKind.MONEY and not app.claim_amount:
        errors["claim_amount"] = _("A money claim needs the amount claimed.")
    if app.claim_amount is not None and app.claim_amount <= 0:
        errors["claim_amount"] = _("The amount must be greater than zero.")
    if app.preservation_amount is not None and app.preservation_amount <= 0:
        errors["preservation_amount"] = _("The amount must be greater than zero.")
    if app.claim_kind not in Case.ClaimKind.values:
        errors["claim_kind"] = _("Choose the kind of claim.")
    if app.claim_kind != Case.ClaimKind.MONEY and not app.claim_description.strip():
        errors["claim_description"] = _("Describe the act to perform or the property to deliver.")
    if app.preservation_in_place and not (app.preservation_amount or app.preservation_detail.strip()):
        errors["preservation_amount"] = _("Give the amount preserved or describe the preservation.")
    today = timezone.localdate()
    if app.title_effective_date > today:
        errors["title_effective_date"] = _("The title cannot take effect in the future.")
    if app.received_on and app.received_on > today:
        errors["received_on"] = _("The application cannot be received in the future.")
    if errors:
        raise ValidationError(errors)


def _create_parties(case: Case, role: str, parties: Sequence[PartyInput]) -> None:
    # With history: the parties are what a clerk later corrects, and the first version is evidence.
    bulk_create_with_history(
        [
            Party(
                case=case,
                role=role,
                position=position,
                kind=p.kind,
                name=p.name.strip(),
                id_type=p.id_type,
                id_number=p.id_number,
                id_warning_override=p.id_warning_override,
                phone=p.phone,
                address=p.address.strip(),
                legal_representative=p.legal_representative.strip(),
                agent_name=p.agent_name.strip(),
                agent_phone=p.agent_phone,
            )
            for position, p in enumerate(parties, start=1)
        ],
        Party,
    )


# --- Query code ---------------------------------------------------------------------------------------


@transaction.atomic
def reissue_query_code(*, actor: User, case: Case) -> str:
    """A new query code for a party who lost his; the old one stops working at once."""
    roles.require_court_role(
        actor,
        case.court_id,
        *roles.FILING_ROLES,
        message=_("Only a clerk of the case's court may issue a new query code."),
    )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    code = querycode.new_query_code()
    locked.query_code_hash = querycode.hash_query_code(case_number=locked.number, code=code)
    locked.query_code_issued_at = timezone.now()
    locked.save(update_fields=["query_code_hash", "query_code_issued_at", "updated_at"])
    record_event(case=locked, kind=CaseEvent.Kind.QUERY_CODE_REISSUED, actor=actor, public=False)
    return code


# --- Notices ------------------------------------------------------------------------------------------


@transaction.atomic
def record_notice_delivery(
    *,
    actor: User,
    case: Case,
    kind: str,
    recipient: Party,
    method: str,
    acknowledged: bool,
    note: str = "",
) -> NoticeDelivery:
    """Record that a notice was handed to a party, and whether he acknowledged it, on the timeline."""
    _check_intake_staff(actor, case)
    if recipient.case_id != case.pk:
        raise ValidationError({"recipient": _("The recipient must be a party of this case.")})
    if kind not in NoticeDelivery.Kind.values or method not in NoticeDelivery.Method.values:
        raise ValidationError(_("Unknown notice or delivery method."))
    delivery = NoticeDelivery.objects.create(
        case=case,
        kind=kind,
        recipient=recipient,
        method=method,
        delivered_by=actor,
        acknowledged=acknowledged,
        note=note.strip(),
    )
    record_event(
        case=case,
        kind=CaseEvent.Kind.NOTICE_DELIVERED,
        actor=actor,
        public=True,
        # Public: the other side reads the timeline too, so the recipient is named by his role only.
        text_code="intake.notice_delivered",
        text_params={"notice": kind, "recipient_role": recipient.role},
        data={"notice": kind, "recipient": recipient.pk, "method": method, "acknowledged": acknowledged},
    )
    return delivery


def _check_intake_staff(actor: User, case: Case) -> None:
    access.require(
        access.records_at_window(actor, case), _("You may not record this for a case of another court.")
    )


# --- First interview ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadInput:
    kind: str
    detail: str


@dataclass(frozen=True)
class Risks:
    """The risks noted at the first interview: kinds, and the description of "other" (only)."""

    kinds: tuple[str, ...] = ()
    other: str = ""


NO_RISKS = Risks()

# What clerks write to say "no risk". Such a text is the absence of any kind, never a risk of its own.
NO_RISK_WORDS = frozenset(
    {
        "",
        "无",
        "没有",
        "暂无",
        "无风险",
        "暂无风险",
        "没有风险",
        "未发现",
        "未发现风险",
        "none",
        "no",
        "n/a",
        "nil",
    }
)


def says_no_risk(text: str) -> bool:
    """True for an empty text and the usual ways of writing "none" (无, 没有, 暂无 …), punctuation aside."""
    return text.strip().strip("。.，,；;！!、/\\-—_ \u3000").lower() in NO_RISK_WORDS


def clean_risks(kinds: Sequence[str], other: str) -> Risks:
    """Check the risks as the clerk gave them; the page, the API and the service all use this.

    A kind must be one of ``RiskKind``; "other" needs a description that says something ("无" does
    not), and a description needs "other" ticked, so that no text is kept that no one reads.
    """
    unknown = sorted(set(kinds) - set(RiskKind.values))
    if unknown:
        raise ValidationError(
            {"risk_kinds": _("Unknown kind of risk: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
        )
    chosen = tuple(kind for kind in RiskKind.values if kind in kinds)  # one of each, in a fixed order
    text = other.strip()
    if RiskKind.OTHER in chosen and says_no_risk(text):
        raise ValidationError({"risk_other": _("Describe the other risk. If there is none, untick “Other”.")})
    if RiskKind.OTHER not in chosen and not says_no_risk(text):
        raise ValidationError({"risk_other": _("Tick “Other” to record this risk, or clear the text.")})
    return Risks(kinds=chosen, other=text if RiskKind.OTHER in chosen else "")


INTERVIEW_FIELDS = (
    "conducted_at",
    "place",
    "attendees",
    "debtor_contacts",
    "debtor_whereabouts",
    "willingness",
    "willingness_detail",
    "payout_bank_name",
    "payout_account_name",
    "payout_account_number",
)


@transaction.atomic
def save_first_interview(
    *,
    actor: User,
    case: Case,
    values: dict[str, object],
    leads: Sequence[LeadInput],
    risks: Risks | None = None,
) -> FirstInterview:
    """Create or update the first-interview record and replace its property leads, unless it is locked.

    ``risks`` replaces the risks noted (``NO_RISKS``: none); left out, they stay as recorded.
    """
    _check_intake_staff(actor, case)
    unknown = set(values) - set(INTERVIEW_FIELDS)
    if unknown:
        raise ValueError(f"unknown interview fields: {sorted(unknown)}")
    checked = None if risks is None else clean_risks(risks.kinds, risks.other)
    interview = FirstInterview.objects.select_for_update().filter(case=case).first()
    created = interview is None
    if interview is None:
        interview = FirstInterview(case=case, interviewer=actor)
    elif interview.is_locked:
        raise ValidationError(_("The first-interview record is locked and can no longer be changed."))
    for name, value in values.items():
        setattr(interview, name, value)
    interview.full_clean(exclude=["case", "interviewer"])
    interview.save()
    _replace_leads(interview, leads)
    if checked is not None:
        _replace_risks(interview, checked)
    if created:
        record_event(case=case, kind=CaseEvent.Kind.INTERVIEW_RECORDED, actor=actor, public=False)
    return interview


def _replace_leads(interview: FirstInterview, leads: Sequence[LeadInput]) -> None:
    wanted = [(lead.kind, lead.detail.strip()) for lead in leads if lead.detail.strip()]
    existing = list(interview.leads.all())
    if [(lead.kind, lead.detail) for lead in existing] == wanted:
        return  # unchanged: keep the rows and their history quiet
    for lead in existing:
        lead.delete()  # one history row per removed lead, so what was said before stays on record
    for kind, detail in wanted:
        InterviewLead.objects.create(interview=interview, kind=kind, detail=detail)


def _replace_risks(interview: FirstInterview, risks: Risks) -> None:
    """Make the risk rows say ``risks``, touching only the rows that change (each change has history)."""
    wanted = {kind: (risks.other if kind == RiskKind.OTHER else "") for kind in risks.kinds}
    for risk in list(interview.risks.all()):
        if risk.kind not in wanted:
            risk.delete()
        elif risk.detail != wanted.pop(risk.kind):
            risk.detail = risks.other
            risk.save(update_fields=["detail"])
    for kind, detail in wanted.items():
        InterviewRisk.objects.create(interview=interview, kind=kind, detail=detail)


@transaction.atomic
def lock_first_interview(*, actor: User, case: Case) -> FirstInterview:
    """Lock the record: from now on it is evidence, not a draft. Locking twice is refused."""
    _check_intake_staff(actor, case)
    interview = FirstInterview.objects.select_for_update().filter(case=case).first()
    if interview is None:
        raise ValidationError(_("There is no first-interview record to lock yet."))
    if interview.is_locked:
        raise ValidationError(_("The first-interview record is already locked."))
    interview.locked_at = timezone.now()
    interview.locked_by = actor
    interview.save(update_fields=["locked_at", "locked_by"])
    # Payments keeps the confirmed account from now on; it never reads the interview itself.
    take_payee_from_interview(
        actor=actor,
        case=case,
        bank_name=interview.payout_bank_name,
        account_name=interview.payout_account_name,
        account_number=interview.payout_account_number,
    )
    record_event(case=case, kind=CaseEvent.Kind.INTERVIEW_LOCKED, actor=actor, public=False)
    return interview
