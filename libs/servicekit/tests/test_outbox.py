"""The transactional outbox against the real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from faststream.kafka import KafkaBroker
from kit_support import KitDatabase, thing

from servicekit.outbox import (
    KafkaRecordPublisher,
    OutboxRelay,
    OutboxWriter,
    OutgoingRecord,
    PublishError,
    RelayConfig,
)
from servicekit.outbox.commands import republish
from servicekit.telemetry import metrics
from servicekit.testing.support import read_topic, wait_until

SERVICE = "kit"


@pytest.fixture
async def producer(kafka_bootstrap_servers: str) -> AsyncIterator[KafkaBroker]:
    broker = KafkaBroker(kafka_bootstrap_servers, log_level=logging.DEBUG)
    await broker.start()
    yield broker
    await broker.stop()


async def nothing_pending(db: KitDatabase) -> bool:
    pending = await db.pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    return bool(pending == 0)


def relay_for(db: KitDatabase, publisher: object, **overrides: object) -> OutboxRelay:
    config = RelayConfig(service=SERVICE, dsn=db.dsn, **overrides)  # type: ignore[arg-type]
    return OutboxRelay(db.pool, publisher, config)  # type: ignore[arg-type]


async def test_committed_events_reach_their_topic_in_order_with_versions(
    kit_db: KitDatabase, producer: KafkaBroker, topic: str, kafka_bootstrap_servers: str
) -> None:
    writer = OutboxWriter(SERVICE)
    first, second = thing("w-1", 1), thing("w-1", 2)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        assert await writer.add(conn, first, topic=topic) == 1
        assert await writer.add(conn, second, topic=topic) == 2

    sent = await relay_for(kit_db, KafkaRecordPublisher(producer)).publish_pending()

    assert sent == 2
    records = await read_topic(kafka_bootstrap_servers, topic, expected=2)
    assert [r.key for r in records] == [b"w-1", b"w-1"]
    headers = [dict(r.headers) for r in records]
    assert [h["ce_id"].decode() for h in headers] == [first.id, second.id]
    assert [h["ce_aggregateversion"] for h in headers] == [b"1", b"2"]
    assert all(h["ce_type"] == b"sws.ThingHappened.v1" for h in headers)
    assert await kit_db.pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0


async def test_an_event_whose_transaction_rolled_back_is_never_published(
    kit_db: KitDatabase, producer: KafkaBroker, topic: str, kafka_bootstrap_servers: str
) -> None:
    writer = OutboxWriter(SERVICE)
    rolled_back, committed = thing("w-1", 1), thing("w-2", 2)

    async def failing_change() -> None:
        async with kit_db.pool.acquire() as conn, conn.transaction():
            await writer.add(conn, rolled_back, topic=topic)
            raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        await failing_change()
    async with kit_db.pool.acquire() as conn, conn.transaction():
        await writer.add(conn, committed, topic=topic)

    await relay_for(kit_db, KafkaRecordPublisher(producer)).publish_pending()

    records = await read_topic(kafka_bootstrap_servers, topic, expected=2, timeout=5)
    assert [dict(r.headers)["ce_id"].decode() for r in records] == [committed.id]


async def test_concurrent_writers_of_one_aggregate_get_contiguous_versions(
    kit_db: KitDatabase,
) -> None:
    writer = OutboxWriter(SERVICE)

    async def write(n: int) -> int:
        async with kit_db.pool.acquire() as conn, conn.transaction():
            version = await writer.add(conn, thing("w-1", n), topic="t")
            await asyncio.sleep(0.01)  # hold the stream lock while others queue behind it
            return version

    versions = await asyncio.gather(*(write(n) for n in range(20)))

    assert sorted(versions) == list(range(1, 21))
    rows = await kit_db.pool.fetch("SELECT aggregate_version FROM outbox ORDER BY id")
    assert [row[0] for row in rows] == list(range(1, 21)), "id order must follow version order"


class FailingPublisher:
    """Acknowledges every record except those at the given positions of the first batch."""

    def __init__(self, fail_at: set[int]) -> None:
        self.fail_at = fail_at
        self.batches: list[list[OutgoingRecord]] = []

    async def send_batch(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        self.batches.append(list(records))
        failing = self.fail_at if len(self.batches) == 1 else set()
        return [
            ConnectionError("broker gone") if i in failing else None for i in range(len(records))
        ]


async def test_a_failed_record_stops_the_batch_there_and_is_retried_in_order(
    kit_db: KitDatabase,
) -> None:
    writer = OutboxWriter(SERVICE)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        for n in range(5):
            await writer.add(conn, thing("w-1", n), topic="t")
    publisher = FailingPublisher(fail_at={2})
    relay = relay_for(kit_db, publisher)

    with pytest.raises(PublishError):
        await relay.publish_pending()
    rows = await kit_db.pool.fetch(
        "SELECT aggregate_version, sent_at IS NOT NULL AS sent, attempts, last_error"
        " FROM outbox ORDER BY id"
    )
    assert [row["sent"] for row in rows] == [True, True, False, False, False]
    assert rows[2]["attempts"] == 1
    assert "broker gone" in rows[2]["last_error"]

    assert await relay.publish_pending() == 3
    retried = [r.headers["ce_aggregateversion"] for r in publisher.batches[1]]
    assert retried == ["3", "4", "5"]


async def test_republish_queues_kept_rows_again_in_their_original_order(
    kit_db: KitDatabase, producer: KafkaBroker, topic: str, kafka_bootstrap_servers: str
) -> None:
    writer = OutboxWriter(SERVICE)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        for n in range(3):
            await writer.add(conn, thing("w-1", n), topic=topic)
    relay = relay_for(kit_db, KafkaRecordPublisher(producer))
    await relay.publish_pending()

    async with kit_db.pool.acquire() as conn:
        assert await republish(conn, SERVICE) == 3
    assert await relay.publish_pending() == 3

    records = await read_topic(kafka_bootstrap_servers, topic, expected=6)
    versions = [dict(r.headers)["ce_aggregateversion"] for r in records]
    assert versions == [b"1", b"2", b"3", b"1", b"2", b"3"]


async def test_sent_rows_are_kept_for_the_retention_then_pruned(kit_db: KitDatabase) -> None:
    writer = OutboxWriter(SERVICE)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        await writer.add(conn, thing("old", 1), topic="t")
        await writer.add(conn, thing("recent", 1), topic="t")
        await writer.add(conn, thing("pending", 1), topic="t")
    await kit_db.pool.execute(
        "UPDATE outbox SET sent_at = now() - interval '3 days' WHERE subject = 'old';"
        "UPDATE outbox SET sent_at = now() - interval '1 hour' WHERE subject = 'recent'"
    )
    relay = relay_for(kit_db, FailingPublisher(set()), retention=timedelta(days=2))

    assert await relay.prune_sent() == 1
    kept = await kit_db.pool.fetch("SELECT subject FROM outbox ORDER BY id")
    assert [row[0] for row in kept] == ["recent", "pending"]


async def test_backlog_metrics_report_pending_rows_and_their_age(kit_db: KitDatabase) -> None:
    writer = OutboxWriter(SERVICE)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        for n in range(4):
            await writer.add(conn, thing("w-1", n), topic="t")
    await kit_db.pool.execute("UPDATE outbox SET created_at = now() - interval '90 seconds'")

    await relay_for(kit_db, FailingPublisher(set())).refresh_metrics()

    assert metrics.OUTBOX_BACKLOG.labels(SERVICE)._value.get() == 4
    assert metrics.OUTBOX_OLDEST_AGE.labels(SERVICE)._value.get() >= 90


@asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``relay`` in the background for the block; it is elected leader on entry."""
    task = asyncio.create_task(relay.run())
    try:
        await wait_until(lambda: relay.is_leader, timeout=10)
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def add_event(db: KitDatabase, topic: str) -> None:
    async with db.pool.acquire() as conn, conn.transaction():
        await OutboxWriter(SERVICE).add(conn, thing("w-1", 1), topic=topic)


