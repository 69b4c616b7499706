"""The whole path across process boundaries: outbox, relay, broker, consumer, inbox."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from kit_support import KitDatabase, ThingHappened, make_processor, thing
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts.envelope import CloudEvent
from contracts.topics import dead_letter_topic
from servicekit.messaging import EventRouter
from servicekit.outbox import KafkaRecordPublisher, OutboxRelay, OutboxWriter, RelayConfig
from servicekit.telemetry import metrics
from servicekit.testing.support import read_topic, wait_until
from servicekit.unit_of_work import UnitOfWork

RELAY_SCRIPT = Path(__file__).parent / "relay_process.py"
StartConsumer = Callable[..., Awaitable[KafkaBroker]]


async def write_events(db: KitDatabase, events: list[CloudEvent], topic: str) -> None:
    writer = OutboxWriter("producer")
    async with db.pool.acquire() as conn, conn.transaction():
        for event in events:
            await writer.add(conn, event, topic=topic)


def start_relay(
    db: KitDatabase, bootstrap: str, batch_size: int, pause_after_send: float = 0.0
) -> subprocess.Popen[bytes]:
    arguments = [db.dsn, bootstrap, "producer", str(batch_size), str(pause_after_send)]
    return subprocess.Popen(
        [sys.executable, str(RELAY_SCRIPT), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def sent_count(db: KitDatabase) -> int:
    count: int = await db.pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")
    return count


async def applied_count(db: KitDatabase) -> int:
    count: int = await db.pool.fetchval("SELECT count(DISTINCT event_id) FROM applied")
    return count


@pytest.mark.slow
async def test_relay_killed_mid_batch_loses_nothing_and_the_consumer_applies_each_once(
    kit_db: KitDatabase,
    topic: str,
    kafka_bootstrap_servers: str,
    start_consumer: StartConsumer,
) -> None:
    total = 2000
    events = [thing(f"w-{i % 40}", i) for i in range(total)]
    await write_events(kit_db, events, topic)
    await start_consumer(make_processor("consumer", kit_db.pool), [topic])

    for _kill in range(3):
        relay = start_relay(kit_db, kafka_bootstrap_servers, batch_size=100, pause_after_send=0.5)
        # Applied beyond what is marked sent: a batch is on the wire but not yet marked.
        await wait_until(lambda: _published_not_marked(kit_db), timeout=60, every=0.02)
        os.kill(relay.pid, signal.SIGKILL)
        relay.wait()
    assert await sent_count(kit_db) < total, "all kills happened before the end"
    relay = start_relay(kit_db, kafka_bootstrap_servers, batch_size=100)
    try:
        await wait_until(lambda: _at_least(kit_db, total), timeout=120)
        on_the_wire = await read_topic(kafka_bootstrap_servers, topic, expected=total)
        wire_ids = [dict(r.headers)["ce_id"].decode() for r in on_the_wire]
        assert set(wire_ids) == {event.id for event in events}, "no event lost"
        assert len(wire_ids) > total, "the killed batches were published again"

        await wait_until(lambda: _applied_at_least(kit_db, total), timeout=120)
        applied = await kit_db.pool.fetchrow(
            "SELECT count(*) AS total, count(DISTINCT event_id) AS distinct_events FROM applied"
        )
        assert applied["total"] == applied["distinct_events"] == total
        in_order = await kit_db.pool.fetchval(
            "SELECT bool_and(ordered) FROM (SELECT version = row_number() OVER"
            " (PARTITION BY subject ORDER BY applied_at, ctid) AS ordered FROM applied) AS v"
        )
        assert in_order, "each aggregate's events applied in version order"
    finally:
        relay.kill()
        relay.wait()


async def _published_not_marked(db: KitDatabase) -> bool:
    return await applied_count(db) > await sent_count(db)


async def _applied_at_least(db: KitDatabase, count: int) -> bool:
    return await applied_count(db) >= count


async def _at_least(db: KitDatabase, count: int) -> bool:
    return await sent_count(db) >= count


async def test_an_event_that_always_fails_reaches_the_dead_letter_topic_and_others_go_on(
    kit_db: KitDatabase,
    topic: str,
    kafka_bootstrap_servers: str,
    start_consumer: StartConsumer,
) -> None:
    poison = thing("w-1", 2, fail=True)
    events = [thing("w-1", 1), poison, thing("w-1", 3), thing("w-2", 4)]
    await write_events(kit_db, events, topic)
    consumer = make_processor("poisoned", kit_db.pool, max_attempts=3)
    await start_consumer(consumer, [topic])
    await publish_all(kit_db, "producer", kafka_bootstrap_servers)

    async def three_applied() -> bool:
        return bool(await kit_db.pool.fetchval("SELECT count(*) FROM applied") == 3)

    await wait_until(three_applied)
    await publish_all(kit_db, "poisoned", kafka_bootstrap_servers)
    dead = await read_topic(kafka_bootstrap_servers, dead_letter_topic("poisoned"), expected=1)

    headers = {name: value.decode() for name, value in dead[-1].headers}
    assert headers["ce_id"] == poison.id
    assert headers["dlq_attempts"] == "3"
    assert "cannot be applied" in headers["dlq_error"]
    assert headers["dlq_original_topic"] == topic
    assert dead[-1].value == poison.data
    rows = await kit_db.pool.fetch("SELECT n FROM applied ORDER BY n")
    assert [row["n"] for row in rows] == [1, 3, 4]


_producers: list[KafkaBroker] = []


async def publish_all(db: KitDatabase, service: str, bootstrap: str) -> None:
    """Publish ``service``'s pending outbox rows once, as its relay would."""
    broker = KafkaBroker(bootstrap, log_level=logging.DEBUG)
    await broker.start()
    _producers.append(broker)
    config = RelayConfig(service=service, dsn=db.dsn)
    await OutboxRelay(db.pool, KafkaRecordPublisher(broker), config).publish_pending()


