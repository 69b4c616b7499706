"""The port the relay publishes through, and its Kafka adapter."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from faststream.kafka import KafkaBroker


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]


class RecordPublisher(Protocol):
    async def send_batch(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        """Send every record; the result has one entry per record: None if it was acknowledged."""
        ...


class KafkaRecordPublisher:
    """Publishes through FastStream's Kafka producer, pipelining a whole batch.

    The producer keeps per-partition order (one in-flight batch per partition), so records of
    one key reach the broker in the order they are given.
    """

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def send_batch(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        pending: list[asyncio.Future[Any] | BaseException] = []
        for record in records:
            try:
                future = await self._broker.publish(
                    record.value,
                    record.topic,
                    key=record.key,
                    headers=record.headers,
                    no_confirm=True,
                )
                pending.append(future)
            except Exception as error:
                pending.append(error)
        results: list[BaseException | None] = []
        for item in pending:
            if isinstance(item, BaseException):
                results.append(item)
                continue
            try:
                await item
                results.append(None)
            except Exception as error:
                results.append(error)
        return results
