"""Dates and amounts as a reader of each language writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from notifications.domain.values import Language

_KAZAKH_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
                  "қыркүйек", "қазан", "қараша", "желтоқсан")  # fmt: skip
_RUSSIAN_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")  # fmt: skip
_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December")  # fmt: skip
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_date(value: date | datetime | str, language: Language) -> str:
    """2025-10-05 → ``2025 жылғы 5 қазан`` / ``5 октября 2025 года`` / ``5 October 2025``."""
    day = _as_date(value)
    if language is Language.KAZAKH:
        return f"{day.year} жылғы {day.day} {_KAZAKH_MONTHS[day.month - 1]}"
    if language is Language.RUSSIAN:
        return f"{day.day} {_RUSSIAN_MONTHS[day.month - 1]} {day.year} года"
    return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"


def format_money(amount: str | Decimal | float, currency: str, language: Language) -> str:
    """``12.21 GBP`` → ``£12.21`` (English) or ``12,21 £`` (Kazakh, Russian);
    ``150000 KZT`` → ``150,000.00 KZT`` / ``150 000,00 KZT``."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    grouped = f"{value:,.2f}"
    symbol = _SYMBOLS.get(currency.upper())
    if language is Language.ENGLISH:
        return f"{symbol}{grouped}" if symbol else f"{grouped} {currency.upper()}"
    local = grouped.replace(",", "\u00a0").replace(".", ",")
    return f"{local}\u00a0{symbol or currency.upper()}"


def format_number(value: str | Decimal | float, language: Language) -> str:
    """``39.0`` → ``39``; ``37.5`` → ``37.5`` (English) or ``37,5`` (Kazakh, Russian)."""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    text = f"{number:f}"
    return text if language is Language.ENGLISH else text.replace(".", ",")


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
