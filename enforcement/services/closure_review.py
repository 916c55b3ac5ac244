"""The review of a closure: 终本 and 终结执行 are proposed by the judge and approved by a second person.

The approval is the 终本 quality review (终本合格率 is one of the 3+1 indicators): the proposal, who
reviewed it, when, and what he noted stay on record (``ClosureProposal`` and its history). Approving closes
the case through ``cases.close_case`` in the same transaction, so everything the closure checks (nothing
left on the case, every condition of the mode, the steps confirmed) is checked again at that moment.

Beside it, what the review reads and the judge records before proposing:

- the evidence of a condition the system cannot see (a search for a missing debtor): a note or a document;
- the applicant's interview about the closure (终本规定 2016 第一条, 第二条);
- after the closure, the service of the closure ruling on each party.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, closure
from ..eventtexts import CLOSURE_PROPOSED, CLOSURE_REVIEWED, CLOSURE_SERVED
from ..models import (
    Case,
    CaseEvent,
    ClosureEvidence,
    ClosureInterview,
    ClosureProposal,
    ClosureRequirement,
    ClosureService,
)
from . import cases
from .cases import GROUND_CLOSURES, REVIEWED_CLOSURES, RULING_CLOSURES, check_mode_inputs
from .events import record_event

TEXT_LENGTH = 4000
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}


def needs_of(mode: str) -> list[str]:
    """What a closure mode needs besides its conditions, in words: the closing page lists them."""
    needs = []
    if mode in GROUND_CLOSURES:
        needs.append(_("the ground of termination, from those the law lists"))
    if mode in RULING_CLOSURES:
        needs.append(_("the number of the ruling"))
    if mode in REVIEWED_CLOSURES:
        needs.append(_("the approval of a second person (the head of enforcement or a supervisor)"))
    return needs


def _lock_open_case(case: Case) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if locked.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is already closed."))
    return locked


def _require_judge(actor: User, case: Case) -> None:
    access.require(
        access.judges_case(actor, case),
        _("Only the case's judge, or a judge or lead of its team, proposes how the case closes."),
    )


# --- Proposal and review -----------------------------------------------------------------------------------


@transaction.atomic
def propose_closure(
    *, actor: User, case: Case, closure_mode: str, ground: str = "", ruling_number: str = "", note: str = ""
) -> ClosureProposal:
    """The judge proposes 终本 or 终结执行; refused, naming each unmet condition, until the case may close."""
    if closure_mode not in REVIEWED_CLOSURES:
        raise ValidationError(
            {"closure": _("This way of closing is not proposed for approval: close directly.")}
        )
    check_mode_inputs(closure_mode, ground, ruling_number)
    locked = _lock_open_case(case)
    _require_judge(actor, locked)
    if ClosureProposal.objects.filter(case=locked, status=ClosureProposal.Status.PROPOSED).exists():
        raise ValidationError(_("A closure of this case is already waiting for approval."))
    cases.refuse_if_anything_is_left(locked, closure_mode, confirm_steps=True)
    try:
        with transaction.atomic():
            proposal = ClosureProposal.objects.create(
                case=locked,
                closure=closure_mode,
                ground=ground,
                ruling_number=ruling_number.strip(),
                note=note.strip(),
                proposed_by=actor,
            )
    except IntegrityError as error:  # another proposal committed between the check and the insert
        raise ValidationError(_("A closure of this case is already waiting for approval.")) from error
    record_event(
        case=locked,
        kind=CaseEvent.Kind.CLOSURE_PROPOSED,
        actor=actor,
        public=False,
        detail=proposal.note,
        text_code=CLOSURE_PROPOSED,
        text_params={"closure": closure_mode},
        data={"proposal": proposal.pk, "closure": closure_mode, "ground": ground},
    )
    return proposal


def _lock_proposal(proposal: ClosureProposal) -> tuple[ClosureProposal, Case]:
    """The case first, as every writer of the case locks it, then the proposal, re-read as it stands now."""
    locked_case = (
        Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=proposal.case_id)
    )
    locked = ClosureProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ClosureProposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided or withdrawn."))
    return locked, locked_case


def may_review(user: User, proposal: ClosureProposal) -> bool:
    return access.decides(
        user,
        proposal.case.court_id,
        asked_by_id=proposal.proposed_by_id,
        allowed=access.CLOSURE_APPROVER_ROLES,
    )


def _decide(proposal: ClosureProposal, actor: User, status: str, note: str) -> None:
    before = proposal.status
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, timezone.now()
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        case=proposal.case,
        kind=CaseEvent.Kind.CLOSURE_REVIEWED,
        actor=actor,
        public=False,
        detail=proposal.decision_note,
        text_code=CLOSURE_REVIEWED,
        text_params={"closure": proposal.closure, "status": status},
        data={"proposal": proposal.pk, "proposed_by": proposal.proposed_by_id},
        changes={"status": (before, status)},
    )


def approve_closure(
    *, actor: User, proposal: ClosureProposal, note: str = "", confirm_steps: bool = False
) -> Case:
    """The quality review passes: the case closes as proposed, everything checked again under its lock."""
    with transaction.atomic():
        locked, case = _lock_proposal(proposal)
        access.require(
            may_review(actor, locked),
            _("A closure is approved by the court's head of enforcement or a supervisor, not its proposer."),
        )
        _decide(locked, actor, ClosureProposal.Status.APPROVED, note)
        return cases.close_case(
            actor=actor,
            case=case,
            closure=locked.closure,
            note=locked.note,
            confirm_steps=confirm_steps,
            ground=locked.ground,
            ruling_number=locked.ruling_number,
            reviewed=locked,
        )


@transaction.atomic
def reject_closure(*, actor: User, proposal: ClosureProposal, note: str) -> ClosureProposal:
    """The review sends the proposal back, saying what is wrong; the case stays open."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the closure is rejected: the judge reads it.")})
    locked, _case = _lock_proposal(proposal)
    access.require(
        may_review(actor, locked),
        _("A closure is reviewed by the court's head of enforcement or a supervisor, not by its proposer."),
    )
    _decide(locked, actor, ClosureProposal.Status.REJECTED, note)
    return locked


