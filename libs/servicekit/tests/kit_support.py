"""Helpers of the kit's own tests: a test event, its handler, a processor factory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import asyncpg

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent, to_kafka_headers
from servicekit.inbox import Inbox
from servicekit.messaging import (
    ConsumerConfig,
    DeadLetterStore,
    EventProcessor,
    EventRouter,
    ReceivedRecord,
)
from servicekit.migrations import MigrationSource
from servicekit.outbox import OutboxWriter
from servicekit.unit_of_work import UnitOfWork

TEST_MIGRATIONS = MigrationSource("kit-tests", Path(__file__).parent / "sql")


class ThingHappened(IntegrationEvent):
    """A test event; ``fail`` makes the test handler raise."""

    topic: ClassVar[str] = "kit.test.v1"
    thing_id: str
    n: int
    fail: bool = False


async def record_application(uow: UnitOfWork, event: ThingHappened, envelope: CloudEvent) -> None:
    if event.fail:
        raise ValueError(f"thing {event.thing_id} cannot be applied")
    await uow.conn.execute(
        "INSERT INTO applied (event_id, subject, version, n) VALUES ($1, $2, $3, $4)",
        envelope.id,
        envelope.subject,
        envelope.aggregateversion,
        event.n,
    )


def thing(thing_id: str, n: int, *, fail: bool = False, event_id: str | None = None) -> CloudEvent:
    return CloudEvent.create(
        ThingHappened(thing_id=thing_id, n=n, fail=fail),
        source="/sws/kit-tests",
        subject=thing_id,
        key=thing_id,
        event_id=event_id,
    )


@dataclass
class KitDatabase:
    dsn: str
    pool: asyncpg.Pool


def make_processor(
    service: str,
    pool: asyncpg.Pool,
    *,
    max_attempts: int = 3,
    router: EventRouter[UnitOfWork] | None = None,
) -> EventProcessor[UnitOfWork]:
    outbox = OutboxWriter(service)
    inbox = Inbox(service)
    if router is None:
        router = EventRouter()
        router.add(ThingHappened, record_application)
    return EventProcessor(
        config=ConsumerConfig(service=service, max_attempts=max_attempts, retry_backoff=0.01),
        router=router,
        unit_of_work=lambda correlation_id: UnitOfWork(
            pool, outbox, source=f"/sws/{service}", correlation_id=correlation_id
        ),
        inbox=inbox,
        dead_letters=DeadLetterStore(service, outbox, inbox),
    )


def as_record(event: CloudEvent, topic: str, *, version: int | None = None) -> ReceivedRecord:
    """``event`` as the relay would publish it, with its aggregate version."""
    published = event.model_copy(update={"aggregateversion": version})
    headers = tuple((name, value.encode()) for name, value in to_kafka_headers(published).items())
    key = event.partitionkey.encode() if event.partitionkey else None
    return ReceivedRecord(topic, key, event.data, headers, partition=0, offset=0)


async def applications(pool: asyncpg.Pool) -> list[tuple[str, int]]:
    """(subject, n) of every application, in the order they happened."""
    rows = await pool.fetch("SELECT subject, n FROM applied ORDER BY applied_at, ctid")
    return [(row["subject"], row["n"]) for row in rows]
