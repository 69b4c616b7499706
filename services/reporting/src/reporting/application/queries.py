"""Read-side queries of the reporting service."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class RegistrationCount:
    region: str
    year: int
    workers: int


async def registrations_by_region(
    conn: asyncpg.Connection,
    *,
    region: str | None = None,
    year: int | None = None,
    organisation_id: UUID | None = None,
) -> list[RegistrationCount]:
    rows = await conn.fetch(
        "SELECT region, year, sum(workers)::int AS workers FROM registrations"
        " WHERE ($1::text IS NULL OR region = $1) AND ($2::int IS NULL OR year = $2)"
        " AND ($3::uuid IS NULL OR organisation_id = $3)"
        " GROUP BY region, year ORDER BY year, region",
        region,
        year,
        organisation_id,
    )
    return [RegistrationCount(row["region"], row["year"], row["workers"]) for row in rows]
