"""What the journey tells the service (organisations, workers' whereabouts, placements, visa
cases), kept to route and word messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class WorkerState:
    worker_id: UUID
    organisation_id: UUID
    preferred_language: str | None
    abroad: bool
    placement_id: UUID | None
    operator_id: UUID | None


@dataclass(frozen=True)
class Placement:
    placement_id: UUID
    worker_id: UUID
    operator_id: UUID
    farm_name: str | None
    uk_region: str | None
    sector: str
    start_date: date
    end_date: date

    def facts(self) -> dict[str, Any]:
        return {
            "placement_id": str(self.placement_id),
            "operator_id": str(self.operator_id),
            "farm_name": self.farm_name,
            "uk_region": self.uk_region,
            "sector": self.sector,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
        }


class JourneyRepository:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def save_organisation(
        self, organisation_id: UUID, name: str, kind: str, active: bool, at: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO organisation (id, name, kind, active, updated_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
            " kind = EXCLUDED.kind, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at"
            " WHERE organisation.updated_at <= EXCLUDED.updated_at",
            organisation_id,
            name,
            kind,
            active,
            at,
        )

    async def organisation_name(self, organisation_id: UUID | None) -> str | None:
        if organisation_id is None:
            return None
        name: str | None = await self._conn.fetchval(
            "SELECT name FROM organisation WHERE id = $1", organisation_id
        )
        return name

    async def organisation_exists(self, organisation_id: UUID) -> bool:
        return bool(
            await self._conn.fetchval("SELECT 1 FROM organisation WHERE id = $1", organisation_id)
        )

    async def save_worker(
        self, worker_id: UUID, organisation_id: UUID, language: str, at: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO worker_state (worker_id, organisation_id, preferred_language,"
            " updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (worker_id) DO UPDATE SET"
            " organisation_id = EXCLUDED.organisation_id,"
            " preferred_language = EXCLUDED.preferred_language, updated_at = EXCLUDED.updated_at",
            worker_id,
            organisation_id,
            language,
            at,
        )

    async def worker(self, worker_id: UUID) -> WorkerState | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM worker_state WHERE worker_id = $1", worker_id
        )
        if row is None:
            return None
        return WorkerState(
            row["worker_id"],
            row["organisation_id"],
            row["preferred_language"],
            row["abroad"],
            row["placement_id"],
            row["operator_id"],
        )

    async def move_worker(
        self,
        worker_id: UUID,
        organisation_id: UUID,
        at: datetime,
        *,
        abroad: bool | None = None,
        placement: Placement | None = None,
    ) -> None:
        """Record where the worker is (abroad or home) or which placement is current."""
        await self._conn.execute(
            "INSERT INTO worker_state (worker_id, organisation_id, abroad, placement_id,"
            " operator_id, updated_at) VALUES ($1, $2, coalesce($3, false), $4, $5, $6)"
            " ON CONFLICT (worker_id) DO UPDATE SET"
            " abroad = coalesce($3, worker_state.abroad),"
            " placement_id = coalesce($4, worker_state.placement_id),"
            " operator_id = coalesce($5, worker_state.operator_id),"
            " updated_at = greatest(worker_state.updated_at, $6)",
            worker_id,
            organisation_id,
            abroad,
            placement.placement_id if placement else None,
            placement.operator_id if placement else None,
            at,
        )

    async def save_placement(self, placement: Placement) -> None:
        await self._conn.execute(
            "INSERT INTO placement (placement_id, worker_id, operator_id, farm_name, uk_region,"
            " sector, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT (placement_id) DO UPDATE SET operator_id = EXCLUDED.operator_id,"
            " farm_name = coalesce(EXCLUDED.farm_name, placement.farm_name),"
            " uk_region = coalesce(EXCLUDED.uk_region, placement.uk_region),"
            " sector = EXCLUDED.sector, start_date = EXCLUDED.start_date,"
            " end_date = EXCLUDED.end_date",
            placement.placement_id,
            placement.worker_id,
            placement.operator_id,
            placement.farm_name,
            placement.uk_region,
            placement.sector,
            placement.start_date,
            placement.end_date,
        )

    async def placement(self, placement_id: UUID | None) -> Placement | None:
        if placement_id is None:
            return None
        row = await self._conn.fetchrow(
            "SELECT * FROM placement WHERE placement_id = $1", placement_id
        )
        return Placement(**dict(row)) if row is not None else None

    async def save_visa_case(
        self, case_id: UUID, worker_id: UUID, operator_id: UUID, placement_id: UUID
    ) -> None:
        await self._conn.execute(
            "INSERT INTO visa_case (case_id, worker_id, operator_id, placement_id)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING",
            case_id,
            worker_id,
            operator_id,
            placement_id,
        )

    async def visa_case_placement(self, case_id: UUID) -> tuple[UUID, UUID] | None:
        """(operator id, placement id) of a visa case."""
        row = await self._conn.fetchrow(
            "SELECT operator_id, placement_id FROM visa_case WHERE case_id = $1", case_id
        )
        return (row["operator_id"], row["placement_id"]) if row is not None else None
