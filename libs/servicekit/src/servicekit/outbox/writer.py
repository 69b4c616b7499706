"""Appending events to the outbox, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping

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
