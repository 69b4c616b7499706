"""Read-side queries: the cases a caller may see, filtered, in pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from visa.adapters.case_codec import COLUMNS, case_from_row
from visa.domain.case import VisaCase

# Relations (worker_access.relation) through which an LMC or agency sees a worker's cases.
OWNER_RELATIONS = ["registered", "assigned"]


@dataclass(frozen=True)
class Scope:
    """Whose cases: everything (ministry, admins), an operator's own placements, or the
    workers an LMC or agency looks after."""

    everything: bool = False
    operator_id: UUID | None = None
    owner_id: UUID | None = None


@dataclass(frozen=True)
class CaseFilter:
    worker_id: UUID | None = None
    status: str | None = None
    season: int | None = None
    operator_id: UUID | None = None


async def list_cases(
    conn: asyncpg.Connection,
    *,
    scope: Scope,
    where: CaseFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[VisaCase]:
    conditions, args = _scope(scope)
    for column, value in (
        ("worker_id", where.worker_id),
        ("status", where.status),
        ("season", where.season),
        ("operator_id", where.operator_id),
    ):
        if value is not None:
            args.append(value)
            conditions.append(f"c.{column} = ${len(args)}")
    if after is not None:
        args.extend(after)
        conditions.append(f"(c.opened_at, c.id) > (${len(args) - 1}, ${len(args)})")
    args.append(limit)
    sql = (
        f"SELECT {_prefixed(COLUMNS)} FROM visa_case c"
        f" WHERE {' AND '.join(conditions) or 'true'}"
        f" ORDER BY c.opened_at, c.id LIMIT ${len(args)}"
    )
    return [case_from_row(row) for row in await conn.fetch(sql, *args)]


async def visible_case(conn: asyncpg.Connection, case_id: UUID, *, scope: Scope) -> VisaCase | None:
    conditions, args = _scope(scope)
    args.append(case_id)
    conditions.append(f"c.id = ${len(args)}")
    row = await conn.fetchrow(
        f"SELECT {_prefixed(COLUMNS)} FROM visa_case c WHERE {' AND '.join(conditions)}", *args
    )
    return case_from_row(row) if row else None


def _scope(scope: Scope) -> tuple[list[str], list[Any]]:
    if scope.everything:
        return [], []
    if scope.operator_id is not None:
        return ["c.operator_id = $1"], [scope.operator_id]
    return [
        "EXISTS (SELECT 1 FROM worker_access a WHERE a.worker_id = c.worker_id"
        " AND a.organisation_id = $1 AND a.relation = ANY($2::text[]))"
    ], [scope.owner_id, OWNER_RELATIONS]


def _prefixed(columns: str) -> str:
    return ", ".join(f"c.{name.strip()}" for name in columns.split(","))
