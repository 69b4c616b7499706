"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per service is active at a time (a PostgreSQL advisory lock elects it; others wait
as standbys), so rows leave in id order and one key's events keep their order. A batch is
published, then the acknowledged prefix is marked sent in one statement. A crash between the
two re-publishes that prefix after restart: duplicates on the wire, never a loss; the
consumers' inbox removes the duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from contracts.envelope import HEADER_PREFIX
from servicekit.outbox.publisher import OutgoingRecord, RecordPublisher
from servicekit.outbox.writer import notify_channel
from servicekit.telemetry import metrics
from servicekit.telemetry.propagation import (
    context_from_headers,
    inject_current_trace,
    traceparent_of,
)

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)

_FETCH_PENDING = """
SELECT id, event_id, topic, partition_key, aggregate_version, headers, payload
FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1
"""
_MARK_SENT = "UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1)"
_MARK_FAILED = "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1"
_BACKLOG = (
    "SELECT count(*), extract(epoch FROM now() - min(created_at)) FROM outbox WHERE sent_at IS NULL"
)
_PRUNE = """
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox WHERE sent_at < now() - $1::interval ORDER BY id LIMIT 5000)
"""


@dataclass(frozen=True)
class RelayConfig:
    service: str
    dsn: str
    batch_size: int = 500
    poll_interval: float = 1.0
    max_backoff: float = 30.0
    retention: timedelta = timedelta(days=14)
    prune_every: float = 300.0


class PublishError(RuntimeError):
    pass


