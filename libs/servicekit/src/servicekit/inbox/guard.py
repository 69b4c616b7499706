"""Inbox bookkeeping, always inside the transaction that applies the event's effect.

For each event the consumer asks ``admit``:
- an event id already recorded is a DUPLICATE (a redelivery): nothing happens;
- a version at or below the last applied one is OLD (e.g. a re-publication): recorded, skipped;
- a version beyond the next one is a GAP: the event is PARKED until the missing one arrives;
- otherwise it is APPLIED (the caller runs its handler), and parked successors follow.
Events without a version or subject are applied once, by id only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import asyncpg

from contracts.envelope import CloudEvent, from_kafka, to_kafka_headers


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    OLD_VERSION = "old_version"
    PARKED = "parked"
    DEAD_LETTERED = "dead_lettered"
    REPLAYED = "replayed"


@dataclass(frozen=True)
class Admission:
    outcome: Outcome
    last_version: int | None = None

    @property
    def apply(self) -> bool:
        return self.outcome is Outcome.APPLIED


@dataclass(frozen=True)
class ParkedEvent:
    topic: str
    event: CloudEvent


_CLAIM = """
INSERT INTO inbox_event (consumer, event_id, topic, subject, version, outcome)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
"""
# The claim and the stream's last version (locked) in one round trip: a consumer spends most
# of an event's cost on round trips. The claim runs whether or not its result is read.
_CLAIM_AND_LAST_VERSION = f"""
WITH claim AS ({_CLAIM.strip()})
SELECT EXISTS (SELECT 1 FROM claim) AS claimed, (
    SELECT version FROM inbox_stream WHERE consumer = $1 AND topic = $3 AND subject = $4
    FOR UPDATE) AS last
"""
_ADVANCE = """
INSERT INTO inbox_stream (consumer, topic, subject, version) VALUES ($1, $2, $3, $4)
ON CONFLICT (consumer, topic, subject)
DO UPDATE SET version = GREATEST(inbox_stream.version, EXCLUDED.version), updated_at = now()
"""
_SET_OUTCOME = "UPDATE inbox_event SET outcome = $3 WHERE consumer = $1 AND event_id = $2"
_PARK = """
INSERT INTO inbox_parked
    (consumer, topic, subject, version, event_id, partition_key, headers, payload)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT DO NOTHING
"""
_NEXT_PARKED = """
DELETE FROM inbox_parked
WHERE consumer = $1 AND topic = $2 AND subject = $3 AND version = (
    SELECT version + 1 FROM inbox_stream WHERE consumer = $1 AND topic = $2 AND subject = $3)
