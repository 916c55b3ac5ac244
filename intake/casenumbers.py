"""Case numbers (法〔2015〕137号): ``（YEAR）COURT TYPE SEQ号``, gapless per court, type and year."""

import re

from django.db import IntegrityError, transaction

from enforcement.models import CaseType, Court

from .models import CaseNumberCounter

# Brackets clerks type for the year, mapped to the full-width ones numbers are stored and shown with.
_OPENING = "(（〔[［【"
_CLOSING = ")）〕]］】"
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMBER_RE = re.compile(
    r"^（(?P<year>\d{4})）(?P<court>最高法|[\u4e00-\u9fff]\d{0,4})(?P<type>\D+?)(?P<seq>\d+)号$"
)


def format_case_number(*, year: int, court_code: str, type_code: str, seq: int) -> str:
    return f"（{year}）{court_code}{type_code}{seq}号"


def normalize_case_number(text: str) -> str:
    """Full-width brackets, ASCII digits, no white space: the form case numbers are stored and compared in."""
    table = {ord(c): "（" for c in _OPENING} | {ord(c): "）" for c in _CLOSING}
    text = text.translate(table).translate(_FULL_WIDTH_DIGITS)
    return re.sub(r"\s+", "", text)


def parse_case_number(text: str) -> dict[str, str] | None:
    """The parts of an enforcement case number, or None when the text is not one."""
    match = _NUMBER_RE.match(normalize_case_number(text))
    return match.groupdict() if match else None


def allocate_case_number(*, court: Court, case_type: CaseType, year: int) -> tuple[int, str]:
    """The next sequence number and the formatted case number; call inside the filing transaction."""
    counter = _locked_counter(court=court, case_type=case_type, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    number = format_case_number(
        year=year, court_code=court.code, type_code=case_type.code, seq=counter.last_seq
    )
    return counter.last_seq, number


def _locked_counter(*, court: Court, case_type: CaseType, year: int) -> CaseNumberCounter:
    lookup = {"court": court, "case_type": case_type, "year": year}
    try:
        return CaseNumberCounter.objects.select_for_update().get(**lookup)
    except CaseNumberCounter.DoesNotExist:
        pass
    try:
        # The first filing of a year creates the counter. Two clerks may race to create it: the loser's
        # insert waits for the winner's commit and fails, and it then locks the winner's row instead.
        with transaction.atomic():
            return CaseNumberCounter.objects.create(**lookup)
    except IntegrityError:
        return CaseNumberCounter.objects.select_for_update().get(**lookup)
