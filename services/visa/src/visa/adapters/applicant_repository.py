"""What the visa service knows of each worker, learnt from the registry's events."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg

from visa.domain.applicant import Applicant


class ApplicantRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(
        self,
        *,
        worker_id: UUID,
        organisation_id: UUID,
        date_of_birth: date,
        passport_expiry: date,
        as_of: datetime,
    ) -> bool:
        """Keep the facts unless newer ones are kept already (a replayed old event)."""
        saved = await self._conn.fetchval(
            "INSERT INTO applicant (worker_id, organisation_id, date_of_birth, passport_expiry,"
            " facts_as_of) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (worker_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,"
            " date_of_birth = EXCLUDED.date_of_birth, passport_expiry = EXCLUDED.passport_expiry,"
            " facts_as_of = EXCLUDED.facts_as_of, updated_at = now()"
            " WHERE applicant.facts_as_of IS NULL OR applicant.facts_as_of <= EXCLUDED.facts_as_of"
            " RETURNING true",
            worker_id,
            organisation_id,
            date_of_birth,
            passport_expiry,
            as_of,
        )
        return bool(saved)

    async def get(self, worker_id: UUID) -> Applicant | None:
        row = await self._conn.fetchrow(
            "SELECT worker_id, date_of_birth, passport_expiry FROM applicant WHERE worker_id = $1",
            worker_id,
        )
        return Applicant(**dict(row)) if row else None

    async def record_withdrawal(self, worker_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            "UPDATE applicant SET withdrawn_at = greatest(withdrawn_at, $2), updated_at = now()"
            " WHERE worker_id = $1",
            worker_id,
            at,
        )

    async def withdrawn_at(self, worker_id: UUID) -> datetime | None:
        at: datetime | None = await self._conn.fetchval(
            "SELECT withdrawn_at FROM applicant WHERE worker_id = $1", worker_id
        )
        return at