RETURNING partition_key, headers, payload
"""
_HAS_PARKED = """
SELECT EXISTS (SELECT 1 FROM inbox_parked WHERE consumer = $1 AND topic = $2 AND subject = $3)
"""
# Advancing the stream and looking for parked successors, in one round trip.
_ADVANCE_AND_HAS_PARKED = f"""
WITH advance AS ({_ADVANCE.strip()})
{_HAS_PARKED.strip()}
"""

# A batch's claims and the last versions of its streams (locked, in one order), in one round
# trip; rows with an event id are the events claimed now, the others the streams.
_CLAIM_BATCH = """
WITH claimed AS (
    INSERT INTO inbox_event (consumer, event_id, topic, subject, version, outcome)
    SELECT $1, e.event_id, e.topic, e.subject, e.version, 'applied'
    FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
        AS e(event_id, topic, subject, version)
    ON CONFLICT DO NOTHING
    RETURNING event_id
), streams AS (
    SELECT s.topic, s.subject, s.version FROM inbox_stream s
    JOIN unnest($6::text[], $7::text[]) AS x(topic, subject) USING (topic, subject)
    WHERE s.consumer = $1
    ORDER BY s.topic, s.subject
    FOR UPDATE OF s
)
SELECT event_id, NULL AS topic, NULL AS subject, NULL::bigint AS version FROM claimed
UNION ALL
SELECT NULL, topic, subject, version FROM streams
"""
# Every stream of a batch advanced to its last applied version, and which of the batch's
# streams have parked events, in one round trip (each stream once: an upsert touches a row once).
_ADVANCE_BATCH = """
WITH advanced AS (
    INSERT INTO inbox_stream (consumer, topic, subject, version)
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])
    ON CONFLICT (consumer, topic, subject)
    DO UPDATE SET version = GREATEST(inbox_stream.version, EXCLUDED.version), updated_at = now()
)
SELECT DISTINCT p.topic, p.subject FROM inbox_parked p
JOIN unnest($5::text[], $6::text[]) AS x(topic, subject) USING (topic, subject)
WHERE p.consumer = $1
"""

Stream = tuple[str, str]  # (topic, subject)


def _version(event: CloudEvent) -> int | None:
    return event.aggregateversion if event.subject is not None else None


class Inbox:
    def __init__(self, consumer: str) -> None:
        self.consumer = consumer

    async def admit(self, conn: asyncpg.Connection, event: CloudEvent, topic: str) -> Admission:
        """Decide what to do with ``event``; records the decision in the caller's transaction."""
        version = _version(event)
        claim = (self.consumer, event.id, topic, event.subject, version, Outcome.APPLIED.value)
        if version is None:
            claimed = await conn.fetchval(_CLAIM, *claim)
            return Admission(Outcome.APPLIED if claimed else Outcome.DUPLICATE)
        row = await conn.fetchrow(_CLAIM_AND_LAST_VERSION, *claim)
        if not row["claimed"]:
            return Admission(Outcome.DUPLICATE)
        return await self._place(conn, event, topic, version, row["last"] or 0)

    async def admit_batch(
        self, conn: asyncpg.Connection, arrivals: Sequence[tuple[CloudEvent, str]]
    ) -> list[Admission]:
        """``admit`` for each (event, topic) in order, as if one after the other, with the
        claims and the streams' versions in one statement. The caller applies the APPLIED
        ones in order and then calls ``advance_batch`` with them."""
        versions = [_version(event) for event, _ in arrivals]
        streams = sorted(
            {
                (topic, str(event.subject))
                for (event, topic), v in zip(arrivals, versions, strict=True)
                if v is not None
            }
        )
        rows = await conn.fetch(
            _CLAIM_BATCH,
            self.consumer,
            [event.id for event, _ in arrivals],
            [topic for _, topic in arrivals],
            [event.subject for event, _ in arrivals],
            versions,
            [topic for topic, _ in streams],
            [subject for _, subject in streams],
        )
        claimed = {row["event_id"] for row in rows if row["event_id"] is not None}
        last = {
            (row["topic"], row["subject"]): row["version"]
            for row in rows
            if row["event_id"] is None
        }
        admissions = []
        for (event, topic), version in zip(arrivals, versions, strict=True):
            if event.id not in claimed:
                admissions.append(Admission(Outcome.DUPLICATE))
                continue
            claimed.discard(event.id)  # a later copy in the batch is a duplicate
            if version is None:
                admissions.append(Admission(Outcome.APPLIED))
                continue
            stream = (topic, str(event.subject))
            admission = await self._place(conn, event, topic, version, last.get(stream, 0))
            if admission.apply:
                last[stream] = version
            admissions.append(admission)
        return admissions

    async def advance_batch(
        self, conn: asyncpg.Connection, applied: Sequence[tuple[CloudEvent, str]]
    ) -> list[Stream]:
        """Advance the streams past the applied (event, topic) pairs of a batch; returns the
        streams among them with parked events (their successors may now follow)."""
        ends: dict[Stream, int] = {}
        touched: set[Stream] = set()
        for event, topic in applied:
            if event.subject is None:
                continue
            stream = (topic, event.subject)
            touched.add(stream)
            if event.aggregateversion is not None:
                ends[stream] = max(ends.get(stream, 0), event.aggregateversion)
        if not touched:
            return []
        rows = await conn.fetch(
            _ADVANCE_BATCH,
            self.consumer,
            [topic for topic, _ in ends],
            [subject for _, subject in ends],
            list(ends.values()),
            [topic for topic, _ in touched],
            [subject for _, subject in touched],
        )
        return [(row["topic"], row["subject"]) for row in rows]

    async def _place(
        self, conn: asyncpg.Connection, event: CloudEvent, topic: str, version: int, last: int
    ) -> Admission:
        """Where a claimed event of ``version`` goes, its stream being at ``last``."""
        if version <= last:
            await self._set_outcome(conn, event, Outcome.OLD_VERSION)
            return Admission(Outcome.OLD_VERSION, last)
        if version > last + 1:
            await self._park(conn, event, topic)
            return Admission(Outcome.PARKED, last)
        return Admission(Outcome.APPLIED, last)

    async def complete(
        self, conn: asyncpg.Connection, event: CloudEvent, topic: str, outcome: Outcome
    ) -> None:
        """Record that ``event`` was applied (or dead-lettered) and advance its stream."""
        await self._set_outcome(conn, event, outcome)
        await self.advance(conn, event, topic)

    async def advance(self, conn: asyncpg.Connection, event: CloudEvent, topic: str) -> None:
        """Advance the stream past ``event``, admitted as APPLIED (its outcome is recorded)."""
        if event.subject is not None and event.aggregateversion is not None:
            await conn.execute(
                _ADVANCE, self.consumer, topic, event.subject, event.aggregateversion
            )

    async def advance_and_check_parked(
        self, conn: asyncpg.Connection, event: CloudEvent, topic: str
    ) -> bool:
        """``advance``, then whether successors of ``event`` are parked (one round trip)."""
        if event.subject is None:
            return False
        if event.aggregateversion is None:
            return await self.has_parked(conn, topic, event.subject)
        found: bool = await conn.fetchval(
            _ADVANCE_AND_HAS_PARKED, self.consumer, topic, event.subject, event.aggregateversion
        )
        return found

    async def has_parked(self, conn: asyncpg.Connection, topic: str, subject: str) -> bool:
        """Whether events of (topic, subject) wait for a missing version."""
        found: bool = await conn.fetchval(_HAS_PARKED, self.consumer, topic, subject)
        return found

    async def record_dead_letter(
        self, conn: asyncpg.Connection, event: CloudEvent, topic: str
    ) -> None:
        """Mark ``event`` dead-lettered so the aggregate's later events are not held up by it."""
        version = _version(event)
        await conn.execute(
            _CLAIM,
            self.consumer,
            event.id,
            topic,
            event.subject,
            version,
            Outcome.DEAD_LETTERED.value,
        )
        await self.complete(conn, event, topic, Outcome.DEAD_LETTERED)

    async def outcome_of(self, conn: asyncpg.Connection, event_id: str) -> Outcome | None:
        value = await conn.fetchval(
            "SELECT outcome FROM inbox_event WHERE consumer = $1 AND event_id = $2",
            self.consumer,
            event_id,
        )
        return Outcome(value) if value is not None else None

    async def take_next_parked(
        self, conn: asyncpg.Connection, topic: str, subject: str
    ) -> ParkedEvent | None:
        """Remove and return the parked event that now follows the stream's last version."""
        row = await conn.fetchrow(_NEXT_PARKED, self.consumer, topic, subject)
        if row is None:
            return None
        headers = [(name, value.encode()) for name, value in json.loads(row["headers"]).items()]
        key = row["partition_key"].encode() if row["partition_key"] is not None else None
        return ParkedEvent(topic, from_kafka(key, row["payload"], headers))

    async def parked_streams(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        """Streams holding parked events: topic, subject, last applied version, parked versions."""
        rows = await conn.fetch(
            "SELECT p.topic, p.subject, coalesce(s.version, 0) AS applied,"
            " array_agg(p.version ORDER BY p.version) AS parked, min(p.parked_at) AS since"
            " FROM inbox_parked p LEFT JOIN inbox_stream s USING (consumer, topic, subject)"
            " WHERE p.consumer = $1 GROUP BY p.topic, p.subject, s.version ORDER BY since",
            self.consumer,
        )
        return list(rows)

    async def skip_gap(self, conn: asyncpg.Connection, topic: str, subject: str) -> int | None:
        """Give up waiting for the missing versions: move the stream to just before its first
        parked event (returns that version), so the parked events can be applied."""
        first: int | None = await conn.fetchval(
            "SELECT min(version) FROM inbox_parked WHERE consumer = $1 AND topic = $2"
            " AND subject = $3",
            self.consumer,
            topic,
            subject,
        )
        if first is None:
            return None
        await conn.execute(
            "INSERT INTO inbox_stream (consumer, topic, subject, version) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (consumer, topic, subject) DO UPDATE SET version = EXCLUDED.version,"
            " updated_at = now()",
            self.consumer,
            topic,
            subject,
            first - 1,
        )
        return first

    async def parked_count(self, conn: asyncpg.Connection) -> int:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM inbox_parked WHERE consumer = $1", self.consumer
        )
        return count

    async def _set_outcome(
        self, conn: asyncpg.Connection, event: CloudEvent, outcome: Outcome
    ) -> None:
        await conn.execute(_SET_OUTCOME, self.consumer, event.id, outcome.value)

    async def _park(self, conn: asyncpg.Connection, event: CloudEvent, topic: str) -> None:
        await self._set_outcome(conn, event, Outcome.PARKED)
        await conn.execute(
            _PARK,
            self.consumer,
            topic,
            event.subject,
            event.aggregateversion,
            event.id,
            event.partitionkey,
            json.dumps(to_kafka_headers(event)),
            event.data,
        )