@pytest.fixture(autouse=True)
async def _stop_producers() -> Any:
    yield
    while _producers:
        await _producers.pop().stop()


async def test_one_trace_follows_an_event_from_the_producing_transaction_to_the_handler(
    kit_db: KitDatabase,
    topic: str,
    kafka_bootstrap_servers: str,
    start_consumer: StartConsumer,
) -> None:
    exporter = _span_exporter()
    seen_in_handler: list[int] = []
    router: EventRouter[UnitOfWork] = EventRouter()

    @router.on(ThingHappened)
    async def remember_trace(uow: UnitOfWork, event: ThingHappened, envelope: CloudEvent) -> None:
        seen_in_handler.append(trace.get_current_span().get_span_context().trace_id)

    await start_consumer(make_processor("traced", kit_db.pool, router=router), [topic])
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("POST /v1/things") as request_span:
        await write_events(kit_db, [thing("w-1", 1)], topic)
    await publish_all(kit_db, "producer", kafka_bootstrap_servers)
    await wait_until(lambda: bool(seen_in_handler))

    trace_id = request_span.get_span_context().trace_id
    assert seen_in_handler == [trace_id]
    spans = {
        span.name: span
        for span in exporter.get_finished_spans()
        if span.context.trace_id == trace_id
    }
    publish, process = spans[f"{topic} publish"], spans[f"{topic} process"]
    assert publish.parent is not None
    assert publish.parent.span_id == request_span.get_span_context().span_id
    assert process.parent is not None
    assert publish.context is not None
    assert process.parent.span_id == publish.context.span_id


async def test_events_written_under_one_trace_share_a_publish_span_and_others_keep_their_own(
    kit_db: KitDatabase,
    topic: str,
    kafka_bootstrap_servers: str,
    start_consumer: StartConsumer,
) -> None:
    exporter = _span_exporter()
    parents: dict[str, int] = {}  # thing id -> the span id its handler's span descends from
    router: EventRouter[UnitOfWork] = EventRouter()

    @router.on(ThingHappened)
    async def remember_parent(uow: UnitOfWork, event: ThingHappened, envelope: CloudEvent) -> None:
        parent = getattr(trace.get_current_span(), "parent", None)
        parents[event.thing_id] = parent.span_id if parent is not None else 0

    await start_consumer(make_processor("batch-traced", kit_db.pool, router=router), [topic])
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("POST /v1/things/bulk") as bulk:  # as bulk requests write
        async with kit_db.pool.acquire() as conn, conn.transaction():
            batch = [(thing(f"b-{n}", 1), topic) for n in range(3)]
            await OutboxWriter("producer").add_many(conn, batch)
    with tracer.start_as_current_span("POST /v1/things") as single:
        await write_events(kit_db, [thing("s-1", 1)], topic)
    await publish_all(kit_db, "producer", kafka_bootstrap_servers)
    await wait_until(lambda: len(parents) == 4)

    def publishes(request: trace.Span) -> list[Any]:
        trace_id = request.get_span_context().trace_id
        return [
            span
            for span in exporter.get_finished_spans()
            if span.name == f"{topic} publish" and span.context.trace_id == trace_id
        ]

    [shared], [own] = publishes(bulk), publishes(single)
    assert shared.attributes["messaging.batch.message_count"] == 3
    assert own.attributes["messaging.message.id"]
    assert {parents[f"b-{n}"] for n in range(3)} == {shared.context.span_id}
    assert parents["s-1"] == own.context.span_id


def _span_exporter() -> InMemorySpanExporter:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


async def test_redelivery_through_the_broker_is_applied_once(
    kit_db: KitDatabase, topic: str, kafka_bootstrap_servers: str, start_consumer: StartConsumer
) -> None:
    await write_events(kit_db, [thing("w-1", 1), thing("w-1", 2)], topic)
    await publish_all(kit_db, "producer", kafka_bootstrap_servers)
    await kit_db.pool.execute("UPDATE outbox SET sent_at = NULL")
    await publish_all(kit_db, "producer", kafka_bootstrap_servers)
    await start_consumer(make_processor("consumer", kit_db.pool), [topic])

    duplicates = metrics.EVENTS_CONSUMED.labels("consumer", topic, "duplicate")
    await wait_until(lambda: duplicates._value.get() == 2)

    rows = await kit_db.pool.fetch("SELECT n FROM applied ORDER BY n")
    assert [row["n"] for row in rows] == [1, 2]
