"""Appending events to the outbox, inside the caller's transaction."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

import asyncpg

from contracts.envelope import CloudEvent, to_kafka_headers
from servicekit.telemetry.propagation import inject_current_trace, with_current_trace

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


# A batch advances each (topic, subject) stream by the number of its events, in one statement;
# the events then get the versions below each new value, in their order in the batch.
_ADVANCE_STREAMS = """
WITH advanced AS (
    INSERT INTO outbox_stream (topic, subject, version)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
    ON CONFLICT (topic, subject) DO UPDATE SET version = outbox_stream.version + EXCLUDED.version
    RETURNING topic, subject, version
), notified AS (
    SELECT pg_notify($4, '')
)
SELECT topic, subject, version FROM advanced, notified
"""
_OUTBOX_COLUMNS = (
    "event_id", "topic", "partition_key", "subject", "aggregate_version", "headers", "payload"
)  # fmt: skip


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
        """Append many (event, topic) pairs, in their order: the streams in one statement, the
        events in one COPY (far cheaper than an INSERT of this many rows)."""
        if not events:
            return
        if any(event.subject is None for event, _ in events):
            raise ValueError("an event written to the outbox needs a subject (its aggregate id)")
        trace: dict[str, str] = {}  # a batch is written under one span: its headers, made once
        inject_current_trace(trace)
        counts = Counter((topic, event.subject) for event, topic in events)
        advanced = await conn.fetch(
            _ADVANCE_STREAMS,
            [topic for topic, _ in counts],
            [subject for _, subject in counts],
            list(counts.values()),
            self._channel,
        )
        versions = {
            (row["topic"], row["subject"]): row["version"] - counts[row["topic"], row["subject"]]
            for row in advanced
        }
        records = []
        for event, topic in events:
            stream = (topic, event.subject)
            versions[stream] += 1
            headers = to_kafka_headers(event) | trace
            records.append((
                event.id, topic, event.partitionkey, event.subject, versions[stream],
                json.dumps(headers), event.data,
            ))  # fmt: skip
        await conn.copy_records_to_table("outbox", records=records, columns=_OUTBOX_COLUMNS)

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
