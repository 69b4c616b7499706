"""Organisations as the registry announces them, and who looks after which worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from visa.domain.organisation import Organisation


class OrganisationRepository:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def save(self, organisation: Organisation, *, as_of: datetime) -> bool:
        """Keep the organisation's facts unless newer ones are kept already."""
        o = organisation
        saved = await self._conn.fetchval(
            "INSERT INTO organisation (id, kind, active, licence_number, licence_valid_until,"
            " as_of) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, active = EXCLUDED.active,"
            " licence_number = EXCLUDED.licence_number,"
            " licence_valid_until = EXCLUDED.licence_valid_until, as_of = EXCLUDED.as_of,"
            " updated_at = now() WHERE organisation.as_of <= EXCLUDED.as_of RETURNING true",
            o.id, o.kind, o.active, o.licence_number, o.licence_valid_until, as_of,
        )  # fmt: skip
        return bool(saved)

    async def get(self, organisation_id: UUID) -> Organisation | None:
        row = await self._conn.fetchrow(
            "SELECT id, kind, active, licence_number, licence_valid_until FROM organisation"
            " WHERE id = $1",
            organisation_id,
        )
        return Organisation(**dict(row)) if row else None

    async def grant_access(self, worker_id: UUID, organisation_id: UUID, relation: str) -> None:
        await self._conn.execute(
            "INSERT INTO worker_access (worker_id, organisation_id, relation)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            worker_id,
            organisation_id,
            relation,
        )

    async def relations(self, worker_id: UUID, organisation_id: UUID) -> Sequence[str]:
        rows = await self._conn.fetch(
            "SELECT relation FROM worker_access WHERE worker_id = $1 AND organisation_id = $2",
            worker_id,
            organisation_id,
        )
        return [row["relation"] for row in rows]
