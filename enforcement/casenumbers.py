"""Case numbers (法〔2015〕137号): ``（YEAR）COURT TYPE SEQ号``: their form, parsing and normalising.

Every app reads and compares case numbers this way; allocating them (gapless per court, type and year)
is the window's business: ``intake.casenumbers``.
"""

import re

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
