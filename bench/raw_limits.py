"""The machine's raw limits, measured first in the same run: what PostgreSQL and the broker
can do at all, so that every figure of the system is read as a share of it."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.figures import Figure
from servicekit.kafka_admin import ensure_topics

ROW = ("a" * 40, "b" * 40, "Turkistan", "+77011234567", "kk")


async def single_row_commits(dsn: str, *, connections: int = 16, seconds: float = 5.0) -> Figure:
    """INSERT one row per transaction from 16 connections at once, for a few seconds."""
    pool = await asyncpg.create_pool(dsn, min_size=connections, max_size=connections)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, a text, b text,"
        " region text, phone text, language text)"
    )
    deadline = time.perf_counter() + seconds
    counts = [0] * connections

    async def commit_rows(slot: int) -> None:
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                await conn.execute(
                    "INSERT INTO bench_commit (a, b, region, phone, language)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    *ROW,
                )
                counts[slot] += 1

    started = time.perf_counter()
    await asyncio.gather(*(commit_rows(slot) for slot in range(connections)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return Figure(
        "raw: asyncpg single-row commits (16 connections)", sum(counts) / elapsed, "rows/s"
    )


async def copy_rows(dsn: str, *, rows: int = 300_000) -> Figure:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_copy (id uuid, a text, b text, region text,"
            " phone text, language text)"
        )
        records = [(uuid.uuid4(), *ROW) for _ in range(rows)]
        started = time.perf_counter()
        await conn.copy_records_to_table("bench_copy", records=records)
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    return Figure("raw: asyncpg COPY", rows / elapsed, "rows/s")


async def kafka_produce_and_consume(
    bootstrap: str, *, messages: int = 100_000, size: int = 1024
) -> tuple[Figure, Figure]:
    """1 KB records with keys over 6 partitions, acks=all; then one consumer reads them all."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [(topic, 6)])
    value = os.urandom(size // 2).hex().encode()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [
            await producer.send(topic, value, key=str(n % 500).encode()) for n in range(messages)
        ]
        await asyncio.gather(*futures)
        produced = messages / (time.perf_counter() - started)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )
    await consumer.start()
    try:
        received, started = 0, 0.0
        while received < messages:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            if batches and not started:
                started = time.perf_counter()  # from the first record: joining is not reading
            received += sum(len(batch) for batch in batches.values())
        consumed = received / (time.perf_counter() - started)
    finally:
        await consumer.stop()
    return (
        Figure("raw: aiokafka produce (1 KB, acks=all)", produced, "msgs/s"),
        Figure("raw: aiokafka consume (1 KB)", consumed, "msgs/s"),
    )
