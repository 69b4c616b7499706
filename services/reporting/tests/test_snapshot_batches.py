"""Snapshots refreshed once per transaction: a consumer's batch of many events about a few
workers copies and publishes each worker's snapshot once, at the end, with the same result as
one event per transaction."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Awaitable, Callable

import asyncpg

from contracts.events.analytics import JourneySnapshotUpdated
from contracts.topics import JOURNEY_SNAPSHOT_TOPIC
from reporting.bootstrap import definition
from reporting.projections.snapshots import build_snapshot
from reporting.testing.fed import reporting_settings
from reporting.testing.history import generate, pseudonym
from servicekit.access.http import forget_cached_keys
from servicekit.inbox import Outcome
from servicekit.testing.service import running_service

BATCH = 40


async def test_a_batch_publishes_each_changed_workers_snapshot_once_and_exactly(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str
) -> None:
    settings = reporting_settings(
        await create_database(prefix="reporting_batches"), kafka_bootstrap_servers
    )
    service = dataclasses.replace(definition(settings), consumes=())
    history = generate(seed=11, workers=12)
    records = [event.record() for event in history.delivery_order(random.Random(11))]
    forget_cached_keys()
    async with running_service(service) as harness:
        pool = harness.runtime.pool
        most = 0
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            before = await _published(pool)
            outcomes = await harness.runtime.processor.process_batch(batch)
            assert Outcome.DEAD_LETTERED not in outcomes
            workers = {r.key for r in batch if r.topic != "registry.organisation.v1"}
            published = await _published(pool) - before
            assert published <= len(workers)  # once per worker, not once per event
            most = max(most, published)
        assert most > 0
        async with pool.acquire() as conn:
            # the table the figures read equals the live view it is copied from
            for table, other in (("journey_snapshot", "journey_snapshot_live"),
                                 ("journey_snapshot_live", "journey_snapshot")):  # fmt: skip
                differing = await conn.fetchval(
                    f"SELECT count(*) FROM (TABLE {table} EXCEPT TABLE {other}) d"
                )
                assert differing == 0
            for worker in history.workers:
                latest = await conn.fetchval(
                    "SELECT payload FROM outbox WHERE topic = $1 AND subject = $2"
                    " ORDER BY aggregate_version DESC LIMIT 1",
                    JOURNEY_SNAPSHOT_TOPIC.name,
                    pseudonym(settings.pseudonym_key.get_secret_value(), worker.id),
                )
                current = await build_snapshot(conn, worker.id)
                assert current is not None
                sent = JourneySnapshotUpdated.model_validate_json(latest)
                assert sent.model_dump(exclude={"occurred_at"}) == current.model_dump(
                    exclude={"occurred_at"}
                )


async def _published(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM outbox WHERE topic = $1", JOURNEY_SNAPSHOT_TOPIC.name
    )
    return count
