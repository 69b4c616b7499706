"""A record as received from Kafka, independent of the client library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReceivedRecord:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]] = field(default_factory=tuple)
    partition: int | None = None
    offset: int | None = None

    @classmethod
    def from_consumer_record(cls, record: Any) -> ReceivedRecord:
        return cls(
            topic=record.topic,
            key=record.key,
            value=record.value,
            headers=tuple(record.headers or ()),
            partition=record.partition,
            offset=record.offset,
        )

    def text_headers(self) -> dict[str, str]:
        """Headers as text; undecodable bytes are replaced so a poison record stays readable."""
        return {name: raw.decode("utf-8", "replace") for name, raw in self.headers}
