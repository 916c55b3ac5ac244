"""Property leads reported by parties online, with attachments (services, reads, sections).

A party proved by the progress query reports a lead: a kind, what he knows, whether it is urgent, and up
to three photos or PDFs. The lead lands on the case page, notifies whoever verifies it, and opens the
verification deadline (7 days, 3 if urgent) with the lead as its subject, so the judge's "lead verified"
step meets it and the party sees it verified.

Attachments are checked by their first bytes, never by the name or the browser's type; they are stored
under a random name and served only to staff who may see the case (``portal.views.leads``).
"""

import datetime
import os
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement.models import Case, CaseEvent, Deadline, Party, PropertyKind
from enforcement.notify import case_keepers, in_pool
from enforcement.services.alerts import put_in_inboxes
from enforcement.services.deadlines import open_deadline
from enforcement.services.events import record_event

from .models import LeadAttachment, OnlineLead
from .proof import PortalAccess

MAX_DETAIL = 2000
MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024
# A party reports at most this many leads in any 24 hours: enough for real leads, not for flooding.
DAILY_LIMIT = 5
VERIFY_NODE = "verify_lead"
VERIFY_URGENT_NODE = "verify_lead_urgent"

# The first bytes of each accepted type, and the extension a stored file gets.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
EXTENSIONS = {content_type: ext for _magic, content_type, ext in SIGNATURES}


# --- Attachments --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    original_name: str
    content_type: str
    size: int


def sniff(upload: UploadedFile) -> str | None:
    """The real type of a file by its first bytes: JPEG, PNG or PDF, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((content_type for magic, content_type, _ext in SIGNATURES if head.startswith(magic)), None)


def display_name(raw: str | None) -> str:
    """The party's file name for display only: no folders, no control characters, at most 200 long."""
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-200:] or "attachment"


