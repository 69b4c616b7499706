"""Rebuilding the read models from the topics: ``python -m reporting rebuild``.

It empties the projections and the reporting consumer's inbox state (seen events, stream
versions, parked events; pending dead letters are discarded, since the replay meets those events
again), then reads every consumed topic from its beginning with a consumer of its own (assigned
partitions, no group, nothing committed) and feeds each record to the service's own processor,
partition by partition in offset order, so each aggregate's events are applied in order once.
It stops at the high watermark each partition had when first fetched (the broker's "latest"
offsets are not trusted, see DESIGN.md). The journey_snapshot table the figures read is copied
from its live view once at the end, and snapshots for the analytics stream are published then,
only those that differ from what was last published.

The service may keep running meanwhile: its consumer's events land in the same inbox, so the
replay skips what it already applied, and events newer than the replay are parked until their
predecessors arrive.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, TopicPartition

from reporting.adapters import projection_changes
from reporting.application.unit_of_work import SNAPSHOTS_DEFERRED
from reporting.projections.snapshots import materialise_all, publish_all_changed
from servicekit import kafka_admin
from servicekit.messaging import ReceivedRecord
from servicekit.service import Runtime

PROJECTION_TABLES = (
    "organisation",
    "worker",
    "placement",
    "journey",
    "grievance",
    "fee_report",
    "visa_case",
    "visa_fact",
    "delivery",
    "journey_snapshot",
)


@dataclass
class RebuildReport:
    records: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    snapshots_published: int = 0
    dead_letters_discarded: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        return (
            f"rebuilt from {self.records} record(s) in {self.seconds:.1f}s ({outcomes or 'none'});"
            f" {self.snapshots_published} snapshot(s) published;"
            f" {self.dead_letters_discarded} pending dead letter(s) discarded"
        )


class Progress:
    """A progress bar on a terminal, a line per tenth otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last_tenth = -1
        self._last_draw = 0.0

    def show(self, done: int, total: int | None, *, final: bool = False) -> None:
        now = time.monotonic()
        if self.tty and not final and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        if total is None:
            line = f"rebuild: {done} record(s) read, measuring the topics..."
        else:
            share = done / total if total else 1.0
            filled = int(self.WIDTH * share)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"rebuild: [{bar}] {share:6.1%} {done}/{total} records"
            tenth = int(share * 10)
            if not self.tty and tenth == self._last_tenth and not final:
                return
            self._last_tenth = tenth
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


async def reset(runtime: Runtime[Any]) -> int:
    """Empty the projections and the consumer's inbox state; returns the discarded dead letters."""
    consumer = runtime.definition.name
    async with runtime.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute(f"TRUNCATE {', '.join(PROJECTION_TABLES)}")
            for table in ("inbox_event", "inbox_stream", "inbox_parked"):
                await conn.execute(f"DELETE FROM {table} WHERE consumer = $1", consumer)
            status = await conn.execute(
                "UPDATE dead_letter SET status = 'discarded', resolved_at = now()"
                " WHERE consumer = $1 AND status = 'pending'",
                consumer,
            )
        await projection_changes.mark_changed(conn)
    return int(status.split()[-1])


async def rebuild(
    runtime: Runtime[Any], *, progress: TextIO | None = None, fetch_timeout_ms: int = 500
) -> RebuildReport:
    started = time.monotonic()
    report = RebuildReport()
    settings = runtime.settings
    servers = settings.kafka_bootstrap_servers
    topics: Sequence[str] = runtime.definition.consumes
    await kafka_admin.wait_for_broker(servers)
    partitions = [
        TopicPartition(topic, number)
        for topic in topics
        for number in range(await kafka_admin.topic_partitions(servers, topic))
    ]
    report.dead_letters_discarded = await reset(runtime)
    bar = Progress(progress or sys.stderr)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=200,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    token = SNAPSHOTS_DEFERRED.set(True)
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        starts = {partition: await consumer.position(partition) for partition in partitions}
        ends: dict[TopicPartition, int] = {}
        while True:
            batches = await consumer.getmany(timeout_ms=fetch_timeout_ms, max_records=2000)
            outcomes = await asyncio.gather(
                *(_apply(runtime, records) for records in batches.values())
            )
            for counted in outcomes:
                report.outcomes.update(counted)
                report.records += sum(counted.values())
            for partition in partitions:
                if partition not in ends and consumer.highwater(partition) is not None:
                    ends[partition] = consumer.highwater(partition)
            total = (
                sum(end - starts[partition] for partition, end in ends.items())
                if len(ends) == len(partitions)
                else None
            )
            bar.show(report.records, total)
            if total is not None and await _caught_up(consumer, ends):
                break
    finally:
        SNAPSHOTS_DEFERRED.reset(token)
        await consumer.stop()
    bar.show(report.records, report.records, final=True)
    async with runtime.pool.acquire() as conn:
        await materialise_all(conn)
        await projection_changes.mark_changed(conn)
        workers = [row["worker_id"] for row in await conn.fetch("SELECT worker_id FROM worker")]
    report.snapshots_published = await publish_all_changed(runtime.unit_of_work, workers)
    report.seconds = time.monotonic() - started
    return report


async def _apply(runtime: Runtime[Any], records: Sequence[Any]) -> Counter[str]:
    """One partition's records, in offset order, through the service's processor (a batch of
    CONSUMER_MAX_BATCH per transaction, as the consumer does)."""
    counted: Counter[str] = Counter()
    size = runtime.settings.consumer_max_batch
    for start in range(0, len(records), size):
        batch = [ReceivedRecord.from_consumer_record(r) for r in records[start : start + size]]
        counted.update(outcome.value for outcome in await runtime.processor.process_batch(batch))
    return counted


async def _caught_up(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return False
    return True
