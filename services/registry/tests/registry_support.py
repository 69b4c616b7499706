"""Helpers of the registry's tests."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import asyncpg

from registry.domain.iin import check_digit

_serial = itertools.count(1)


def new_iin(birth: str = "980412", century_sex: str = "3") -> str:
    """A valid IIN not handed out before in this test session."""
    while True:
        first_eleven = f"{birth}{century_sex}{next(_serial) % 10_000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return first_eleven + str(digit)


def worker_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iin": new_iin(),
        "organisation_id": str(uuid.uuid4()),
        "given_name": "Aigerim",
        "family_name": "Example",
        "date_of_birth": "1998-04-12",
        "sex": "male",
        "region": "Turkistan",
        "phone": "+77011234567",
        "preferred_language": "kk",
        "passport_number": "N12345678",
        "passport_expiry": "2031-06-30",
        "consent": {"given_at": "2025-01-15T09:30:00Z", "text_version": "2025-01"},
    }
    body.update(overrides)
    return body


async def outbox_types(pool: asyncpg.Pool, subject: str) -> list[str]:
    """The CloudEvents types written for ``subject``, in order."""
    rows = await pool.fetch(
        "SELECT headers->>'ce_type' AS type FROM outbox WHERE subject = $1 ORDER BY id", subject
    )
    return [row["type"] for row in rows]