@transaction.atomic
def withdraw_closure(*, actor: User, proposal: ClosureProposal) -> ClosureProposal:
    locked, case = _lock_proposal(proposal)
    _require_judge(actor, case)
    _decide(locked, actor, ClosureProposal.Status.WITHDRAWN, "")
    return locked


# --- What the judge records for the conditions ----------------------------------------------------------


def _require_worker(actor: User, case: Case) -> None:
    access.require(
        access.works_case(actor, case),
        _("Only the case's judge and the members of its team record the evidence of its closure."),
    )


def _check_text(field: str, value: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_LENGTH:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": TEXT_LENGTH}})
    return value


def _check_document(document: UploadedFile | None) -> None:
    if document is None:
        return
    name = (document.name or "").lower()
    if not any(name.endswith(ext) for ext in DOCUMENT_TYPES):
        raise ValidationError({"document": _("Attach a PDF or a photo (JPEG or PNG).")})
    if (document.size or 0) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": _("The document is larger than 10 MB.")})


def evidence_kinds(case: Case) -> list[ClosureRequirement]:
    """The conditions of 终本 for the case's court that recorded evidence may meet."""
    return [
        r for r in closure.requirements_of(case, Case.Closure.TERMINATED_THIS_ROUND) if r.accepts_evidence
    ]


@transaction.atomic
def record_evidence(
    *, actor: User, case: Case, kind: str, note: str, document: UploadedFile | None = None
) -> ClosureEvidence:
    locked = _lock_open_case(case)
    _require_worker(actor, locked)
    if kind not in {r.kind for r in evidence_kinds(locked)}:
        raise ValidationError(
            {"kind": _("Recorded evidence does not meet this condition: the system checks it.")}
        )
    text = _check_text("note", note, _("Say what was done and what was found."))
    _check_document(document)
    evidence = ClosureEvidence(case=locked, kind=kind, note=text, recorded_by=actor)
    if document is not None:
        evidence.document = document
    evidence.save()
    record_event(
        case=locked,
        kind=CaseEvent.Kind.CLOSURE_EVIDENCE,
        actor=actor,
        public=False,
        detail=text,
        data={"evidence": evidence.pk, "condition": kind, "document": bool(document)},
    )
    return evidence


@transaction.atomic
def withdraw_evidence(*, actor: User, evidence: ClosureEvidence) -> ClosureEvidence:
    locked_case = _lock_open_case(evidence.case)
    _require_worker(actor, locked_case)
    locked = ClosureEvidence.objects.select_for_update().get(pk=evidence.pk)
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
    return locked


@transaction.atomic
def record_interview(
    *,
    actor: User,
    case: Case,
    applicant_name: str,
    interviewed_on: datetime.date,
    measures_told: str,
    property_told: str,
    consequences_told: str,
    applicant_view: str,
    closure_mode: str = Case.Closure.TERMINATED_THIS_ROUND,
) -> ClosureInterview:
    """The applicant is told the measures taken, the property found and the consequences; his view heard."""
    locked = _lock_open_case(case)
    _require_worker(actor, locked)
    if interviewed_on > timezone.localdate():
        raise ValidationError({"interviewed_on": _("The interview cannot be in the future.")})
    if interviewed_on < timezone.localdate(locked.filed_at):
        raise ValidationError({"interviewed_on": _("The interview cannot be before the case was filed.")})
    interview = ClosureInterview.objects.create(
        case=locked,
        closure=closure_mode,
        applicant_name=_check_text("applicant_name", applicant_name, _("Name the applicant interviewed.")),
        interviewed_on=interviewed_on,
        measures_told=_check_text("measures_told", measures_told, _("Say which measures he was told of.")),
        property_told=_check_text(
            "property_told", property_told, _("Say what property he was told was found.")
        ),
        consequences_told=_check_text(
            "consequences_told", consequences_told, _("Say what he was told of the grounds and consequences.")
        ),
        applicant_view=_check_text("applicant_view", applicant_view, _("Record the applicant's view.")),
        recorded_by=actor,
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.CLOSURE_INTERVIEW,
        actor=actor,
        public=False,
        data={"interview": interview.pk, "interviewed_on": interviewed_on.isoformat()},
    )
    return interview


# --- After the closure: the ruling served ------------------------------------------------------------------


@transaction.atomic
def record_service(
    *,
    actor: User,
    case: Case,
    served_to: str,
    served_on: datetime.date,
    method: str,
    document_number: str = "",
) -> ClosureService:
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    access.require(
        access.works_case(actor, locked) or access.records_at_window(actor, locked),
        _("Only the case's team and the window record the service of its closure ruling."),
    )
    if locked.status != Case.Status.CLOSED or locked.closed_at is None:
        raise ValidationError(_("The case is not closed: there is no closure ruling to serve yet."))
    if method not in ClosureService.Method.values:
        raise ValidationError({"method": _("Choose how it was served.")})
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": _("The service cannot be in the future.")})
    if served_on < timezone.localdate(locked.closed_at):
        raise ValidationError({"served_on": _("The service cannot be before the closure.")})
    service = ClosureService.objects.create(
        case=locked,
        served_to=_check_text("served_to", served_to, _("Name whom it was served on.")),
        served_on=served_on,
        method=method,
        document_number=(document_number.strip() or locked.closure_ruling_number)[:60],
        recorded_by=actor,
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.CLOSURE_SERVED,
        actor=actor,
        public=True,
        text_code=CLOSURE_SERVED,
        text_params={"closure": locked.closure, "served_on": served_on.isoformat(), "method": method},
        data={"service": service.pk},
    )
    return service
