"""Fixtures of the kit's own tests: a database with the kit's tables, a topic, a consumer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from faststream.kafka import KafkaBroker
from kit_support import TEST_MIGRATIONS, KitDatabase

from servicekit import kafka_admin
from servicekit.messaging import EventProcessor, assigned_partitions, subscribe
from servicekit.migrations import apply_migrations, kit_migrations
from servicekit.settings import ServiceSettings
from servicekit.testing.support import wait_until


@pytest.fixture
async def kit_db(create_database: Callable[..., Awaitable[str]]) -> AsyncIterator[KitDatabase]:
    dsn = await create_database(prefix="kit")
    conn = await asyncpg.connect(dsn)
    try:
        await apply_migrations(conn, [kit_migrations(), TEST_MIGRATIONS])
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=8)
    yield KitDatabase(dsn, pool)
    await pool.close()


@pytest.fixture
async def topic(kafka_bootstrap_servers: str) -> str:
    name = f"kit.test.{uuid.uuid4().hex[:10]}"
    await kafka_admin.ensure_topics(kafka_bootstrap_servers, [(name, 3), (name + ".dlq", 1)])
    return name


@pytest.fixture
async def start_consumer(
    kafka_bootstrap_servers: str,
) -> AsyncIterator[Callable[..., Awaitable[KafkaBroker]]]:
    """Starts FastStream consumer groups on the real broker, waiting for their assignment."""
    brokers: list[KafkaBroker] = []

    async def start(processor: EventProcessor[Any], topics: list[str]) -> KafkaBroker:
        broker = KafkaBroker(kafka_bootstrap_servers, log_level=logging.DEBUG)
        settings = ServiceSettings(
            service_name=processor.config.service,
            consumer_session_timeout_ms=6000,
            consumer_heartbeat_interval_ms=500,
        )
        subscriber = subscribe(broker, processor, topics, settings)
        await broker.start()
        brokers.append(broker)
        await wait_until(lambda: assigned_partitions(subscriber) > 0, timeout=30)
        return broker

    yield start
    for broker in brokers:
        await broker.stop()
