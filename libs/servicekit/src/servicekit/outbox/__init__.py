"""Transactional outbox: the writer used inside a unit of work, and the relay."""

from servicekit.outbox.publisher import KafkaRecordPublisher, OutgoingRecord, RecordPublisher
from servicekit.outbox.relay import OutboxRelay, PublishError, RelayConfig
from servicekit.outbox.writer import OutboxWriter, notify_channel

__all__ = [
    "KafkaRecordPublisher",
    "OutboxRelay",
    "OutboxWriter",
    "OutgoingRecord",
    "PublishError",
    "RecordPublisher",
    "RelayConfig",
    "notify_channel",
]
