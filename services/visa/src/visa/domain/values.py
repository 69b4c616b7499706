"""Checks of plain values; each failure names its field."""

from __future__ import annotations

import re
from datetime import date

from visa.domain.errors import InvalidCaseData

SHORT_TEXT, LONG_TEXT = 200, 2000
MAX_PROCESSING_DAYS = 365  # the contract's bound on processing_days
COS_NUMBER = re.compile(r"[A-Z0-9-]{4,32}")
REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


def check_not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise InvalidCaseData(
            f"{field} {day.isoformat()} is in the future (today is {today.isoformat()})",
            field=field,
        )


def check_not_before(later: date, earlier: date, field: str, earlier_name: str) -> None:
    if later < earlier:
        raise InvalidCaseData(
            f"{field} {later.isoformat()} is before {earlier_name} {earlier.isoformat()}",
            field=field,
        )


def check_text(value: str, field: str, max_length: int = SHORT_TEXT) -> None:
    if not value.strip():
        raise InvalidCaseData(f"{field} must not be empty", field=field)
    if len(value) > max_length:
        raise InvalidCaseData(f"{field} is longer than {max_length} characters", field=field)


def check_cos_number(value: str) -> None:
    if not COS_NUMBER.fullmatch(value):
        raise InvalidCaseData(
            "cos_number is 4 to 32 upper-case letters, digits or hyphens", field="cos_number"
        )


def check_reason_code(value: str) -> None:
    if not REASON_CODE.fullmatch(value):
        raise InvalidCaseData(
            "reason_code is snake_case: a lower-case letter, then letters, digits or _",
            field="reason_code",
        )
