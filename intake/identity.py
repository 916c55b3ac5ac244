"""Checks for Chinese identity numbers used at case intake.

* Resident identity numbers follow GB 11643-1999: 6-digit area code, YYYYMMDD birth date,
  3-digit sequence and an ISO 7064 MOD 11-2 check character ("0"-"9" or "X").  Old 15-digit
  numbers (YYMMDD, no check character) are upgraded to 18 characters.
* Unified social credit codes follow GB 32100-2015: 18 characters over a 31-character alphabet
  with a MOD 31 check character.  A wrong check character is only a warning, because some codes
  issued in practice fail the check; shape errors are refused.

The module is pure Python; messages are lazy so it can be imported before Django is configured.
"""

from __future__ import annotations

import dataclasses
import datetime
import string
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # type-only import, no runtime dependency
    from django.utils.functional import Promise

__all__ = [
    "RESIDENT_ID_WEIGHTS",
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "IdentityError",
    "UsccResult",
    "birth_date_of",
    "check_uscc",
    "normalize_resident_id",
    "resident_id_check_char",
    "upgrade_legacy_resident_id",
    "uscc_check_char",
]

RESIDENT_ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_DATE = datetime.date(1880, 1, 1)

USCC_ALPHABET: str = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_DIGITS = frozenset("0123456789")
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)

_ID_LENGTH = _("A resident identity number has 18 characters (or 15 for the old format).")
_ID_CHARACTERS = _("A resident identity number has only digits, except that the last character may be X.")
_ID_BIRTH_DATE = _("The birth date in this identity number is not a real past date.")
_ID_CHECKSUM = _("The check character of this identity number is wrong; please check the number.")
_USCC_LENGTH = _("A unified social credit code has 18 characters.")
_USCC_CHARACTERS = _(
    "A unified social credit code uses only digits and capital letters other than I, O, S, V and Z."
)


class IdentityError(ValueError):
    """Raised for a number that must be refused.

    ``.code`` is a short machine code, ``.message`` a lazy translated sentence.
    """

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:  # never evaluates the lazy message
        return f"IdentityError(code={self.code!r})"


def _is_digits(text: str) -> bool:
    """True for ASCII digits only (str.isdigit also accepts e.g. full-width and superscript digits)."""
    return all(char in _DIGITS for char in text)


# --- Resident identity numbers (GB 11643-1999) -------------------------------------------------


def resident_id_check_char(first17: str) -> str:
    """Return the check character for the first 17 digits of a resident identity number."""
    if len(first17) != 17:
        raise IdentityError("length", _ID_LENGTH)
    if not _is_digits(first17):
        raise IdentityError("characters", _ID_CHARACTERS)
    total = sum(int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def upgrade_legacy_resident_id(raw15: str) -> str:
    """Upgrade a 15-digit number (YYMMDD birth date) to 18 characters: insert "19", add the check char."""
    number = raw15.strip()
    if len(number) != 15:
        raise IdentityError("length", _ID_LENGTH)
    if not _is_digits(number):
        raise IdentityError("characters", _ID_CHARACTERS)
    first17 = number[:6] + "19" + number[6:]
    return first17 + resident_id_check_char(first17)


def birth_date_of(resident_id: str) -> datetime.date:
    """Return the birth date encoded in a normalised 18-character resident identity number."""
    if len(resident_id) != 18:
        raise IdentityError("length", _ID_LENGTH)
    text = resident_id[6:14]
    if not _is_digits(text):
        raise IdentityError("characters", _ID_CHARACTERS)
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise IdentityError("birth_date", _ID_BIRTH_DATE) from None


def normalize_resident_id(raw: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character number, or raise IdentityError.

    Codes: "length", "characters", "birth_date" (not a real date, today or later, or before
    1880-01-01) and "checksum".  ``today`` defaults to ``datetime.date.today()``.
    """
    number = raw.strip()
    if number.endswith("x"):
        number = number[:-1] + "X"
    if len(number) == 15:
        number = upgrade_legacy_resident_id(number)
    elif len(number) != 18:
        raise IdentityError("length", _ID_LENGTH)
    if not _is_digits(number[:17]) or not (number[17] in _DIGITS or number[17] == "X"):
        raise IdentityError("characters", _ID_CHARACTERS)
    born = birth_date_of(number)
    if today is None:
        today = datetime.date.today()  # noqa: DTZ011 - server-local date; callers may pass timezone.localdate()
    if born < EARLIEST_BIRTH_DATE or born >= today:
        raise IdentityError("birth_date", _ID_BIRTH_DATE)
    if resident_id_check_char(number[:17]) != number[17]:
        raise IdentityError("checksum", _ID_CHECKSUM)
    return number


# --- Unified social credit codes (GB 32100-2015) -----------------------------------------------


@dataclasses.dataclass(frozen=True)
class UsccResult:
    """A unified social credit code of the right shape; ``checksum_ok`` False is only a warning."""

    number: str
    checksum_ok: bool


def _check_uscc_shape(code: str, length: int) -> None:
    if len(code) != length:
        raise IdentityError("length", _USCC_LENGTH)
    if any(char not in USCC_ALPHABET for char in code):
        raise IdentityError("characters", _USCC_CHARACTERS)


def uscc_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a unified social credit code."""
    _check_uscc_shape(first17, 17)
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(raw: str) -> UsccResult:
    """Normalise a unified social credit code; raise IdentityError for shape errors only."""
    number = raw.strip().translate(_ASCII_UPPER)  # not str.upper(): "ß".upper() is "SS"
    _check_uscc_shape(number, 18)
    return UsccResult(number=number, checksum_ok=uscc_check_char(number[:17]) == number[17])
