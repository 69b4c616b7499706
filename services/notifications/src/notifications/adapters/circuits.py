"""Circuit breakers' state in PostgreSQL, shared by every instance."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from notifications.domain.circuit import CircuitState


class CircuitRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def locked(self, key: str, now: datetime) -> CircuitState:
        """The circuit's state, locked until the transaction ends."""
        await self._conn.execute(
            "INSERT INTO circuit (key, consecutive_failures, updated_at) VALUES ($1, 0, $2)"
            " ON CONFLICT (key) DO NOTHING",
            key,
            now,
        )
        row = await self._conn.fetchrow(
            "SELECT consecutive_failures, open_until FROM circuit WHERE key = $1 FOR UPDATE", key
        )
        return CircuitState(row["consecutive_failures"], row["open_until"])

    async def save(self, key: str, state: CircuitState, now: datetime, error: str | None) -> None:
        await self._conn.execute(
            "UPDATE circuit SET consecutive_failures = $2, open_until = $3, last_error = $4,"
            " updated_at = $5 WHERE key = $1",
            key,
            state.consecutive_failures,
            state.open_until,
            error,
            now,
        )
