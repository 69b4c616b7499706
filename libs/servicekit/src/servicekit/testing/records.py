"""Plain aiokafka produce/consume for tests, with the settings Tansu needs.

Consumers start at "earliest" (Tansu's "latest" is off by one batch), use a short session
timeout and wait for their assignment instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def produce_values(
    bootstrap_servers: str, topic: str, values: Iterable[bytes], key: bytes | None = None
) -> int:
    """Send every value (acknowledged by the broker); return how many were sent."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    sent = 0
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
            sent += 1
    finally:
        await producer.stop()
    return sent


async def consume_values(
    bootstrap_servers: str,
    topic: str,
    group_id: str,
    expected: int,
    *,
    timeout: float = 60.0,
    linger: float = 0.0,
    commit: bool = True,
) -> list[bytes]:
    """Read until `expected` values arrived (or timeout), then `linger` seconds more to
    catch extras; commit the group's offsets and return what was read, in arrival order."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        fetch_max_wait_ms=200,
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + timeout
        while len(values) < expected and time.monotonic() < deadline:
            await _read_batch(consumer, values)
        linger_until = time.monotonic() + linger
        while time.monotonic() < linger_until:
            await _read_batch(consumer, values)
        if commit and values:
            await consumer.commit()
    finally:
        await consumer.stop()
    return values


async def _read_batch(consumer: AIOKafkaConsumer, values: list[bytes]) -> None:
    batches = await consumer.getmany(timeout_ms=500)
    for records in batches.values():
        values.extend(record.value for record in records if record.value is not None)
