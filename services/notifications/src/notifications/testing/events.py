"""Events as the broker would deliver them to the service (CloudEvents, binary mode)."""

from __future__ import annotations

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent, to_kafka_headers
from servicekit.messaging import ReceivedRecord


def record_of(
    event: IntegrationEvent,
    *,
    subject: str,
    key: str,
    version: int,
    source: str = "/sws/registry",
    event_id: str | None = None,
) -> ReceivedRecord:
    envelope = CloudEvent.create(
        event, source=source, subject=subject, key=key, event_id=event_id
    ).model_copy(update={"aggregateversion": version})
    headers = tuple((name, value.encode()) for name, value in to_kafka_headers(envelope).items())
    return ReceivedRecord(event.topic, key.encode(), envelope.data, headers)
