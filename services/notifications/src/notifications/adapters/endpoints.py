"""Partners' webhook endpoints in PostgreSQL."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from notifications.domain.endpoints import WebhookEndpoint
from notifications.domain.values import Language

_COLUMNS = ("id", "organisation_id", "url", "secret", "language", "enabled", "created_at",
            "updated_at", "previous_secret", "previous_secret_expires_at")  # fmt: skip


class EndpointRepository:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def add(self, endpoint: WebhookEndpoint) -> bool:
        """False when the organisation has an endpoint already."""
        inserted = await self._conn.fetchval(
            f"INSERT INTO webhook_endpoint ({', '.join(_COLUMNS)})"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (organisation_id) DO NOTHING RETURNING true",
            *_values(endpoint),
        )
        return bool(inserted)

    async def save(self, endpoint: WebhookEndpoint) -> None:
        await self._conn.execute(
            "UPDATE webhook_endpoint SET url = $2, secret = $3, language = $4, enabled = $5,"
            " updated_at = $6, previous_secret = $7, previous_secret_expires_at = $8"
            " WHERE id = $1",
            endpoint.id,
            endpoint.url,
            endpoint.secret,
            endpoint.language.value,
            endpoint.enabled,
            endpoint.updated_at,
            endpoint.previous_secret,
            endpoint.previous_secret_expires_at,
        )

    async def delete(self, endpoint_id: UUID) -> None:
        await self._conn.execute("DELETE FROM webhook_endpoint WHERE id = $1", endpoint_id)

    async def get(self, endpoint_id: UUID, *, for_update: bool = False) -> WebhookEndpoint | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT * FROM webhook_endpoint WHERE id = $1{lock}", endpoint_id
        )
        return _endpoint(row) if row is not None else None

    async def of_organisation(self, organisation_id: UUID) -> WebhookEndpoint | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM webhook_endpoint WHERE organisation_id = $1", organisation_id
        )
        return _endpoint(row) if row is not None else None

    async def list(self, only: UUID | None) -> list[WebhookEndpoint]:
        rows = await self._conn.fetch(
            "SELECT * FROM webhook_endpoint WHERE $1::uuid IS NULL OR organisation_id = $1"
            " ORDER BY created_at, id",
            only,
        )
        return [_endpoint(row) for row in rows]


def _values(endpoint: WebhookEndpoint) -> tuple[object, ...]:
    return tuple(
        value.value if isinstance(value, Language) else value
        for value in (getattr(endpoint, column) for column in _COLUMNS)
    )


def _endpoint(row: asyncpg.Record) -> WebhookEndpoint:
    values = {column: row[column] for column in _COLUMNS}
    values["language"] = Language(values["language"])
    return WebhookEndpoint(**values)