async def test_a_notification_wakes_the_relay_long_before_its_polling_interval(
    kit_db: KitDatabase, producer: KafkaBroker, topic: str
) -> None:
    async with running(relay_for(kit_db, KafkaRecordPublisher(producer), poll_interval=300.0)):
        await asyncio.sleep(0.2)  # let it go idle, waiting on LISTEN
        await add_event(kit_db, topic)

        await wait_until(lambda: nothing_pending(kit_db), timeout=20)


async def test_only_one_relay_of_a_service_leads_and_a_standby_takes_over(
    kit_db: KitDatabase, producer: KafkaBroker
) -> None:
    first = relay_for(kit_db, KafkaRecordPublisher(producer), poll_interval=0.1)
    second = relay_for(kit_db, KafkaRecordPublisher(producer), poll_interval=0.1)
    async with running(first) as first_task:
        second_task = asyncio.create_task(second.run())
        try:
            await asyncio.sleep(0.5)
            assert not second.is_leader
            first_task.cancel()
            await asyncio.gather(first_task, return_exceptions=True)
            await wait_until(lambda: second.is_leader, timeout=10)
        finally:
            second_task.cancel()
            await asyncio.gather(second_task, return_exceptions=True)


async def test_a_relay_whose_lock_connection_dies_stops_and_is_elected_again(
    kit_db: KitDatabase, producer: KafkaBroker, topic: str
) -> None:
    relay = relay_for(kit_db, KafkaRecordPublisher(producer), poll_interval=0.1)
    async with running(relay):
        await kit_db.pool.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        await wait_until(lambda: not relay.is_leader, timeout=10)
        await wait_until(lambda: relay.is_leader, timeout=20)
        await add_event(kit_db, topic)

        await wait_until(lambda: nothing_pending(kit_db), timeout=20)


async def test_a_batch_appended_at_once_continues_each_aggregates_versions_in_order(
    kit_db: KitDatabase,
) -> None:
    writer = OutboxWriter(SERVICE)
    async with kit_db.pool.acquire() as conn, conn.transaction():
        await writer.add(conn, thing("w-1", 0), topic="t")
        batch = [
            thing("w-1", 1),
            thing("w-2", 1),
            thing("w-1", 2),
            thing("w-2", 2),
            thing("w-3", 1),
        ]
        await writer.add_many(conn, [(event, "t") for event in batch])

    rows = await kit_db.pool.fetch(
        "SELECT event_id, subject, aggregate_version FROM outbox ORDER BY id"
    )
    assert [row["event_id"] for row in rows[1:]] == [event.id for event in batch]
    versions = [(row["subject"], row["aggregate_version"]) for row in rows]
    assert versions == [("w-1", 1), ("w-1", 2), ("w-2", 1), ("w-1", 3), ("w-2", 2), ("w-3", 1)]
