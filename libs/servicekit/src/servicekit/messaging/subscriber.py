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

    Records arrive in batches (up to ``consumer_max_batch``), applied in one transaction; the
    offsets are committed only after the batch is processed (at-least-once). A new group starts
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
        batch=True,
        max_records=settings.consumer_max_batch,
        batch_timeout_ms=200,
        title=f"{settings.service_name} consumer",
        parser=_parse_any_headers,
        decoder=_raw_body,
    )

    async def on_batch(message: KafkaMessage) -> None:
        # the offsets of the whole batch are committed once it returns
        records = [ReceivedRecord.from_consumer_record(record) for record in message.raw_message]
        await processor.process_batch(records)

    subscriber(on_batch)
    return subscriber


async def _parse_any_headers(
    batch: tuple[Any, ...], parse: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """FastStream decodes every header as UTF-8 and drops a batch it cannot read, unseen by
    the processor: such a batch is parsed from copies with readable headers and keeps the
    original records, which the processor dead-letters."""
    if all(_is_utf8(value) for record in batch for _, value in record.headers):
        return await parse(batch)
    message = await parse(tuple(_with_readable_headers(record) for record in batch))
    message.raw_message = batch
    return message


def _with_readable_headers(record: Any) -> Any:
    readable = copy.copy(record)
    readable.headers = [
        (name, value.decode("utf-8", "replace").encode()) for name, value in record.headers
    ]
    return readable


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


async def _raw_body(message: StreamMessage[Any]) -> Any:
    """The processor reads and validates the raw records itself: FastStream must not decode
    the bodies (a body declared JSON that is not would fail there, before the dead-letter
    path)."""
    return message.body


def assigned_partitions(subscriber: Any) -> int:
    """How many partitions the subscriber's consumer holds now (0 before the group settles)."""
    consumer = getattr(subscriber, "consumer", None)
    if consumer is None:
        return 0
    return len(consumer.assignment())
