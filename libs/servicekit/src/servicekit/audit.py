"""The audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from servicekit.access.principal import Principal

_INSERT = """
INSERT INTO audit_log (actor_key_id, actor_organisation_id, actor_role, action, entity_type,
    entity_id, before, after, correlation_id)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)
"""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_key_id: str | None
    actor_organisation_id: str | None
    actor_role: str | None
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    correlation_id: str | None


async def record(
    conn: asyncpg.Connection,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any,
    after: Any,
    correlation_id: str | None,
) -> None:
    await conn.execute(
        _INSERT,
        actor.key_id if actor else None,
        actor.organisation_id if actor else None,
        actor.role.value if actor else None,
        action,
        entity_type,
        entity_id,
        _json(before),
        _json(after),
        correlation_id,
    )


async def record_many(
    conn: asyncpg.Connection,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str,
    changes: Sequence[tuple[str, Any, Any]],
    correlation_id: str | None,
) -> None:
    """One entry per (entity id, before, after), in one round trip."""
    await conn.executemany(
        _INSERT,
        [
            (
                actor.key_id if actor else None,
                actor.organisation_id if actor else None,
                actor.role.value if actor else None,
                action,
                entity_type,
                entity_id,
                _json(before),
                _json(after),
                correlation_id,
            )
            for entity_id, before, after in changes
        ],
    )


async def entries(
    conn: asyncpg.Connection,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[AuditEntry]:
    """Entries in id order after ``after_id`` (a cursor), optionally for one entity."""
    rows = await conn.fetch(
        "SELECT * FROM audit_log WHERE id > $1"
        " AND ($2::text IS NULL OR entity_type = $2) AND ($3::text IS NULL OR entity_id = $3)"
        " ORDER BY id LIMIT $4",
        after_id,
        entity_type,
        entity_id,
        limit,
    )
    return [
        AuditEntry(
            id=row["id"],
            at=row["at"],
            actor_key_id=str(row["actor_key_id"]) if row["actor_key_id"] else None,
            actor_organisation_id=(
                str(row["actor_organisation_id"]) if row["actor_organisation_id"] else None
            ),
            actor_role=row["actor_role"],
            action=row["action"],
            entity_type=row["entity_type"],
            entity_id=row["entity_id"],
            before=json.loads(row["before"]) if row["before"] else None,
            after=json.loads(row["after"]) if row["after"] else None,
            correlation_id=row["correlation_id"],
        )
        for row in rows
    ]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)
