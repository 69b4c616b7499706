"""Waiting and reading helpers for tests against the real broker and database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]], *, timeout: float = 30.0, every: float = 0.1
) -> None:
    """Poll ``condition`` until it holds; TimeoutError after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(every)


async def read_topic(
    bootstrap_servers: str, topic: str, *, expected: int, timeout: float = 30.0
) -> list[Any]:
    """Every record on ``topic`` from the beginning: waits until at least ``expected`` have
    arrived (or the timeout passed), then reads on until the log is drained, so that extra
    records (duplicates, events that should not exist) are seen too."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
            if not batches and len(records) >= expected:
                break
    finally:
        await consumer.stop()
    records.sort(key=lambda record: (record.partition, record.offset))
    return records
