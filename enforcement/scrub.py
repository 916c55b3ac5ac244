"""Numbers blanked out of staff free text before parties read it: phones, identity numbers, accounts.

What parties read of staff's own words (a judge's note on a public step, a public event's detail, a
judge's answer in the messages) may carry anyone's number: a party's, a witness's, a third party's.
Matching the parties' stored values catches only exact copies, so "158-4736-1234" or
"150304 1975 1231 7893" passed through. This module recognises numbers by their shape instead.

How a number is found
    The text is read with every decimal digit as its ASCII digit (full-width １５８ too) and Ｘ as X. A *run*
    is digits joined by at most three separators each: spaces (also full-width and no-break), hyphens
    and dashes (also full-width －), dots (also full-width ．), brackets and middle dots. A run splits into
    *groups* at its separators, and a number is a window of whole consecutive groups whose digits, put
    together, have one of these shapes, tried in this order (an earlier shape wins where windows overlap):

    1. an 18-character resident identity number (GB 11643): 17 digits and a digit or X, with a plausible
       region (not starting with 0) and birth date (1800–2099, month 01–12, day 01–31). The check
       character is not verified, so a mistyped number is still blanked;
    2. a 15-digit identity number of the old form, region and birth date (YYMMDD) plausible as above;
    3. a mainland mobile number: 1, then 3–9, then 9 digits, optionally after 86 or 0086 (a + before
       the run goes with it);
    4. a landline with its area code: 0, then 9–11 digits (a 3- or 4-digit area code and a 7- or 8-digit
       number), with an extension after "-", 转, 分机, ext or # going with it;
    5. a bank card or account written in fours (6217 0000 9999 0001): 16–19 digits;
    6. any unbroken string of 15 or more digits (accounts, mistyped identity numbers).

    The birth-date check is what lets dates and amounts next to a number survive: "2026-12-02" followed
    by a mobile makes 19 digits, and the 15- or 18-digit windows that would cross it fail the date test.

What is kept
    - Amounts ("12000.00", "1,234.56", "13800000000.00"): where a run's only dot comes before its last
      one or two digits, those digits are cents and the digits before the dot an amount, so neither joins
      a number. (A phone typed with a dot before its last digit only, 139 1234 567.8, is read as an amount.)
    - Dates (2026-12-02, 2026.12.02, 2026年12月2日), case numbers (（2026）蒙0302执12号), times,
      statute numbers: none has the shape of a phone or an identity number.
    - Local numbers without an area code (7 or 8 digits) cannot be told from amounts and are kept.
    - The numbers in ``keep``, e.g. the court's and the team's service phones, which parties are meant to
      call.
    - Unified social credit codes (GB 32100, 18 characters with letters) are not blanked by shape: they
      identify organisations and are public by law (企业信息公示暂行条例), and courts print them in
      published judgments. A code made of digits only that also looks like an identity number is blanked
      all the same: being wrong that way hides too much, never too little. (A party's own stored code is
      still blanked exactly by the caller, as every stored value of a party is.)

How it is masked
    The whole number, separators included, becomes ``MASK`` ("***"), keeping no digit: the Supreme
    People's Court's rules for publishing judgments on the Internet (法释〔2016〕19号, art. 10) delete
    identity numbers and contact details rather than shortening them, the page may be read by anyone near
    the party's phone, and the last four digits of a phone with a masked name still narrow a person down.
    It is the same mask the exact copies of the parties' values get, so a reader sees one convention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MASK = "***"

SEPARATORS = (
    " \t\u00a0\u3000"  # spaces: ASCII, tab, no-break, full-width
    "-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphens, dashes, minus, full-width hyphen
    ".\uff0e"  # dots
    "()\uff08\uff09"  # brackets, also full-width: (0473)1234567
    "\u00b7\u30fb"  # middle dots
)
_SEP = "[" + re.escape(SEPARATORS) + "]"
_RUN = re.compile(rf"\d(?:{_SEP}{{0,3}}\d)*(?:{_SEP}{{0,3}}X)?")
# An X is a group of its own: only an identity number's window may end with it, so a phone followed by
# a word in X (13912345678Xu) is still a phone.
_GROUP = re.compile(r"\d+|X")
_FRACTION_AT_END = re.compile(r"[.\uff0e]\d{1,2}$")
_EXTENSION = re.compile(
    rf"(?:{_SEP}{{0,3}}(?:转|分机|ext\.?|#){_SEP}{{0,3}}|-)\d{{1,6}}(?!\d)", re.IGNORECASE
)

_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("resident_id", re.compile(rf"[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_DAY}\d{{3}}[\dX]")),
    ("resident_id_15", re.compile(rf"[1-9]\d{{5}}\d{{2}}{_DAY}\d{{3}}")),
    ("mobile", re.compile(r"(?:0086|86)?1[3-9]\d{9}")),
    ("landline", re.compile(r"0[1-9]\d{8,10}")),
    ("account_in_fours", re.compile(r"\d{16,19}")),
    ("long_number", re.compile(r"\d{15,}")),
)
_LONGEST = 23  # 0086 + 19 digits: no shape made of several groups is longer
_OPENING, _CLOSING = "(\uff08", ")\uff09"


@dataclass
class _Group:
    start: int  # in the text
    end: int
    digits: str
    masked: bool = False


def normalize_digits(text: str) -> str:
    """The text with every decimal digit as ASCII (１５８ → 158), full-width ＋ and Ｘ/ｘ as + and X;
    one character for one, so positions stay those of the original."""
    out = []
    for char in text:
        if char.isdecimal():
            out.append(str(unicodedata.decimal(char)))
        elif char in "Xx\uff38\uff58":
            out.append("X")
        elif char == "\uff0b":
            out.append("+")
        else:
            out.append(char)
    return "".join(out)


def digits_of(number: str) -> str:
    """Only the digits of a number as written (full-width too), for comparing with ``keep``."""
    return "".join(ch for ch in normalize_digits(number) if ch.isdigit())


def mask_numbers(text: str, *, keep: Iterable[str] = ()) -> str:
    """The text with every phone, identity number and account number replaced by ``MASK``."""
    if not text:
        return text
    kept = {digits for digits in (digits_of(number) for number in keep) if digits}
    plain = normalize_digits(text)
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(plain):
        spans.extend(_numbers_in_run(plain, run, kept))
    pieces, at = [], 0
    for start, end in _merged(spans):
        pieces += [text[at:start], MASK]
        at = end
    return "".join([*pieces, text[at:]])


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _numbers_in_run(plain: str, run: re.Match[str], kept: set[str]) -> list[tuple[int, int]]:
    groups = [
        _Group(run.start() + g.start(), run.start() + g.end(), g.group())
        for g in _GROUP.finditer(run.group())
    ]
    # An amount such as 130000000.00 or 13800000000.00 is not a number: its cents and its integer part
    # stay out of every window (the run's only dot, before its last one or two digits, says amount).
    amount_end = None
    if len(groups) > 1 and _FRACTION_AT_END.search(run.group()) and _count_dots(run.group()) == 1:
        amount_end = len(groups) - 2
        groups = groups[:-1]
    spans = []
    for shape, pattern in _SHAPES:
        for i in range(len(groups)):
            for last, window in _windows_from(groups, i, single=shape == "long_number"):
                if last == amount_end or any(g.masked for g in window):
                    continue
                digits = "".join(g.digits for g in window)
                if not _fits(shape, pattern, window, digits):
                    continue
                for g in window:
                    g.masked = True
                if _without_prefix(digits) not in kept:
                    spans.append(_span(plain, shape, window, groups))
                break
    return spans


def _count_dots(run: str) -> int:
    return run.count(".") + run.count("\uff0e")


def _windows_from(groups: list[_Group], i: int, *, single: bool) -> list[tuple[int, list[_Group]]]:
    """(index of the last group, the window) for the windows starting at group ``i``, longest first,
    none longer than any shape made of several groups."""
    if single:
        return [(i, groups[i : i + 1])]
    windows, length = [], 0
    for j in range(i, len(groups)):
        length += len(groups[j].digits)
        if length > _LONGEST:
            break
        windows.append((j, groups[i : j + 1]))
    return windows[::-1]


def _fits(shape: str, pattern: re.Pattern[str], window: list[_Group], digits: str) -> bool:
    if not pattern.fullmatch(digits):
        return False
    if shape == "account_in_fours":
        return len(window) >= 4 and all(len(g.digits) == 4 for g in window[:-1])
    if shape == "long_number":
        return len(window) == 1
    return True


def _without_prefix(digits: str) -> str:
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def _span(plain: str, shape: str, window: list[_Group], groups: list[_Group]) -> tuple[int, int]:
    start, end = window[0].start, window[-1].end
    if shape == "mobile" and start > 0 and plain[start - 1] == "+":
        start -= 1
    if shape == "landline":
        extension = _EXTENSION.match(plain, end)
        if extension is not None:
            end = extension.end()
            for g in groups:
                g.masked = g.masked or (g.start < end and g.end > window[-1].end)
    if start > 0 and plain[start - 1] in _OPENING:  # (0473)1234567 → ***, not (***
        closed_inside = any(ch in _CLOSING for ch in plain[start:end])
        closed_after = end < len(plain) and plain[end] in _CLOSING
        if closed_inside or closed_after:
            start, end = start - 1, end + int(closed_after and not closed_inside)
    return start, end
