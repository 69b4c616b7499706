"""Read-side queries over workers, always scoped to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from registry.adapters.worker_repository import SELECT_COLUMNS, to_worker
from registry.domain.worker import Worker

_VISIBLE = """
($1::uuid IS NULL OR EXISTS (
    SELECT 1 FROM worker_access a WHERE a.worker_id = worker.id AND a.organisation_id = $1))
"""


@dataclass(frozen=True)
class WorkerFilter:
    stage: str | None = None
    region: str | None = None
    organisation_id: UUID | None = None
    season: int | None = None
    iin: str | None = None
    name: str | None = None


async def visible_worker(
    conn: asyncpg.Connection, worker_id: UUID, *, scope: UUID | None
) -> Worker | None:
    """The worker, if ``scope`` (an organisation; None: everything) may see it."""
    row = await conn.fetchrow(
        f"SELECT {SELECT_COLUMNS} FROM worker WHERE id = $2 AND {_VISIBLE}", scope, worker_id
    )
    return to_worker(row) if row else None


async def list_workers(
    conn: asyncpg.Connection,
    *,
    scope: UUID | None,
    where: WorkerFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Worker]:
    rows = await conn.fetch(
        f"SELECT {SELECT_COLUMNS} FROM worker WHERE {_VISIBLE}"
        " AND ($2::text IS NULL OR stage = $2) AND ($3::text IS NULL OR region = $3)"
        " AND ($4::uuid IS NULL OR organisation_id = $4) AND ($5::int IS NULL OR season = $5)"
        " AND ($6::text IS NULL OR iin = $6)"
        " AND ($7::text IS NULL OR lower(given_name || ' ' || coalesce(patronymic || ' ', '')"
        "     || family_name) LIKE '%' || $7 || '%' ESCAPE '\\')"
        " AND ($8::timestamptz IS NULL OR (registered_at, id) > ($8, $9::uuid))"
        " ORDER BY registered_at, id LIMIT $10",
        scope,
        where.stage,
        where.region,
        where.organisation_id,
        where.season,
        where.iin,
        _like_pattern(where.name),
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [to_worker(row) for row in rows]


def _like_pattern(name: str | None) -> str | None:
    """Lower-cased, with LIKE's wildcards escaped, so user input matches literally."""
    if name is None:
        return None
    escaped = name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return " ".join(escaped.split())
