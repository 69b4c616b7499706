"""The delivery queue and log in PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from notifications.domain.delivery import Delivery
from notifications.domain.values import Channel, DeliveryStatus, Language, RecipientKind

_INSERT = """
INSERT INTO delivery (id, source_event_id, source_event_type, worker_id, organisation_id,
    recipient_kind, recipient_id, channel, template, legally_required, language, context,
    status, status_reason, due_at, circuit_key, created_at, updated_at)
SELECT id, source_event_id, source_event_type, worker_id, organisation_id, recipient_kind,
    recipient_id, channel, template, legally_required, language, context::jsonb, status,
    status_reason, due_at, circuit_key, created_at, created_at
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[],
    $7::text[], $8::text[], $9::text[], $10::boolean[], $11::text[], $12::text[], $13::text[],
    $14::text[], $15::timestamptz[], $16::text[], $17::timestamptz[])
    AS new (id, source_event_id, source_event_type, worker_id, organisation_id, recipient_kind,
        recipient_id, channel, template, legally_required, language, context, status,
        status_reason, due_at, circuit_key, created_at)
ON CONFLICT (source_event_id, recipient_kind, recipient_id, channel, template) DO NOTHING
RETURNING id
"""

# Due, unleased deliveries, at most ``$4`` per endpoint (so one endpoint's backlog cannot
# fill a batch), skipping endpoints whose circuit is open and rows another instance holds.
_CANDIDATES = """
WITH keys AS (
    SELECT DISTINCT d.circuit_key FROM delivery d
    WHERE d.status = 'pending' AND d.due_at <= $1
      AND (d.lease_until IS NULL OR d.lease_until <= $1)
      AND d.channel = ANY($2::text[]) AND NOT (d.circuit_key = ANY($3::text[]))
      AND NOT EXISTS (SELECT 1 FROM circuit c WHERE c.key = d.circuit_key AND c.open_until > $1)
)
SELECT picked.id, picked.circuit_key FROM keys CROSS JOIN LATERAL (
    SELECT d.id, d.circuit_key, d.due_at FROM delivery d
    WHERE d.circuit_key = keys.circuit_key AND d.status = 'pending' AND d.due_at <= $1
      AND (d.lease_until IS NULL OR d.lease_until <= $1)
    ORDER BY d.due_at, d.id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
) picked
ORDER BY picked.due_at, picked.id
"""


@dataclass(frozen=True)
class Attempt:
    attempt: int
    at: datetime
    outcome: str
    error: str | None
    duration_ms: int


@dataclass(frozen=True)
class LogFilter:
    """Which deliveries a caller asks for, and may see (``visible_to``: None sees all)."""

    visible_to: UUID | None
    recipient: str | None = None
    worker_id: UUID | None = None
    status: DeliveryStatus | None = None


class DeliveryRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add_many(self, deliveries: Sequence[Delivery]) -> list[UUID]:
        """Insert the deliveries that do not exist yet (by their unique key); returns the ids
        of those inserted."""
        if not deliveries:
            return []
        columns: list[list[Any]] = [[] for _ in range(17)]
        for d in deliveries:
            row = (d.id, d.source_event_id, d.source_event_type, d.worker_id,
                   d.organisation_id, d.recipient_kind.value, d.recipient_id, d.channel.value,
                   d.template, d.legally_required, d.language.value,
                   json.dumps(d.context, default=str), d.status.value, d.status_reason,
                   d.due_at, d.circuit_key, d.created_at)  # fmt: skip
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        rows = await self._conn.fetch(_INSERT, *columns)
        return [row["id"] for row in rows]

    async def cancel_pending(
        self, worker_id: UUID, templates: Sequence[str], reason: str, now: datetime
    ) -> int:
        status = await self._conn.execute(
            "UPDATE delivery SET status = 'cancelled', status_reason = $3, updated_at = $4,"
            " completed_at = $4, lease_until = NULL, lease_token = NULL"
            " WHERE worker_id = $1 AND template = ANY($2::text[]) AND status = 'pending'",
            worker_id,
            list(templates),
            reason,
            now,
        )
        return int(status.split()[-1])

    async def claim(
        self,
        *,
        now: datetime,
        channels: Sequence[Channel],
        busy_keys: Sequence[str],
        per_key: int,
    ) -> list[tuple[UUID, str]]:
        """(id, circuit key) of due deliveries, locked until the transaction ends."""
        rows = await self._conn.fetch(
            _CANDIDATES, now, [c.value for c in channels], list(busy_keys), per_key
        )
        return [(row["id"], row["circuit_key"]) for row in rows]

    async def lease(self, ids: Sequence[UUID], token: UUID, until: datetime) -> list[Delivery]:
        rows = await self._conn.fetch(
            "UPDATE delivery SET lease_until = $3, lease_token = $2 WHERE id = ANY($1::uuid[])"
            " RETURNING *",
            list(ids),
            token,
            until,
        )
        return [_delivery(row) for row in rows]

    async def leased(self, delivery_id: UUID, token: UUID) -> Delivery | None:
        """The delivery, locked, if it is still pending under our lease."""
        row = await self._conn.fetchrow(
            "SELECT * FROM delivery WHERE id = $1 AND lease_token = $2 AND status = 'pending'"
            " FOR UPDATE",
            delivery_id,
            token,
        )
        return _delivery(row) if row is not None else None

    async def update(
        self,
        delivery: Delivery,
        *,
        status: DeliveryStatus,
        now: datetime,
        due_at: datetime | None = None,
        reason: str | None = None,
        attempts: int | None = None,
        language: Language | None = None,
        address_masked: str | None = None,
        provider_reference: str | None = None,
    ) -> None:
        """Record the delivery's new state and release its lease."""
        finished = status is not DeliveryStatus.PENDING
        await self._conn.execute(
            "UPDATE delivery SET status = $2, due_at = $3, status_reason = $4, attempts = $5,"
            " language = $6, address_masked = coalesce($7, address_masked),"
            " provider_reference = coalesce($8, provider_reference), updated_at = $9::timestamptz,"
            " completed_at = CASE WHEN $10::boolean THEN $9::timestamptz END,"
            " lease_until = NULL, lease_token = NULL"
            " WHERE id = $1",
            delivery.id,
            status.value,
            due_at or delivery.due_at,
            reason,
            delivery.attempts if attempts is None else attempts,
            (language or delivery.language).value,
            address_masked,
            provider_reference,
            now,
            finished,
        )

    async def add_attempt(self, delivery_id: UUID, attempt: Attempt) -> None:
        await self._conn.execute(
            "INSERT INTO delivery_attempt (delivery_id, attempt, at, outcome, error, duration_ms)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            delivery_id,
            attempt.attempt,
            attempt.at,
            attempt.outcome,
            attempt.error,
            attempt.duration_ms,
        )

    async def get(self, delivery_id: UUID) -> Delivery | None:
        row = await self._conn.fetchrow("SELECT * FROM delivery WHERE id = $1", delivery_id)
        return _delivery(row) if row is not None else None

    async def attempts(self, delivery_id: UUID) -> list[Attempt]:
        rows = await self._conn.fetch(
            "SELECT attempt, at, outcome, error, duration_ms FROM delivery_attempt"
            " WHERE delivery_id = $1 ORDER BY attempt",
            delivery_id,
        )
        return [Attempt(**dict(row)) for row in rows]

    async def page(
        self, where: LogFilter, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Delivery]:
        """The delivery log, newest first; ``after`` is the last row of the previous page."""
        rows = await self._conn.fetch(
            "SELECT * FROM delivery WHERE ($1::uuid IS NULL"
            "   OR (recipient_kind = 'organisation' AND recipient_id = $1::text)"
            "   OR (recipient_kind = 'worker' AND organisation_id = $1))"
            " AND ($2::text IS NULL OR recipient_id = $2)"
            " AND ($3::uuid IS NULL OR worker_id = $3)"
            " AND ($4::text IS NULL OR status = $4)"
            " AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))"
            " ORDER BY created_at DESC, id DESC LIMIT $7::integer",
            where.visible_to,
            where.recipient,
            where.worker_id,
            where.status.value if where.status else None,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_delivery(row) for row in rows]

    async def pending_count(self) -> int:
        count: int = await self._conn.fetchval(
            "SELECT count(*) FROM delivery WHERE status = 'pending'"
        )
        return count


def _delivery(row: asyncpg.Record) -> Delivery:
    return Delivery(
        id=row["id"],
        source_event_id=row["source_event_id"],
        source_event_type=row["source_event_type"],
        worker_id=row["worker_id"],
        organisation_id=row["organisation_id"],
        recipient_kind=RecipientKind(row["recipient_kind"]),
        recipient_id=row["recipient_id"],
        channel=Channel(row["channel"]),
        template=row["template"],
        legally_required=row["legally_required"],
        language=Language(row["language"]),
        context=json.loads(row["context"]),
        status=DeliveryStatus(row["status"]),
        due_at=row["due_at"],
        circuit_key=row["circuit_key"],
        created_at=row["created_at"],
        attempts=row["attempts"],
        status_reason=row["status_reason"],
        address_masked=row["address_masked"],
        provider_reference=row["provider_reference"],
        updated_at=row["updated_at"],
        completed_at=row["completed_at"],
        lease_token=row["lease_token"],
    )
