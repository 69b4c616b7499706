"""The visa service's SQL: applicants (from registry events) and visa cases."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from visa.domain.case import VisaCase


class ApplicantRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(
        self, *, worker_id: UUID, organisation_id: UUID, date_of_birth: date, passport_expiry: date
    ) -> None:
        await self._conn.execute(
            "INSERT INTO applicant (worker_id, organisation_id, date_of_birth, passport_expiry)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (worker_id) DO UPDATE SET"
            " organisation_id = EXCLUDED.organisation_id, date_of_birth = EXCLUDED.date_of_birth,"
            " passport_expiry = EXCLUDED.passport_expiry, updated_at = now()",
            worker_id,
            organisation_id,
            date_of_birth,
            passport_expiry,
        )


class CaseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, case: VisaCase) -> bool:
        """Insert ``case``; False when its placement has a case already."""
        inserted = await self._conn.fetchval(
            "INSERT INTO visa_case (id, worker_id, organisation_id, operator_id, placement_id,"
            " season, placement_start, placement_end, status, opened_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (placement_id) DO NOTHING RETURNING true",
            case.id,
            case.worker_id,
            case.organisation_id,
            case.operator_id,
            case.placement_id,
            case.season,
            case.placement_start,
            case.placement_end,
            case.status.value,
            case.opened_at,
        )
        return bool(inserted)
