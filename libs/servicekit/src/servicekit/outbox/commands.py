"""Operator commands on the outbox."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from servicekit.outbox.writer import notify_channel


async def republish(
    conn: asyncpg.Connection, service: str, *, since: datetime | None = None
) -> int:
    """Mark sent rows (created at or after ``since``, or all kept rows) as pending again, so the
    relay publishes them once more in their original order: this refills an emptied broker.
    Consumers' inboxes make the second copy harmless. Returns how many rows were re-queued."""
    status = await conn.execute(
        "UPDATE outbox SET sent_at = NULL WHERE sent_at IS NOT NULL"
        " AND ($1::timestamptz IS NULL OR created_at >= $1)",
        since,
    )
    await conn.execute("SELECT pg_notify($1, '')", notify_channel(service))
    return int(status.split()[-1])


async def backlog(conn: asyncpg.Connection) -> tuple[int, int]:
    """(pending rows, kept sent rows)."""
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE sent_at IS NULL) AS pending,"
        " count(*) FILTER (WHERE sent_at IS NOT NULL) AS sent FROM outbox"
    )
    return int(row["pending"]), int(row["sent"])
