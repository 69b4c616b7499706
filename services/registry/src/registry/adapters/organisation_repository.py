"""Organisations and workers' access grants in PostgreSQL."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from registry.domain.organisation import Organisation, OrganisationKind

_COLUMNS = "id, name, kind, region, licence_number, licence_valid_until, active, created_at"


class OrganisationRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, organisation: Organisation) -> None:
        o = organisation
        await self._conn.execute(
            f"INSERT INTO organisation ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            o.id, o.name, o.kind.value, o.region, o.licence_number, o.licence_valid_until,
            o.active, o.created_at,
        )  # fmt: skip

    async def save(self, organisation: Organisation) -> None:
        o = organisation
        await self._conn.execute(
            "UPDATE organisation SET name = $2, region = $3, licence_number = $4,"
            " licence_valid_until = $5, active = $6 WHERE id = $1",
            o.id, o.name, o.region, o.licence_number, o.licence_valid_until, o.active,
        )  # fmt: skip

    async def get(self, organisation_id: UUID, *, for_update: bool = False) -> Organisation | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM organisation WHERE id = $1{lock}", organisation_id
        )
        return _organisation(row) if row else None

    async def list(self, *, only: UUID | None = None) -> list[Organisation]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM organisation WHERE ($1::uuid IS NULL OR id = $1)"
            " ORDER BY created_at, id",
            only,
        )
        return [_organisation(row) for row in rows]

    async def any_of_kind(self, kind: OrganisationKind) -> bool:
        found = await self._conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM organisation WHERE kind = $1)", kind.value
        )
        return bool(found)


def _organisation(row: asyncpg.Record) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        kind=OrganisationKind(row["kind"]),
        region=row["region"],
        licence_number=row["licence_number"],
        licence_valid_until=row["licence_valid_until"],
        created_at=row["created_at"],
        active=row["active"],
    )
