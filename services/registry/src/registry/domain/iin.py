"""The Kazakh individual identification number (IIN): 12 digits.

Digits 1-6 are the birth date YYMMDD; digit 7 gives the century and sex (1/2: 1800s, 3/4:
1900s, 5/6: 2000s; odd male, even female); digit 12 is a check digit: the sum of digit[i] * i
for i = 1..11, mod 11; when that is 10 it is recomputed with the weights 3..11, 1, 2, and a
second 10 means the number cannot be valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


class InvalidIIN(ValueError):
    """The text is not a valid IIN; the message says why."""


@dataclass(frozen=True)
class IIN:
    value: str

    @classmethod
    def parse(cls, text: str) -> IIN:
        if len(text) != 12:
            raise InvalidIIN(f"an IIN has 12 digits, this has {len(text)} characters")
        if not text.isascii() or not text.isdigit():
            raise InvalidIIN("an IIN has digits only")
        if check_digit(text[:11]) != int(text[11]):
            raise InvalidIIN("the check digit does not match: the IIN is mistyped")
        return cls(text)

    def birth_date(self) -> date | None:
        """The birth date the IIN encodes, or None when its digits name no real date."""
        century = _CENTURY.get(self.value[6])
        if century is None:
            return None
        try:
            return date(century + int(self.value[0:2]), int(self.value[2:4]), int(self.value[4:6]))
        except ValueError:
            return None

    def sex(self) -> str | None:
        digit = self.value[6]
        if digit not in _CENTURY:
            return None
        return "male" if int(digit) % 2 == 1 else "female"

    def __str__(self) -> str:
        return self.value


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no digit can make them valid."""
    digits = [int(char) for char in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
    return None if remainder == 10 else remainder
