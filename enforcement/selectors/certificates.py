"""Reads of certificates: a case's list for staff, one for a user, and the public check of a code."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import certcodes
from ..models import Case, Certificate
from ..roles import AnyUser
from . import cases_visible_to, one_of_cases


def certificates_of(case: Case) -> QuerySet[Certificate]:
    return case.certificates.select_related("party", "issued_by", "revoked_by")


def certificate_for_user(user: AnyUser, pk: int) -> Certificate:
    """A certificate of a case the user may see, or 404."""
    return one_of_cases(Certificate, pk, cases_visible_to(user))


@dataclass(frozen=True)
class VerifiedCertificate:
    """What the public page shows of a genuine certificate in force: what the paper says, no more."""

    kind: str
    kind_label: str
    court: str
    case_number: str
    party_name: str
    party_id_masked: str
    certifies: str
    listing_reference: str
    listing_removed_on: datetime.date | None
    issued_on: datetime.date
    valid_until: datetime.date | None


def verified(code: str, *, today: datetime.date | None = None) -> VerifiedCertificate | None:
    """The certificate with this code if it is in force today; None for every other code.

    Unknown, revoked and expired codes take the same path: the one indexed query asks for a certificate
    in force, so no row is read for any of them and nothing the caller does afterwards can differ."""
    if not certcodes.is_well_formed(code):
        return None
    day = today or timezone.localdate()
    found = (
        Certificate.objects.filter(code_hash=certcodes.hash_code(code), revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("case__court")
        .first()
    )
    if found is None:
        return None
    return VerifiedCertificate(
        kind=found.kind,
        kind_label=str(found.get_kind_display()),
        court=found.case.court.name,
        case_number=found.case.number,
        party_name=found.party_name,
        party_id_masked=found.party_id_masked,
        certifies=found.certifies,
        listing_reference=found.listing_reference,
        listing_removed_on=found.listing_removed_on,
        issued_on=found.issued_on,
        valid_until=found.valid_until,
    )
