"""Appending events to the outbox, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import asyncpg

from contracts.envelope import CloudEvent, to_kafka_headers
from servicekit.telemetry.propagation import with_current_trace

_APPEND_EVENT = """
WITH stream AS (
    INSERT INTO outbox_stream (topic, subject, version) VALUES ($2, $4, 1)
    ON CONFLICT (topic, subject) DO UPDATE SET version = outbox_stream.version + 1
    RETURNING version
), appended AS (
    INSERT INTO outbox
        (event_id, topic, partition_key, subject, aggregate_version, headers, payload)
    SELECT $1, $2, $3, $4, stream.version, $5::jsonb, $6 FROM stream
    RETURNING aggregate_version
)
SELECT aggregate_version, pg_notify($7, '') FROM appended
"""

_APPEND_RECORD = """
WITH appended AS (
    INSERT INTO outbox (event_id, topic, partition_key, subject, headers, payload)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6)
    RETURNING id
)
SELECT id, pg_notify($7, '') FROM appended
"""


# A whole batch in one statement: each (topic, subject) stream is advanced by the number of its
# events, and those events get the versions below the new value, in their order in the batch.
_APPEND_EVENTS = """
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bytea[])
        WITH ORDINALITY AS i(event_id, topic, partition_key, subject, headers, payload, position)
), counts AS (
    SELECT topic, subject, count(*) AS n FROM input GROUP BY topic, subject
), streams AS (
    INSERT INTO outbox_stream (topic, subject, version) SELECT topic, subject, n FROM counts
    ON CONFLICT (topic, subject) DO UPDATE SET version = outbox_stream.version + EXCLUDED.version
    RETURNING topic, subject, version
), numbered AS (
    SELECT input.*, streams.version - counts.n
        + row_number() OVER (PARTITION BY input.topic, input.subject ORDER BY position) AS version
    FROM input JOIN counts USING (topic, subject) JOIN streams USING (topic, subject)
), appended AS (
    INSERT INTO outbox
        (event_id, topic, partition_key, subject, aggregate_version, headers, payload)
    SELECT event_id, topic, partition_key, subject, version, headers, payload
    FROM numbered ORDER BY position
    RETURNING aggregate_version
)
SELECT count(*), pg_notify($7, '') FROM appended
"""


def notify_channel(service: str) -> str:
    return f"outbox_{service}".replace("-", "_")


class OutboxWriter:
    """Writes events to the outbox table; the surrounding transaction decides whether they exist."""

    def __init__(self, service: str) -> None:
        self._channel = notify_channel(service)

    async def add(self, conn: asyncpg.Connection, event: CloudEvent, *, topic: str) -> int:
        """Append ``event`` to ``topic``; returns the aggregate version it was given.

        Versions are contiguous per (topic, subject) because the stream row is locked until the
        transaction ends, so a consumer can tell a duplicate, an old version and a gap apart.
        """
        if event.subject is None:
            raise ValueError("an event written to the outbox needs a subject (its aggregate id)")
        traced = with_current_trace(event)
        version: int = await conn.fetchval(
            _APPEND_EVENT,
            traced.id,
            topic,
            traced.partitionkey,
            traced.subject,
            json.dumps(to_kafka_headers(traced)),
            traced.data,
            self._channel,
        )
        return version

    async def add_many(
        self, conn: asyncpg.Connection, events: Sequence[tuple[CloudEvent, str]]
    ) -> None:
        """Append many (event, topic) pairs in one statement, in their order."""
        if not events:
            return
        traced = [(with_current_trace(event), topic) for event, topic in events]
        if any(event.subject is None for event, _ in traced):
            raise ValueError("an event written to the outbox needs a subject (its aggregate id)")
        await conn.fetchrow(
            _APPEND_EVENTS,
            [event.id for event, _ in traced],
            [topic for _, topic in traced],
            [event.partitionkey for event, _ in traced],
            [event.subject for event, _ in traced],
            [json.dumps(to_kafka_headers(event)) for event, _ in traced],
            [event.data for event, _ in traced],
            self._channel,
        )

    async def add_record(
        self,
        conn: asyncpg.Connection,
        *,
        event_id: str,
        topic: str,
        key: str | None,
        headers: Mapping[str, str],
        payload: bytes | None,
        subject: str | None = None,
    ) -> None:
        """Append a record that is published as given, without a version (e.g. a dead letter)."""
        await conn.fetchval(
            _APPEND_RECORD,
            event_id,
            topic,
            key,
            subject,
            json.dumps(dict(headers)),
            payload,
            self._channel,
        )
