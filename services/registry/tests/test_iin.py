"""The IIN rules (pure logic)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.iin import IIN, InvalidIIN, check_digit


def with_check_digit(first_eleven: str) -> str:
    digit = check_digit(first_eleven)
    assert digit is not None
    return first_eleven + str(digit)


def test_a_valid_iin_gives_its_birth_date_and_sex() -> None:
    iin = IIN.parse(with_check_digit("98041230001"))

    assert iin.birth_date() == date(1998, 4, 12)
    assert iin.sex() == "male"


def test_the_century_digit_decides_the_century_and_sex() -> None:
    assert IIN.parse(with_check_digit("05020160001")).birth_date() == date(2005, 2, 1)
    assert IIN.parse(with_check_digit("05020160001")).sex() == "female"
    assert IIN.parse(with_check_digit("99123140001")).birth_date() == date(1999, 12, 31)


def test_a_wrong_check_digit_is_refused() -> None:
    valid = with_check_digit("98041230001")
    wrong = valid[:11] + str((int(valid[11]) + 1) % 10)

    with pytest.raises(InvalidIIN, match="check digit"):
        IIN.parse(wrong)


@pytest.mark.parametrize("text", ["", "98041230001", "9804123000123", " 98041230001 "])
def test_anything_but_twelve_characters_is_refused(text: str) -> None:
    with pytest.raises(InvalidIIN, match="12 digits"):
        IIN.parse(text)


@pytest.mark.parametrize("text", ["98041230001A", "98O412300012", "9804123000 1", "٩٨٠٤١٢٣٠٠٠١٢"])
def test_letters_and_non_ascii_digits_are_refused(text: str) -> None:
    with pytest.raises(InvalidIIN, match="digits only"):
        IIN.parse(text)


def test_when_the_first_remainder_is_ten_the_second_weights_decide() -> None:
    # A 1 in position 10: the first weights give 1 * 10 = 10, the second ones 1 * 1 = 1.
    assert check_digit("00000000010") == 1


def test_digits_whose_check_is_ten_twice_can_never_be_valid() -> None:
    hopeless = next(f"{n:011d}" for n in range(10**6) if check_digit(f"{n:011d}") is None)

    for last in "0123456789":
        with pytest.raises(InvalidIIN):
            IIN.parse(hopeless + last)


def test_an_impossible_date_is_no_birth_date() -> None:
    assert IIN.parse(with_check_digit("98133130001")).birth_date() is None


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_every_eleven_digits_with_their_check_digit_parse(first_eleven: str) -> None:
    digit = check_digit(first_eleven)
    if digit is None:
        return
    assert IIN.parse(first_eleven + str(digit)).value == first_eleven + str(digit)
