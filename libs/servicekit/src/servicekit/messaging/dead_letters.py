"""Dead letters: events a consumer gave up on, kept in its database and on its DLQ topic."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from contracts.envelope import CloudEvent
from contracts.topics import dead_letter_topic
from servicekit.inbox import Inbox
from servicekit.messaging.records import ReceivedRecord, storable
from servicekit.outbox.writer import OutboxWriter

_INSERT = """
INSERT INTO dead_letter (consumer, event_id, event_type, topic, partition, "offset",
    partition_key, subject, version, headers, payload, error, attempts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)
RETURNING id
"""
_UNPARK = """
DELETE FROM inbox_parked WHERE consumer = $1 AND topic = $2 AND subject = $3 AND version = $4
"""


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    event_id: str | None
    event_type: str | None
    topic: str
    partition: int | None
    offset: int | None
    error: str
    attempts: int
    status: str
    created_at: datetime
    record: ReceivedRecord


class DeadLetterStore:
    def __init__(self, service: str, outbox: OutboxWriter, inbox: Inbox) -> None:
        self._service = service
        self._outbox = outbox
        self._inbox = inbox

    async def add(
        self,
        conn: asyncpg.Connection,
        record: ReceivedRecord,
        event: CloudEvent | None,
        error: BaseException,
        attempts: int,
    ) -> int:
        """Keep the record, publish it to the DLQ topic (via the outbox) and let its stream
        move on; all in the caller's transaction."""
        headers = record.text_headers()
        error_text = _describe(error)
        dead_letter_id: int = await conn.fetchval(
            _INSERT,
            self._service,
            event.id if event else None,
            event.type if event else None,
            record.topic,
            record.partition,
            record.offset,
            record.text_key(),
            event.subject if event else None,
            event.aggregateversion if event else None,
            json.dumps(headers),
            record.value,
            error_text,
            attempts,
        )
        await self._outbox.add_record(
            conn,
            event_id=str(uuid.uuid4()),
            topic=dead_letter_topic(self._service),
            key=record.text_key(),
            headers=headers | self._dlq_headers(record, error_text, attempts),
            payload=record.value,
        )
        if event is not None:
            await self._inbox.record_dead_letter(conn, event, record.topic)
            if event.subject is not None and event.aggregateversion is not None:
                await conn.execute(
                    _UNPARK, self._service, record.topic, event.subject, event.aggregateversion
                )
        return dead_letter_id

    async def pending(self, conn: asyncpg.Connection, limit: int = 100) -> list[DeadLetter]:
        rows = await conn.fetch(
            "SELECT * FROM dead_letter WHERE consumer = $1 AND status = 'pending'"
            " ORDER BY id LIMIT $2",
            self._service,
            limit,
        )
        return [_dead_letter(row) for row in rows]

    async def get(self, conn: asyncpg.Connection, dead_letter_id: int) -> DeadLetter | None:
        row = await conn.fetchrow(
            "SELECT * FROM dead_letter WHERE consumer = $1 AND id = $2",
            self._service,
            dead_letter_id,
        )
        return _dead_letter(row) if row else None

    async def resolve(self, conn: asyncpg.Connection, dead_letter_id: int, status: str) -> None:
        await conn.execute(
            "UPDATE dead_letter SET status = $2, resolved_at = now() WHERE id = $1",
            dead_letter_id,
            status,
        )

    async def record_failure(
        self, conn: asyncpg.Connection, dead_letter_id: int, error: BaseException
    ) -> None:
        await conn.execute(
            "UPDATE dead_letter SET error = $2, attempts = attempts + 1 WHERE id = $1",
            dead_letter_id,
            _describe(error),
        )

    def _dlq_headers(self, record: ReceivedRecord, error: str, attempts: int) -> dict[str, str]:
        return {
            "dlq_consumer": self._service,
            "dlq_original_topic": record.topic,
            "dlq_original_partition": "" if record.partition is None else str(record.partition),
            "dlq_original_offset": "" if record.offset is None else str(record.offset),
            "dlq_error": error,
            "dlq_attempts": str(attempts),
            "dlq_failed_at": datetime.now(UTC).isoformat(),
        }


def _describe(error: BaseException) -> str:
    return storable(f"{type(error).__name__}: {error}")[:4000]


def _dead_letter(row: asyncpg.Record) -> DeadLetter:
    headers = json.loads(row["headers"])
    key = row["partition_key"].encode() if row["partition_key"] is not None else None
    record = ReceivedRecord(
        topic=row["topic"],
        key=key,
        value=row["payload"],
        headers=tuple((name, value.encode()) for name, value in headers.items()),
        partition=row["partition"],
        offset=row["offset"],
    )
    return DeadLetter(
        id=row["id"],
        consumer=row["consumer"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        topic=row["topic"],
        partition=row["partition"],
        offset=row["offset"],
        error=row["error"],
        attempts=row["attempts"],
        status=row["status"],
        created_at=row["created_at"],
        record=record,
    )
