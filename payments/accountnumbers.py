"""Case sub-account numbers: the court's 4-digit prefix, an 8-digit sequence and a Luhn check digit.

The check digit (the same algorithm as bank card numbers, from python-stdnum) catches every mistyped
single digit and most swapped neighbours, so money paid to a mistyped number is queued as unmatched
instead of landing on another case.
"""

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

SEQUENCE_DIGITS = 8
LENGTH = 4 + SEQUENCE_DIGITS + 1


def sub_account_number(prefix: str, seq: int) -> str:
    body = f"{prefix}{seq:0{SEQUENCE_DIGITS}d}"
    if len(body) != LENGTH - 1 or not body.isdigit():
        raise ValueError(f"cannot make a sub-account number from {prefix!r} and {seq}")
    return body + luhn.calc_check_digit(body)


def normalize(number: str) -> str:
    """What people and banks type: spaces and dashes dropped."""
    return "".join(ch for ch in number if ch not in " -\u3000")


def is_valid(number: str) -> bool:
    number = normalize(number)
    if len(number) != LENGTH or not number.isdigit():
        return False
    try:
        luhn.validate(number)
    except StdnumError:
        return False
    return True


def prefix_of(number: str) -> str | None:
    number = normalize(number)
    return number[:4] if is_valid(number) else None
