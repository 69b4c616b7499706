"""Rebuild by replay: a broker of this test's own is filled with a generated history (the
catalogue's topics, duplicates included); the service consumes it, then ``rebuild`` (in process
and as the ``python -m reporting rebuild`` command) empties everything and replays the topics
from the beginning, giving identical figures and publishing no snapshot again."""

from __future__ import annotations

import asyncio
import io
import os
import random
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from contracts.topics import JOURNEY_SNAPSHOT_TOPIC
from reporting.application import statistics
from reporting.application.datasets import Filters, Scope
from reporting.application.rebuild import rebuild
from reporting.bootstrap import definition
from reporting.testing.fed import PSEUDONYM_KEY, reporting_settings
from reporting.testing.history import History, generate
from reporting.testing.truth import Expected, comparable
from servicekit import kafka_admin
from servicekit.testing.brokers import TansuBrokerFactory
from servicekit.testing.service import running_service
from servicekit.testing.support import wait_until

CONSUMED = ("registry.worker.v1", "registry.organisation.v1", "visa.case.v1",
            "notifications.delivery.v1")  # fmt: skip


async def fill(servers: str, history: History) -> int:
    """Produce every stream's events, interleaved, with redeliveries; returns how many distinct
    events reporting consumes."""
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = [
            await producer.send(
                event.topic,
                event.envelope.data,
                key=(event.envelope.partitionkey or "").encode(),
                headers=[(name, value) for name, value in event.record().headers],
            )
            for event in history.delivery_order(random.Random(11))
        ]
        await producer.flush()
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return len({e.envelope.id for e in history.events() if e.topic in CONSUMED})


async def all_figures(conn: Any) -> dict[str, Any]:
    everything, none = Scope.everything(), Filters()
    return {
        "funnel": await statistics.funnel(conn, none, everything, ["season", "region"]),
        "stages": await statistics.stages(conn, none, everything, ["season"]),
        "visas": await statistics.visas(conn, none, everything, ["sector", "month"]),
        "travel": await statistics.travel(conn, none, everything, ["season"]),
        "grievances": await statistics.grievances(conn, none, everything, ["category", "status"]),
        "compliance": await statistics.compliance(conn, none, everything, ["organisation"]),
        "notifications": await statistics.notifications(conn, none, everything, ["channel"]),
        "journeys": [dict(r) for r in await conn.fetch(
            "SELECT * FROM journey_snapshot ORDER BY pseudonym, journey_no"
        )],
    }  # fmt: skip


async def test_a_rebuild_replays_the_topics_into_identical_figures(
    create_database: Callable[..., Awaitable[str]], tansu_broker_factory: TansuBrokerFactory
) -> None:
    broker = tansu_broker_factory()
    servers = broker.bootstrap_servers
    await kafka_admin.ensure_all_topics(servers)
    history = generate(seed=99, workers=60)
    expected = Expected(history)
    distinct = await fill(servers, history)
    settings = reporting_settings(await create_database(prefix="reporting_rebuild"), servers)

    async with running_service(definition(settings)) as harness:
        pool = harness.runtime.pool

        async def consumed() -> bool:
            applied = await pool.fetchval(
                "SELECT count(*) FROM inbox_event WHERE consumer = 'reporting'"
            )
            return bool(applied == distinct)

        await wait_until(consumed, timeout=120, every=0.5)
        async with pool.acquire() as conn:
            before = await all_figures(conn)
        funnel = comparable(before["funnel"], ["registered", "visa_granted", "returned"])
        assert funnel == comparable(
            expected.funnel(["season", "region"]), ["registered", "visa_granted", "returned"]
        )
        published = await pool.fetchval(
            "SELECT count(*) FROM outbox WHERE topic = $1", JOURNEY_SNAPSHOT_TOPIC.name
        )

        progress = io.StringIO()
        report = await rebuild(harness.runtime, progress=progress)

        assert report.records >= distinct
        assert report.outcomes["applied"] == distinct
        assert "100.0%" in progress.getvalue()
        assert report.snapshots_published == 0, "the same snapshots: nothing to publish"
        async with pool.acquire() as conn:
            assert await all_figures(conn) == before
        assert published == await pool.fetchval(
            "SELECT count(*) FROM outbox WHERE topic = $1", JOURNEY_SNAPSHOT_TOPIC.name
        )

    # The command line, as an operator runs it (the service stopped).
    environment = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "ENVIRONMENT": "test",
        "LOG_JSON": "false",
    }
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reporting", "rebuild",
        env=environment, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(command.communicate(), timeout=300)
    assert command.returncode == 0, stderr.decode()
    assert "rebuild: [" in stderr.decode()
    assert "rebuilt from" in stdout.decode()
    conn = await asyncpg.connect(settings.database_url)
    try:
        assert await all_figures(conn) == before
    finally:
        await conn.close()
