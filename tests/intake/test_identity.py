"""Tests for intake.identity (GB 11643-1999 resident ids, GB 32100-2015 credit codes).

Messages are lazy and never evaluated here, so no Django settings are needed: compare ``.code``.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.identity import (
    RESIDENT_ID_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    IdentityError,
    UsccResult,
    birth_date_of,
    check_uscc,
    normalize_resident_id,
    resident_id_check_char,
    upgrade_legacy_resident_id,
    uscc_check_char,
)

VALID_RESIDENT_IDS = ["11010519491231002X", "440524188001010014"]
VALID_USCCS = ["91512081MA62K0260E", "9131000063159284XQ"]
TODAY = datetime.date(2025, 6, 15)
RESIDENT_CHECK_CHARS = "0123456789X"


def make_resident_id(area: str, born: datetime.date, sequence: str) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence}"
    return first17 + resident_id_check_char(first17)


def error_code(raw: str, today: datetime.date = TODAY) -> str:
    with pytest.raises(IdentityError) as info:
        normalize_resident_id(raw, today=today)
    return info.value.code


def uscc_error_code(raw: str) -> str:
    with pytest.raises(IdentityError) as info:
        check_uscc(raw)
    return info.value.code


# --- Resident identity numbers: examples ---------------------------------------------------------


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_the_reference_resident_ids_are_valid(number: str) -> None:
    assert normalize_resident_id(number) == number


def test_lower_case_x_is_normalised() -> None:
    assert normalize_resident_id("11010519491231002x") == "11010519491231002X"


def test_surrounding_whitespace_is_stripped() -> None:
    assert normalize_resident_id(" \t11010519491231002X\n") == "11010519491231002X"
    assert normalize_resident_id("\u3000440524188001010014\u3000") == "440524188001010014"


def test_a_one_character_change_to_a_valid_resident_id_fails_the_checksum() -> None:
    assert error_code("11010519491231003X") == "checksum"
    assert error_code("110105194912310020") == "checksum"
    assert error_code("440524188001010015") == "checksum"


def test_the_birth_date_is_read_from_the_number() -> None:
    assert birth_date_of("11010519491231002X") == datetime.date(1949, 12, 31)


def test_feb_29_is_valid_in_a_leap_year() -> None:
    number = make_resident_id("110105", datetime.date(2000, 2, 29), "123")
    assert normalize_resident_id(number, today=TODAY) == number


@pytest.mark.parametrize("year", [1900, 2001, 2023])
def test_feb_29_in_a_non_leap_year_is_a_birth_date_error(year: int) -> None:
    first17 = f"110105{year}0229123"
    assert error_code(first17 + resident_id_check_char(first17)) == "birth_date"


@pytest.mark.parametrize("month_day", ["0000", "0132", "1301", "0431", "0100"])
def test_an_impossible_month_or_day_is_a_birth_date_error(month_day: str) -> None:
    first17 = f"1101051990{month_day}123"
    assert error_code(first17 + resident_id_check_char(first17)) == "birth_date"


def test_a_future_birth_date_is_a_birth_date_error() -> None:
    number = make_resident_id("110105", datetime.date(2030, 1, 1), "123")
    assert error_code(number, today=TODAY) == "birth_date"


def test_a_birth_date_of_today_is_a_birth_date_error_but_yesterday_is_fine() -> None:
    assert error_code(make_resident_id("110105", TODAY, "123"), today=TODAY) == "birth_date"
    yesterday = make_resident_id("110105", TODAY - datetime.timedelta(days=1), "123")
    assert normalize_resident_id(yesterday, today=TODAY) == yesterday


def test_a_birth_date_before_1880_is_a_birth_date_error() -> None:
    assert error_code(make_resident_id("440524", datetime.date(1879, 12, 31), "001")) == "birth_date"


def test_the_birth_date_is_checked_before_the_checksum() -> None:
    assert error_code("110105202001010010", today=datetime.date(2019, 1, 1)) == "birth_date"


# --- Resident identity numbers: the old 15-digit format ----------------------------------------


def test_a_15_digit_number_is_upgraded_with_19_and_a_check_character() -> None:
    upgraded = upgrade_legacy_resident_id("110105491231002")
    assert upgraded == "11010519491231002X"
    assert normalize_resident_id(upgraded) == upgraded
    assert birth_date_of(upgraded) == datetime.date(1949, 12, 31)


def test_a_15_digit_number_is_upgraded_by_normalisation() -> None:
    assert normalize_resident_id(" 110105491231002 ") == "11010519491231002X"


def test_a_15_digit_number_with_an_impossible_date_is_a_birth_date_error() -> None:
    assert error_code("110105490231002") == "birth_date"


@pytest.mark.parametrize(("raw", "code"), [("11010549123100", "length"), ("11010549123100X", "characters")])
def test_upgrade_refuses_a_number_of_the_wrong_shape(raw: str, code: str) -> None:
    with pytest.raises(IdentityError) as info:
        upgrade_legacy_resident_id(raw)
    assert info.value.code == code


# --- Resident identity numbers: shape errors -------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["", "   ", "1101051949123100", "11010519491231002", "11010519491231002X0", "1101054912310021"]
)
def test_a_resident_id_of_the_wrong_length_is_a_length_error(raw: str) -> None:
    assert error_code(raw) == "length"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100A2",  # letter among the digits
        "X10105194912310020",  # X is only allowed last
        "11010519491231002Y",  # wrong final letter
        "11010549123100X",  # 15-digit numbers have no check character
        "11010519491231 02X",  # inner space
        "\uff11\uff11\uff10\uff11\uff10\uff1519491231002X",  # full-width digits are not ASCII digits
        "110105194912310\u00b22X",  # str.isdigit() accepts superscripts; we do not
    ],
)
def test_letters_or_other_characters_in_a_resident_id_are_a_characters_error(raw: str) -> None:
    assert error_code(raw) == "characters"


def test_identity_error_is_a_value_error_with_a_code_and_a_message() -> None:
    with pytest.raises(IdentityError) as info:
        normalize_resident_id("123")
    assert isinstance(info.value, ValueError)
    assert info.value.code == "length"
    assert info.value.message is not None
    assert repr(info.value) == "IdentityError(code='length')"


# --- Unified social credit codes: examples ------------------------------------------------------


@pytest.mark.parametrize("code", VALID_USCCS)
def test_the_reference_credit_codes_are_valid(code: str) -> None:
    assert check_uscc(code) == UsccResult(number=code, checksum_ok=True)


def test_a_credit_code_is_upper_cased_and_stripped() -> None:
    assert check_uscc("  91512081ma62k0260e\n") == UsccResult(number="91512081MA62K0260E", checksum_ok=True)


def test_a_one_character_change_to_a_credit_code_is_only_a_checksum_warning() -> None:
    result = check_uscc("91512081MA62K0261E")
    assert result == UsccResult(number="91512081MA62K0261E", checksum_ok=False)
    assert check_uscc("9131000063159284XR").checksum_ok is False


@pytest.mark.parametrize("raw", ["", "91512081MA62K0260", "91512081MA62K0260E0", "9151 2081MA62K0260E"])
def test_a_credit_code_of_the_wrong_length_is_a_length_error(raw: str) -> None:
    assert uscc_error_code(raw) == "length"


@pytest.mark.parametrize(
    "letter", ["I", "O", "S", "V", "Z", "i", "o", "s", "v", "z", "-", "\u0131", "\u017f"]
)
def test_excluded_letters_in_a_credit_code_are_a_characters_error(letter: str) -> None:
    assert uscc_error_code("91512081MA62K026" + letter + "E") == "characters"


def test_check_char_helpers_refuse_input_of_the_wrong_shape() -> None:
    for call, raw, code in [
        (resident_id_check_char, "1101051949123100", "length"),
        (resident_id_check_char, "1101051949123100A", "characters"),
        (uscc_check_char, "91512081MA62K026", "length"),
        (uscc_check_char, "91512081MA62K026O", "characters"),
    ]:
        with pytest.raises(IdentityError) as info:
            call(raw)
        assert info.value.code == code


# --- Why single-character errors are always caught ---------------------------------------------


def test_resident_id_weights_are_powers_of_two_mod_11_and_never_zero() -> None:
    # A digit change d -> d' shifts the sum by W_i * (d' - d); 11 is prime, 0 < |d' - d| < 11 and W_i != 0.
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == RESIDENT_ID_WEIGHTS


def test_credit_code_weights_are_powers_of_three_mod_31_and_never_zero() -> None:
    # Same argument mod 31: alphabet values differ by 1..30 and every weight is non-zero mod 31.
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS
    assert len(USCC_ALPHABET) == 31


# --- Properties -----------------------------------------------------------------------------------

areas = st.text(alphabet="0123456789", min_size=6, max_size=6)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)
past_dates = st.dates(min_value=datetime.date(1880, 1, 1), max_value=TODAY - datetime.timedelta(days=1))
uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(area=areas, born=past_dates, sequence=sequences)
def test_any_well_formed_resident_id_round_trips(area: str, born: datetime.date, sequence: str) -> None:
    number = make_resident_id(area, born, sequence)
    assert normalize_resident_id(number, today=TODAY) == number
    assert normalize_resident_id(number.lower(), today=TODAY) == number
    assert birth_date_of(number) == born


@given(area=areas, born=past_dates, sequence=sequences, position=st.integers(0, 16), data=st.data())
def test_changing_any_single_digit_of_a_resident_id_is_rejected(
    area: str, born: datetime.date, sequence: str, position: int, data: st.DataObject
) -> None:
    number = make_resident_id(area, born, sequence)
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    mutated = number[:position] + new_digit + number[position + 1 :]
    # The weights alone catch it: the check character of the changed prefix always differs ...
    assert resident_id_check_char(mutated[:17]) != number[17]
    # ... though a changed date digit may be reported as an impossible birth date first.
    assert error_code(mutated) in {"checksum", "birth_date"}


@given(area=areas, born=past_dates, sequence=sequences, data=st.data())
def test_changing_the_check_character_of_a_resident_id_is_a_checksum_error(
    area: str, born: datetime.date, sequence: str, data: st.DataObject
) -> None:
    number = make_resident_id(area, born, sequence)
    new_check = data.draw(st.sampled_from([c for c in RESIDENT_CHECK_CHARS if c != number[17]]))
    assert error_code(number[:17] + new_check) == "checksum"


@given(body=uscc_bodies)
def test_any_credit_code_with_its_computed_check_char_passes(body: str) -> None:
    code = body + uscc_check_char(body)
    assert check_uscc(code) == UsccResult(number=code, checksum_ok=True)
    assert check_uscc(code.lower()).number == code


@given(body=uscc_bodies, position=st.integers(0, 17), data=st.data())
def test_changing_any_single_character_of_a_credit_code_fails_the_checksum(
    body: str, position: int, data: st.DataObject
) -> None:
    code = body + uscc_check_char(body)
    new_char = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    mutated = code[:position] + new_char + code[position + 1 :]
    assert check_uscc(mutated) == UsccResult(number=mutated, checksum_ok=False)
