"""Phone numbers and e-mail addresses, masked for logs, errors and the delivery log."""

from __future__ import annotations

import re

# An international number (+ and 7 to 15 digits, spaces or hyphens allowed), or any run of
# 10 or more digits (a domestic number, an IIN); dates and times do not match.
_PHONE = re.compile(r"\+\d[\d \-]{5,17}\d|(?<!\d)\d{10,15}(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")


def mask_phone(phone: str) -> str:
    """``+77011234567`` → ``+7701*****67``: the country and operator code and the last two
    digits stay, so that a person can tell numbers apart without reading them."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    plus = "+" if phone.strip().startswith("+") else ""
    return f"{plus}{digits[:4]}{'*' * (len(digits) - 6)}{digits[-2:]}"


def mask_email(email: str) -> str:
    """``aigerim@example.kz`` → ``a*****@example.kz``."""
    local, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return f"{local[:1]}*****@{domain}"


def mask_address(address: str) -> str:
    return mask_email(address) if "@" in address else mask_phone(address)


def mask_text(text: str) -> str:
    """Every phone number and e-mail address in free text, masked."""
    text = _EMAIL.sub(lambda match: f"{match.group(1)}*****@{match.group(2)}", text)
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)