def check_attachments(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Every file's size and real type; refuses the whole set, naming each bad file, if any is wrong."""
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"attachments": _("Attach at most %(count)d files.") % {"count": MAX_FILES}}, code="too_many"
        )
    checked, problems = [], []
    for upload in files:
        name = display_name(upload.name)
        size = upload.size or 0
        content_type = sniff(upload) if size else None
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            problems.append(_("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit})
        elif content_type is None:
            problems.append(_("“%(name)s” is not a JPEG or PNG picture or a PDF file.") % {"name": name})
        else:
            checked.append(CheckedFile(upload, name, content_type, size))
    if problems:
        raise ValidationError({"attachments": problems}, code="invalid_file")
    return checked


def _random_name(content_type: str) -> str:
    return secrets.token_hex(16) + EXTENSIONS[content_type]


# --- Reporting a lead ---------------------------------------------------------------------------------------


def _check_input(kind: str, detail: str) -> str:
    errors: dict[str, str] = {}
    if kind not in PropertyKind.values:
        errors["kind"] = _("Choose the kind of property.")
    detail = detail.strip()
    if not detail:
        errors["detail"] = _("Say what you know about the property.")
    elif "\x00" in detail:
        errors["detail"] = _("The description contains characters that are not allowed.")
    elif len(detail) > MAX_DETAIL:
        errors["detail"] = _("Keep the description under %(count)d characters.") % {"count": MAX_DETAIL}
    if errors:
        raise ValidationError(errors)
    return detail


def submit_party_lead(
    access: PortalAccess, *, kind: str, detail: str, urgent: bool, files: Sequence[UploadedFile] = ()
) -> OnlineLead:
    """A party reports a lead: stored with its files, on the timeline, its verification clock started and
    the verifier told, all in one transaction; nothing is kept if anything is refused."""
    detail = _check_input(kind, detail)
    checked = check_attachments(files)
    stored: list[LeadAttachment] = []
    try:
        with transaction.atomic():
            # The case row is the lock: a closing cannot slip in between the check and the new clock,
            # and two reports of one party cannot both slip under the daily limit.
            case = Case.objects.select_for_update().select_related("court").get(pk=access.case.pk)
            party = Party.objects.get(pk=access.party.pk, case=case)
            _check_may_report(case, party)
            lead = OnlineLead.objects.create(case=case, party=party, kind=kind, detail=detail, urgent=urgent)
            for item in checked:
                attachment = LeadAttachment(
                    lead=lead,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                )
                attachment.file.save(_random_name(item.content_type), item.upload, save=False)
                stored.append(attachment)
                attachment.save()
            deadline = open_deadline(
                case=case,
                code=VERIFY_URGENT_NODE if urgent else VERIFY_NODE,
                anchor_at=lead.submitted_at,
                subject=lead,
            )
            record_event(
                case=case,
                kind=CaseEvent.Kind.PARTY_LEAD_REPORTED,
                actor=None,
                public=False,
                detail=f"{party.name}: {detail[:200]}",
                data={"lead": lead.pk, "party": party.pk, "kind": kind, "urgent": urgent},
            )
            _notify_verifiers(lead, deadline)
    except BaseException:
        for attachment in stored:  # the rows rolled back; the files on disk must go with them
            attachment.file.delete(save=False)
        raise
    return lead


def _check_may_report(case: Case, party: Party) -> None:
    # After a 终本 closure the court keeps searching (the 终本 pool): a lead goes to the pool's keeper and
    # opens its verification clock as on an open case. Any other closed case takes no more leads.
    if case.status == Case.Status.CLOSED and not in_pool(case):
        raise ValidationError(
            _("This case is closed. To report property found since, ask the court to resume enforcement."),
            code="closed",
        )
    since = timezone.now() - datetime.timedelta(days=1)
    if OnlineLead.objects.filter(party=party, submitted_at__gte=since).count() >= DAILY_LIMIT:
        raise ValidationError(
            _("You have reported %(count)d leads in the last 24 hours; please try again tomorrow.")
            % {"count": DAILY_LIMIT},
            code="throttled",
        )


def _notify_verifiers(lead: OnlineLead, deadline: Deadline) -> None:
    case = lead.case
    # Staff read Chinese whatever the language of the party who reported.
    with translation.override(settings.LANGUAGE_CODE):
        values = {"number": case.number, "date": deadline.due_date.isoformat()}
        if lead.urgent:
            title = (
                _("Case %(number)s: a party reported an URGENT property lead; verify by %(date)s") % values
            )
        else:
            title = _("Case %(number)s: a party reported a property lead; verify by %(date)s") % values
    url = reverse("case-detail", args=[case.pk]) + "#party-leads"
    body = lead.detail[:500]
    put_in_inboxes(case_keepers(case), title=title, body=body, url=url)


# --- Reads -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadRow:
    lead: OnlineLead
    attachments: list[LeadAttachment]
    deadline: Deadline | None

    @property
    def verified(self) -> bool:
        return self.deadline is not None and self.deadline.status == Deadline.Status.MET

    @property
    def status(self) -> str:
        return "verified" if self.verified else "received"


def _rows(queryset: QuerySet[OnlineLead]) -> list[LeadRow]:
    """Each lead with its attachments and its verification clock, in three queries whatever the count."""
    attachments = Prefetch("attachments", queryset=LeadAttachment.objects.order_by("pk"))
    leads = list(queryset.prefetch_related(attachments))
    subject_type = ContentType.objects.get_for_model(OnlineLead)
    clocks = Deadline.objects.filter(subject_type=subject_type, subject_id__in=[lead.pk for lead in leads])
    by_lead = {d.subject_id: d for d in clocks.select_related("node_type").order_by("opened_at", "pk")}
    return [LeadRow(lead, list(lead.attachments.all()), by_lead.get(lead.pk)) for lead in leads]


def leads_of_party(access: PortalAccess) -> list[LeadRow]:
    """The leads this party reported on this case, newest first; never another party's."""
    return _rows(OnlineLead.objects.filter(case_id=access.case.pk, party_id=access.party.pk))


def lead_row(lead: OnlineLead) -> LeadRow:
    return _rows(OnlineLead.objects.filter(pk=lead.pk))[0]


def leads_of_case(case: Case) -> list[LeadRow]:
    """Every party's leads on the case, for staff who may see it, newest first."""
    return _rows(OnlineLead.objects.filter(case=case).select_related("party"))


def reported_today(access: PortalAccess) -> int:
    since = timezone.now() - datetime.timedelta(days=1)
    return OnlineLead.objects.filter(party_id=access.party.pk, submitted_at__gte=since).count()
