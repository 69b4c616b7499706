"""Wiring an EventProcessor to a FastStream Kafka subscriber."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from servicekit.messaging.processor import EventProcessor
from servicekit.messaging.records import ReceivedRecord
from servicekit.settings import ServiceSettings


def subscribe(
    broker: KafkaBroker,
    processor: EventProcessor[Any],
    topics: Sequence[str],
    settings: ServiceSettings,
) -> Any:
    """Subscribe the service's consumer group to ``topics``.

    Offsets are committed only after a record is processed (at-least-once); a new group starts
    from the earliest offset because the broker's "latest" is unreliable (see DESIGN.md).
    """
    subscriber = broker.subscriber(
        *topics,
        group_id=settings.consumer_group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=settings.consumer_session_timeout_ms,
        heartbeat_interval_ms=settings.consumer_heartbeat_interval_ms,
        fetch_max_wait_ms=200,
        title=f"{settings.service_name} consumer",
        parser=_parse_any_headers,
        decoder=_raw_body,
    )

    async def on_record(message: KafkaMessage) -> None:
        await processor.process(ReceivedRecord.from_consumer_record(message.raw_message))

    subscriber(on_record)
    return subscriber


async def _parse_any_headers(
    record: Any, parse: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """FastStream decodes every header as UTF-8 and drops a record it cannot read, unseen by
    the processor: such a record is parsed from a copy with readable headers and keeps the
    original, which the processor dead-letters."""
    if all(_is_utf8(value) for _, value in record.headers):
        return await parse(record)
    readable = copy.copy(record)
    readable.headers = [
        (name, value.decode("utf-8", "replace").encode()) for name, value in record.headers
    ]
    message = await parse(readable)
    message.raw_message = record
    return message


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


async def _raw_body(message: StreamMessage[Any]) -> Any:
    """The processor reads and validates the raw record itself: FastStream must not decode the
    body (a body declared JSON that is not would fail there, before the dead-letter path)."""
    return message.body


def assigned_partitions(subscriber: Any) -> int:
    """How many partitions the subscriber's consumer holds now (0 before the group settles)."""
    consumer = getattr(subscriber, "consumer", None)
    if consumer is None:
        return 0
    return len(consumer.assignment())
