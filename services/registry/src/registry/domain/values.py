"""Checks of plain values shared by the journey's records; each failure names its field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from registry.domain.errors import InvalidWorkerData

CENT = Decimal("0.01")
SHORT_TEXT = 200
LONG_TEXT = 2000
# The SWS allows 6 months in any 12. A day count (half a year, rounded up) lets stays from
# several seasons be added up, which calendar months cannot; placements use the same limit so
# that a valid placement is always a valid season.
SIX_MONTHS_DAYS = 183


def days_inclusive(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both counted: the worker is in the UK on each."""
    return (end - start).days + 1


def last_day_within_limit(start: date) -> date:
    return start + timedelta(days=SIX_MONTHS_DAYS - 1)


def check_text(value: str, field: str, max_length: int = SHORT_TEXT) -> None:
    if not value.strip():
        raise InvalidWorkerData(f"{field} must not be empty", field=field)
    if len(value) > max_length:
        raise InvalidWorkerData(f"{field} is longer than {max_length} characters", field=field)


def check_optional_text(value: str | None, field: str, max_length: int = SHORT_TEXT) -> None:
    if value is not None:
        check_text(value, field, max_length)


def check_money(value: Decimal, field: str, *, positive: bool = False) -> None:
    """A sum in a currency's units with at most two decimals (what the contracts carry)."""
    if not value.is_finite() or value < 0 or (positive and value == 0):
        wanted = "more than 0" if positive else "0 or more"
        raise InvalidWorkerData(f"{field} must be {wanted}", field=field)
    if value != value.quantize(CENT) or value >= Decimal("1e8"):
        raise InvalidWorkerData(f"{field} must have at most 8 digits and 2 decimals", field=field)


def check_currency(code: str) -> None:
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise InvalidWorkerData("currency must be an ISO 4217 code such as GBP", field="currency")


def check_not_before(later: date, earlier: date, field: str, earlier_name: str) -> None:
    if later < earlier:
        raise InvalidWorkerData(
            f"{field} {later.isoformat()} is before {earlier_name} {earlier.isoformat()}",
            field=field,
        )


def check_choice(value: str, choices: tuple[str, ...], field: str) -> None:
    """Literal types are not checked at run time; values from outside are checked here."""
    if value not in choices:
        raise InvalidWorkerData(f"{field} is one of: {', '.join(choices)}", field=field)
