"""Issuing and revoking the certificates the court gives a debtor (``enforcement.models.Certificate``).

Who
    The case's judges issue (``access.issues_certificate``); they, or the court's supervisors and
    presidents, revoke (``access.revokes_certificate``), always with a reason.

When a certificate of voluntary performance may be issued
    Only for a case closed as fully performed (执行完毕). That closure is the one record in the system that
    the whole obligation was performed: a case still open may have been paid in part, and 终本, 终结执行,
    销案 and the others end a case without performance. A settlement performed in full is closed as
    执行完毕 too. Whether the debtor performed of his own will is the judge's to say, in the words of what
    the certificate certifies. The certified party is a respondent of the case.

A credit-repair decision
    states that the debtor's dishonest-debtor listing was removed. The listing and its removal are
    another module's (custody keeps the list): it calls ``issue_certificate`` with kind ``credit_repair``,
    the listing's reference (its decision number) and the day it was removed, as plain values, so the core
    imports nothing of it. The case may still be open: credit is repaired when the debtor corrects his
    conduct, before the case ends.

One in force
    At most one certificate in force per debtor, kind and listing (a database constraint too): a wrong one
    is revoked and a new one issued.

The code
    Generated here, written into the PDF, which is rendered in the same transaction and kept as the court's
    copy; the row keeps only its keyed hash. If the PDF cannot be made (no WeasyPrint), nothing is issued.

Lock order: the case row, then the certificate row.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, certcodes, certificate_document, eventtexts
from ..models import Case, CaseEvent, Certificate, Party
from ..pdf import PdfUnavailable
from .events import record_event

CERTIFIES_LENGTH = 2000
REASON_LENGTH = 1000
LISTING_REFERENCE_LENGTH = 100


@dataclass(frozen=True)
class IssuedCertificate:
    """The certificate and its code, which exists nowhere else but in its PDF."""

    certificate: Certificate
    code: str


def masked_id_number(party: Party) -> str:
    """A natural person's identity number as certificates show it: the first 4 and the last 4 characters
    (1503**********002X); an organisation's credit code is public and shown whole."""
    number = party.id_number.strip()
    if party.kind == Party.Kind.ORGANISATION:
        return number
    if len(number) <= 8:  # too short to mask and still say anything: shown not at all
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def issue_certificate(
    *,
    actor: User,
    case: Case,
    party: Party,
    kind: str,
    certifies: str,
    valid_until: datetime.date | None = None,
    listing_reference: str = "",
    listing_removed_on: datetime.date | None = None,
) -> IssuedCertificate:
    """Issue a certificate to a respondent of the case, with its PDF; the code is returned once."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("court").get(pk=case.pk)
        access.require(
            access.issues_certificate(actor, locked),
            _("Only the case's judges issue certificates to its debtor."),
        )
        today = timezone.localdate()
        certifies = certifies.strip()
        listing_reference = listing_reference.strip()
        _check_issue(
            locked, party, kind, certifies, valid_until, today, listing_reference, listing_removed_on
        )
        code = certcodes.new_code()
        certificate = Certificate(
            case=locked,
            kind=kind,
            party=party,
            party_name=party.name,
            party_id_masked=masked_id_number(party),
            certifies=certifies,
            listing_reference=listing_reference,
            listing_removed_on=listing_removed_on,
            issued_on=today,
            issued_at=timezone.now(),
            issued_by=actor,
            valid_until=valid_until,
            code_hash=certcodes.hash_code(code),
        )
        _attach_document(certificate, code)
        try:
            with transaction.atomic():  # a savepoint: the constraint's refusal must not end the outer one
                certificate.save()
        except IntegrityError:
            raise ValidationError(
                _("This debtor already has a certificate of this kind in force; revoke it first.")
            ) from None
        record_event(
            case=locked,
            kind=CaseEvent.Kind.CERTIFICATE_ISSUED,
            actor=actor,
            public=True,
            text_code=eventtexts.CERTIFICATE_ISSUED,
            text_params={"kind": kind},
            data={"certificate": certificate.pk, "party": party.pk, "kind": kind},
        )
    return IssuedCertificate(certificate, code)


def _check_issue(
    case: Case,
    party: Party,
    kind: str,
    certifies: str,
    valid_until: datetime.date | None,
    today: datetime.date,
    listing_reference: str,
    listing_removed_on: datetime.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in Certificate.Kind.values:
        errors["kind"] = [_("Choose a kind of certificate.")]
    if party.case_id != case.pk or party.role != Party.Role.RESPONDENT:
        errors["party"] = [_("A certificate is issued to a respondent of this case.")]
    if not certifies:
        errors["certifies"] = [_("Say what the certificate certifies.")]
    elif len(certifies) > CERTIFIES_LENGTH:
        errors["certifies"] = [_("At most %(n)d characters.") % {"n": CERTIFIES_LENGTH}]
    if valid_until is not None and valid_until < today:
        errors["valid_until"] = [_("A certificate cannot expire before the day it is issued.")]
    if kind == Certificate.Kind.VOLUNTARY_PERFORMANCE and not (
        case.status == Case.Status.CLOSED and case.closure == Case.Closure.PERFORMED
    ):
        errors["kind"] = [
            _(
                "A certificate of voluntary performance is issued only once the case is closed as fully "
                "performed."
            )
        ]
    if kind == Certificate.Kind.CREDIT_REPAIR:
        errors.update(_listing_errors(listing_reference, listing_removed_on, today))
    elif listing_reference or listing_removed_on is not None:
        errors["listing_reference"] = [_("Only a credit-repair decision names a removed listing.")]
    if errors:
        raise ValidationError(errors)


def _listing_errors(
    reference: str, removed_on: datetime.date | None, today: datetime.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["listing_reference"] = [_("Name the dishonest-debtor listing that was removed.")]
    elif len(reference) > LISTING_REFERENCE_LENGTH:
        errors["listing_reference"] = [_("At most %(n)d characters.") % {"n": LISTING_REFERENCE_LENGTH}]
    if removed_on is None:
        errors["listing_removed_on"] = [_("Give the day the listing was removed.")]
    elif removed_on > today:
        errors["listing_removed_on"] = [
            _("A credit-repair decision follows the removal; it cannot precede it.")
        ]
    return errors


def _attach_document(certificate: Certificate, code: str) -> None:
    try:
        content = certificate_document.render_pdf(certificate, code)
    except PdfUnavailable:
        raise ValidationError(
            _("The certificate cannot be issued: this server cannot produce its PDF. Ask the administrator.")
        ) from None
    # A random name: the file holds the code, and its name must not be guessed from the case.
    certificate.document.save(f"{secrets.token_hex(16)}.pdf", ContentFile(content), save=False)


def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: from now on the public page answers for its code as for an unknown one."""
    reason = reason.strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=certificate.case_id)
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        access.require(
            access.revokes_certificate(actor, case),
            _("Only the case's judges, the court's supervisors and its presidents revoke certificates."),
        )
        if locked.is_revoked:
            raise ValidationError(_("This certificate is already revoked."))
        if not reason:
            raise ValidationError({"reason": [_("Give the reason for revoking the certificate.")]})
        if len(reason) > REASON_LENGTH:
            raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": REASON_LENGTH}]})
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        record_event(
            case=case,
            kind=CaseEvent.Kind.CERTIFICATE_REVOKED,
            actor=actor,
            public=True,
            detail=reason,
            text_code=eventtexts.CERTIFICATE_REVOKED,
            text_params={"kind": locked.kind},
            data={"certificate": locked.pk, "party": locked.party_id, "kind": locked.kind},
            changes={"revoked": (False, True)},
        )
    return locked
