"""Field checks shared by the intake page and the API, so both refuse and warn alike."""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import money
from enforcement.models import Case, Party

from . import identity

# The claim and the preservation go to these columns: an amount is at most what both hold.
LARGEST_CASE_AMOUNT = min(
    money.largest_amount(Case._meta.get_field(name)) for name in ("claim_amount", "preservation_amount")
)


@dataclass(frozen=True)
class CheckedIdentity:
    id_type: str
    id_number: str
    override_reason: str


def check_identity(
    *, kind: str, id_type: str, id_number: str, override_reason: str = "", required: bool = True
) -> CheckedIdentity:
    """Normalise and check a party's identity number.

    A resident identity number that fails GB 11643 is refused. A unified social credit code that fails
    the GB 32100 check character is accepted only with the clerk's reason, because some codes in
    circulation fail it. Errors are raised as ``ValidationError`` keyed by the field they belong to.
    """
    id_type = id_type or (Party.IdType.RESIDENT_ID if kind == Party.Kind.PERSON else Party.IdType.USCC)
    # NFKC turns the full-width digits and letters Chinese input methods produce into ASCII ones.
    number = unicodedata.normalize("NFKC", id_number).strip()
    reason = override_reason.strip()
    if not number:
        if required:
            raise ValidationError({"id_number": _("The identity number is required.")})
        return CheckedIdentity(id_type, "", "")
    if id_type == Party.IdType.RESIDENT_ID and kind != Party.Kind.PERSON:
        raise ValidationError({"id_type": _("An organisation has no resident identity card.")})
    if id_type == Party.IdType.USCC and kind != Party.Kind.ORGANISATION:
        raise ValidationError({"id_type": _("A natural person has no unified social credit code.")})
    try:
        if id_type == Party.IdType.RESIDENT_ID:
            return CheckedIdentity(
                id_type, identity.normalize_resident_id(number, today=timezone.localdate()), ""
            )
        if id_type == Party.IdType.USCC:
            return _checked_uscc(number, reason)
    except identity.IdentityError as error:
        raise ValidationError({"id_number": error.message}, code=error.code) from None
    if len(number) > 50:
        raise ValidationError({"id_number": _("An identity number has at most 50 characters.")})
    return CheckedIdentity(id_type, number, "")


def _checked_uscc(number: str, reason: str) -> CheckedIdentity:
    result = identity.check_uscc(number)
    if result.checksum_ok:
        return CheckedIdentity(Party.IdType.USCC, result.number, "")
    if not reason:
        raise ValidationError(
            {
                "id_override_reason": _(
                    "The check character of this unified social credit code does not match. Check the "
                    "number; if it is right as printed on the licence, give the reason for accepting it."
                )
            },
            code="uscc_checksum",
        )
    return CheckedIdentity(Party.IdType.USCC, result.number, reason)


def normalize_phone(raw: str) -> str:
    """A mainland mobile or landline number in a canonical form; raises ValidationError otherwise."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Enter a valid phone number: an 11-digit mobile number or a landline with its area code."),
            code="phone",
        )
    if parsed.country_code == 86:
        national = str(parsed.national_number)
        area = phonenumbers.length_of_geographical_area_code(parsed)
        if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE or not area:
            return national
        return f"0{national[:area]}-{national[area:]}"  # the way Chinese landlines are written: 0473-2022148
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def parse_amount(raw: object) -> Decimal:
    """A positive amount of yuan with at most two decimal places, as every amount is read
    (``enforcement.money.parse_amount``: full-width digits normalised, anything ambiguous refused, never
    a float), and no more than the case's amount columns hold."""
    return money.parse_amount(raw, largest=LARGEST_CASE_AMOUNT)
