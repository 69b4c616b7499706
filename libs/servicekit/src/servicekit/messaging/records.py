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
        return {storable(name): readable(raw) for name, raw in self.headers}

    def text_key(self) -> str | None:
        return readable(self.key) if self.key is not None else None


def readable(raw: bytes) -> str:
    """Bytes as text that PostgreSQL can store, whatever they were."""
    return storable(raw.decode("utf-8", "replace"))


def storable(text: str) -> str:
    """PostgreSQL's text and jsonb refuse NUL: it becomes U+FFFD, as undecodable bytes do."""
    return text.replace("\x00", "\ufffd")
