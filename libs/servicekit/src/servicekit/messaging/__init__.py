"""Consuming events: routing table, processor (inbox, retries, dead letters), subscriber."""

from servicekit.messaging.dead_letters import DeadLetter, DeadLetterStore
from servicekit.messaging.processor import ConsumerConfig, EventProcessor
from servicekit.messaging.records import ReceivedRecord
from servicekit.messaging.router import EventRouter
from servicekit.messaging.subscriber import assigned_partitions, subscribe

__all__ = [
    "ConsumerConfig",
    "DeadLetter",
    "DeadLetterStore",
    "EventProcessor",
    "EventRouter",
    "ReceivedRecord",
    "assigned_partitions",
    "subscribe",
]
