"""Visa cases and the CoS numbers they used, in PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from uuid import UUID

import asyncpg

from visa.adapters.case_codec import COLUMNS, case_from_row, case_values
from visa.domain.applicant import Period
from visa.domain.case import VisaCase
from visa.domain.errors import SecondOpenCase
from visa.domain.status import OPEN_STATUSES

_PLACEHOLDERS = ", ".join(f"${n}" for n in range(1, len(COLUMNS.split(",")) + 1))
_UPDATES = ", ".join(
    f"{name.strip()} = ${n}" for n, name in enumerate(COLUMNS.split(","), start=1) if n > 1
)
_OPEN = [status.value for status in OPEN_STATUSES]
ONE_OPEN_PER_SEASON = "visa_case_one_open_per_season"


class CaseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, case: VisaCase) -> bool:
        """Insert ``case``; False when its placement has a case already."""
        async with _one_open_per_season(case):
            inserted = await self._conn.fetchval(
                f"INSERT INTO visa_case ({COLUMNS}) VALUES ({_PLACEHOLDERS})"
                " ON CONFLICT (placement_id) DO NOTHING RETURNING true",
                *case_values(case),
            )
        return bool(inserted)

    async def save(self, case: VisaCase) -> None:
        async with _one_open_per_season(case):
            await self._conn.execute(
                f"UPDATE visa_case SET {_UPDATES}, updated_at = now() WHERE id = $1",
                *case_values(case),
            )

    async def get(self, case_id: UUID, *, for_update: bool = False) -> VisaCase | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {COLUMNS} FROM visa_case WHERE id = $1{lock}", case_id
        )
        return case_from_row(row) if row else None

    async def of_worker(self, worker_id: UUID, *, for_update: bool = False) -> list[VisaCase]:
        """Every case of the worker, oldest first."""
        lock = " FOR UPDATE" if for_update else ""
        rows = await self._conn.fetch(
            f"SELECT {COLUMNS} FROM visa_case WHERE worker_id = $1 ORDER BY opened_at, id{lock}",
            worker_id,
        )
        return [case_from_row(row) for row in rows]

    async def by_placement(self, placement_id: UUID) -> VisaCase | None:
        row = await self._conn.fetchrow(
            f"SELECT {COLUMNS} FROM visa_case WHERE placement_id = $1", placement_id
        )
        return case_from_row(row) if row else None

    async def open_case_id(self, worker_id: UUID, season: int, *, besides: UUID) -> UUID | None:
        """Another case of the worker's that is open this season, if any."""
        found: UUID | None = await self._conn.fetchval(
            "SELECT id FROM visa_case WHERE worker_id = $1 AND season = $2 AND id <> $3"
            " AND status = ANY($4::text[])",
            worker_id,
            season,
            besides,
            _OPEN,
        )
        return found

    async def granted_visas(self, worker_id: UUID, *, besides: UUID) -> list[Period]:
        """The worker's visas granted on other cases (and used, i.e. not withdrawn)."""
        visas = []
        for case in await self.of_worker(worker_id):
            visa = case.granted_visa
            if case.id != besides and visa is not None:
                visas.append(visa)
        return visas

    async def claim_cos(self, cos_number: str, case_id: UUID, attempt: int) -> UUID | None:
        """Record the CoS as used by the case; None when claimed, else the case that has it.
        A concurrent claim of the same number waits for the first and then sees it."""
        claimed = await self._conn.fetchval(
            "INSERT INTO cos_use (cos_number, case_id, attempt) VALUES ($1, $2, $3)"
            " ON CONFLICT (cos_number) DO NOTHING RETURNING true",
            cos_number,
            case_id,
            attempt,
        )
        if claimed:
            return None
        holder: UUID = await self._conn.fetchval(
            "SELECT case_id FROM cos_use WHERE cos_number = $1", cos_number
        )
        return holder

    async def due_for_check(self, today: date) -> list[UUID]:
        """Cases the scheduled check may change today: sponsored with an expired CoS, refused
        past the placement's end, granted within the furthest notice of the visa's end."""
        rows = await self._conn.fetch(
            "SELECT id FROM visa_case WHERE (status = 'sponsored' AND cos_expires_on < $1)"
            " OR (status = 'refused' AND placement_end < $1)"
            " OR (status = 'granted' AND visa_end BETWEEN $1 AND $1 + 30)"
            " ORDER BY id",
            today,
        )
        return [row["id"] for row in rows]


@asynccontextmanager
async def _one_open_per_season(case: VisaCase) -> AsyncIterator[None]:
    """The database's unique index backs the rule when two transactions race past the check."""
    try:
        yield
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name != ONE_OPEN_PER_SEASON:
            raise
        raise SecondOpenCase(case.worker_id, case.season, None) from error
