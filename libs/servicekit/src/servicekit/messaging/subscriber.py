"""Wiring an EventProcessor to a FastStream Kafka subscriber."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

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
    )

    async def on_record(message: KafkaMessage) -> None:
        await processor.process(ReceivedRecord.from_consumer_record(message.raw_message))

    subscriber(on_record)
    return subscriber


def assigned_partitions(subscriber: Any) -> int:
    """How many partitions the subscriber's consumer holds now (0 before the group settles)."""
    consumer = getattr(subscriber, "consumer", None)
    if consumer is None:
        return 0
    return len(consumer.assignment())