class OutboxRelay:
    def __init__(self, pool: asyncpg.Pool, publisher: RecordPublisher, config: RelayConfig) -> None:
        self._pool = pool
        self._publisher = publisher
        self._config = config
        self._wakeup = asyncio.Event()
        self._is_leader = False

    @property
    def is_leader(self) -> bool:
        return self._is_leader

    async def run(self) -> None:
        """Relay until cancelled, taking over leadership whenever it is free."""
        failures = 0
        while True:
            try:
                async with self._leadership() as lost:
                    failures = 0
                    await _until_lost(self._pump(), lost)
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                failures += 1
                log.warning("outbox relay lost its database connection: %s", error)
                await asyncio.sleep(self._backoff(failures))

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; returns how many were marked sent."""
        rows = await self._pool.fetch(_FETCH_PENDING, self._config.batch_size)
        if not rows:
            return 0
        records, spans = self._records(rows)
        try:
            results = await self._publisher.send_batch(records)
        finally:
            for span in spans:
                span.end()
        sent_ids, failure = _acknowledged_prefix(rows, results)
        if sent_ids:
            await self._pool.execute(_MARK_SENT, sent_ids)
            metrics.OUTBOX_PUBLISHED.labels(self._config.service).inc(len(sent_ids))
        if failure is not None:
            row_id, error = failure
            await self._pool.execute(_MARK_FAILED, row_id, repr(error)[:2000])
            metrics.OUTBOX_FAILURES.labels(self._config.service).inc()
            raise PublishError(f"outbox row {row_id} was not acknowledged: {error!r}")
        return len(sent_ids)

    async def refresh_metrics(self) -> None:
        count, oldest = await self._pool.fetchrow(_BACKLOG)
        metrics.OUTBOX_BACKLOG.labels(self._config.service).set(count)
        metrics.OUTBOX_OLDEST_AGE.labels(self._config.service).set(float(oldest or 0.0))

    async def prune_sent(self) -> int:
        """Delete sent rows older than the retention; returns how many were deleted."""
        deleted = 0
        while True:
            status = await self._pool.execute(_PRUNE, self._config.retention)
            batch = int(status.split()[-1])
            deleted += batch
            if batch == 0:
                return deleted

    async def _pump(self) -> None:
        failures = 0
        loop = asyncio.get_running_loop()
        next_prune = next_metrics = loop.time()
        while True:
            self._wakeup.clear()
            try:
                sent = await self.publish_pending()
                failures = 0
            except PublishError as error:
                failures += 1
                log.warning("outbox publish failed (attempt %d): %s", failures, error)
                await asyncio.sleep(self._backoff(failures))
                continue
            if loop.time() >= next_metrics:
                await self.refresh_metrics()  # a count over the backlog: not on every wake-up
                next_metrics = loop.time() + 2.0
            if loop.time() >= next_prune:
                await self.prune_sent()
                next_prune = loop.time() + self._config.prune_every
            if sent < self._config.batch_size:
                await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        # The polling fallback: a lost notification delays a row, never loses it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=self._config.poll_interval)

    @asynccontextmanager
    async def _leadership(self) -> AsyncIterator[asyncio.Event]:
        """Hold the service's relay lock; the event is set if its connection is lost (and
        with it the lock), so that this relay stops before another one takes over."""
        conn: asyncpg.Connection = await asyncpg.connect(self._config.dsn)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            # A standby polls: PostgreSQL cannot wake us when another session's lock goes.
            while not await conn.fetchval(  # noqa: ASYNC110
                "SELECT pg_try_advisory_lock(hashtext($1))", "outbox:" + self._config.service
            ):
                await asyncio.sleep(self._config.poll_interval)
            channel = notify_channel(self._config.service)
            await conn.add_listener(channel, lambda *_args: self._wakeup.set())
            self._is_leader = True
            log.info("outbox relay of %s is the leader", self._config.service)
            yield lost
        finally:
            self._is_leader = False
            if not conn.is_closed():
                await conn.close(timeout=2)

    def _records(
        self, rows: Sequence[asyncpg.Record]
    ) -> tuple[list[OutgoingRecord], list[trace.Span]]:
        """The rows as records, each carrying the trace context of its publish span.

        One producer span per topic and originating trace in the batch: the events a bulk
        request wrote under one trace share one (a span per event cost more than the rest of
        relaying it), while the event of each single request keeps a span of its own."""
        parsed = [(row, _headers(row)) for row in rows]
        sharing = Counter(
            (row["topic"], parent) for row, headers in parsed if (parent := traceparent_of(headers))
        )
        records, spans = [], []
        hops: dict[tuple[str, str], dict[str, str]] = {}  # (topic, parent) -> the span's headers
        for row, headers in parsed:
            parent = traceparent_of(headers)
            hop = hops.get((row["topic"], parent)) if parent else None
            if hop is None:
                span = self._publish_span(
                    row, headers, sharing[row["topic"], parent] if parent else 1
                )
                spans.append(span)
                hop = {}
                with trace.use_span(span, end_on_exit=False):
                    inject_current_trace(hop)
                if parent:
                    hops[row["topic"], parent] = hop
            headers.update(hop)
            key = row["partition_key"].encode() if row["partition_key"] is not None else None
            records.append(OutgoingRecord(row["topic"], key, row["payload"], headers))
        return records, spans

    def _publish_span(
        self, row: asyncpg.Record, headers: dict[str, str], messages: int
    ) -> trace.Span:
        attributes: dict[str, str | int] = {
            "messaging.system": "kafka",
            "messaging.destination.name": row["topic"],
            "sws.service": self._config.service,
        }
        if messages > 1:
            attributes["messaging.batch.message_count"] = messages
        else:
            attributes["messaging.message.id"] = row["event_id"]
        return _tracer.start_span(
            f"{row['topic']} publish",
            context=context_from_headers(headers),
            kind=SpanKind.PRODUCER,
            attributes=attributes,
        )

    def _backoff(self, failures: int) -> float:
        ceiling = min(self._config.max_backoff, 0.1 * 2**failures)
        return random.uniform(ceiling / 2, ceiling)


async def _until_lost(work: Coroutine[Any, Any, None], lost: asyncio.Event) -> None:
    """Run ``work`` until it ends or ``lost`` is set (then raise: leadership is gone)."""
    working = asyncio.create_task(work)
    losing = asyncio.create_task(lost.wait())
    try:
        done, _ = await asyncio.wait({working, losing}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (working, losing):
            task.cancel()
        await asyncio.gather(working, losing, return_exceptions=True)
    if working in done:
        working.result()
        return
    raise ConnectionError("the relay's lock connection was lost")


def _headers(row: asyncpg.Record) -> dict[str, str]:
    headers: dict[str, str] = json.loads(row["headers"])
    if row["aggregate_version"] is not None:
        headers[HEADER_PREFIX + "aggregateversion"] = str(row["aggregate_version"])
    return headers


def _acknowledged_prefix(
    rows: Sequence[asyncpg.Record], results: Sequence[BaseException | None]
) -> tuple[list[int], tuple[int, BaseException] | None]:
    """Ids up to the first failure, and that failure; later rows are retried in order."""
    sent: list[int] = []
    for row, error in zip(rows, results, strict=True):
        if error is not None:
            return sent, (row["id"], error)
        sent.append(row["id"])
    return sent, None
