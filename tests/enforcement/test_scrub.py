"""The scrubber of staff's words (``enforcement.scrub``): every phone, identity and account number is
blanked whatever its separators or digits, and amounts, dates and case numbers survive."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement.scrub import MASK, mask_numbers

# --- Examples ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "158-4736-1234",
        "15847361234",
        "158 4736 1234",
        "158.4736.1234",
        "158－4736－1234",  # full-width hyphens
        "１５８４７３６１２３４",  # full-width digits
        "１５８　４７３６　１２３４",  # and full-width spaces
        "+86 158 4736 1234",
        "+86-15847361234",
        "０086 158 4736 1234",
        "150304 1975 1231 7893",
        "150304197512317893",
        "15030419751231789X",
        "15030419751231789x",
        "150304 19751231 789Ｘ",
        "150304751231789",  # the old 15-digit form
        "150304 751231 789",
        "0473-1234567",
        "0473 1234567",
        "(0473)1234567",
        "（0473）12345678",
        "010-12345678",
        "0473-1234567转801",
        "0473-1234567-801",
        "6217 0000 9999 0001",  # a bank card in fours
        "6217000099990001123",
    ],
)
def test_each_shape_of_number_is_blanked_whole(number):
    assert mask_numbers(f"电话是{number}，请核实") == f"电话是{MASK}，请核实"


@pytest.mark.parametrize(
    "text",
    [
        "执行款12000.00元",
        "执行款12,000.00元",
        "标的额13800000000.00元",  # the integer part of an amount is never a phone
        "2026-12-02",
        "2026.12.02前履行",
        "2026年12月2日",
        "（2026）蒙0302执12号",
        "（2026）蒙0302执恢1234号",
        "法释〔2016〕19号第10条",
        "09:30在执行局",
        "共3人，分2期",
        "统一社会信用代码91150302MA0N1234XY",  # public for organisations: kept
        "本地电话2345678",  # without an area code it cannot be told from an amount
    ],
)
def test_amounts_dates_case_numbers_and_codes_survive(text):
    assert mask_numbers(text) == text


def test_numbers_next_to_dates_and_amounts_take_nothing_else_with_them():
    text = "2026-12-02 13912345678；12000.00 0473-1234567；2026-12-2 139 1234 5678"
    assert mask_numbers(text) == f"2026-12-02 {MASK}；12000.00 {MASK}；2026-12-2 {MASK}"


def test_the_numbers_to_keep_stay_in_any_writing():
    text = "请致电0473-2223333或０４７３２２２３３３３，不要打158-4736-1234"
    assert (
        mask_numbers(text, keep=["0473-2223333"])
        == f"请致电0473-2223333或０４７３２２２３３３３，不要打{MASK}"
    )


def test_a_phone_followed_by_a_word_in_x_is_still_a_phone():
    assert mask_numbers("13912345678Xu先生") == f"{MASK}Xu先生"


def test_empty_and_numberless_texts_come_back_unchanged():
    assert mask_numbers("") == ""
    assert mask_numbers("无") == "无"


def test_a_long_text_of_digits_is_scrubbed_quickly():
    text = "1 " * 5000 + "13912345678"
    assert mask_numbers(text).endswith(MASK)


# --- Properties --------------------------------------------------------------------------------------------

DIGITS = "0123456789"
SEPARATORS = [" ", "-", ".", "\u3000", "\uff0d", "\u2013", "  ", " - "]
# Words around a number: no digits, separators, brackets, + or X (each of which may join a number).
WORDS = st.text(
    alphabet="电话手机号码身份证是联系人证人被执行人申请请拨打或，。：；、abcdefghijklmnopqrstuvw", max_size=8
)
FILLER = st.text(alphabet="元于前见案号期限执行款法院已支付送达，。：；、", min_size=1, max_size=6)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=n, max_size=n)


birth_dates = st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31))
regions = st.builds(lambda first, rest: first + rest, st.sampled_from("123456789"), digits(5))
mobiles = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"), digits(9))
resident_ids = st.builds(
    lambda region, born, serial, check: f"{region}{born:%Y%m%d}{serial}{check}",
    regions,
    birth_dates,
    digits(3),
    st.sampled_from(DIGITS + "X"),
)
old_ids = st.builds(
    lambda region, born, serial: f"{region}{born:%y%m%d}{serial}", regions, birth_dates, digits(3)
)
area_codes = st.one_of(
    st.just("010"),
    st.builds(lambda d: "02" + d, digits(1)),
    st.builds(lambda a, rest: "0" + a + rest, st.sampled_from("3456789"), digits(2)),
)
landlines = st.builds(
    lambda area, first, rest: area + first + rest,
    area_codes,
    st.sampled_from("2345678"),
    st.one_of(digits(6), digits(7)),
)
numbers = st.one_of(mobiles, resident_ids, old_ids, landlines)


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as someone might type it: separators anywhere, digits full-width or not."""
    out = []
    for i, char in enumerate(number):
        if i and draw(st.booleans()):
            # Not a lone dot before the last one or two digits: that reads as an amount (see the module).
            choices = SEPARATORS if i < len(number) - 2 else [sep for sep in SEPARATORS if "." not in sep]
            out.append(draw(st.sampled_from(choices)))
        full_width = draw(st.booleans())
        if char.isdigit() and full_width:
            char = chr(ord("０") + int(char))
        elif char == "X":
            char = draw(st.sampled_from("XxＸ"))
        out.append(char)
    return "".join(out)


def typed(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return strategy.flatmap(lambda number: written(number))


@given(before=WORDS, number=typed(numbers), after=WORDS)
def test_any_phone_or_identity_number_with_any_separators_is_blanked(before, number, after):
    assert mask_numbers(before + number + after) == before + MASK + after


@given(before=WORDS, prefix=st.sampled_from(["+86", "+86 ", "0086", "0086-", "86 "]), number=typed(mobiles))
def test_a_mobile_with_its_country_code_is_blanked_with_it(before, prefix, number):
    assert mask_numbers(before + prefix + number + "。") == before + MASK + "。"


amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False).map(
    lambda amount: f"{amount:.2f}"
)
dates = st.builds(
    lambda day, style: day.strftime(style),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2099, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y年%m月%d日"]),
)
case_numbers = st.builds(
    lambda year, court, n: f"（{year}）蒙{court:04d}执{n}号",
    st.integers(2000, 2099),
    st.integers(1, 9999),
    st.integers(1, 99999),
)
survivors = st.lists(st.one_of(amounts, dates, case_numbers), min_size=1, max_size=4)


@given(tokens=survivors, filler=FILLER)
def test_amounts_dates_and_case_numbers_always_survive(tokens, filler):
    text = filler.join(tokens)
    assert mask_numbers(text) == text


@given(first=survivors, number=typed(numbers), last=survivors, filler=FILLER)
def test_a_number_among_amounts_dates_and_case_numbers_goes_and_they_stay(first, number, last, filler):
    before, after = filler.join(first) + filler, filler + filler.join(last)
    assert mask_numbers(before + number + after) == before + MASK + after
