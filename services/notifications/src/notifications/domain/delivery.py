"""A delivery: one message to one recipient on one channel, planned from one event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from notifications.domain.values import Channel, DeliveryStatus, Language, RecipientKind


@dataclass(frozen=True)
class Delivery:
    id: UUID
    source_event_id: str
    source_event_type: str
    worker_id: UUID | None
    organisation_id: UUID | None  # the worker's organisation: whose log it shows in
    recipient_kind: RecipientKind
    recipient_id: str
    channel: Channel
    template: str
    legally_required: bool
    language: Language
    context: dict[str, Any]
    status: DeliveryStatus
    due_at: datetime
    circuit_key: str
    created_at: datetime
    attempts: int = 0
    status_reason: str | None = None
    address_masked: str | None = None
    provider_reference: str | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    lease_token: UUID | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes a delivery unique: a redelivered event adds no second one."""
        return (self.source_event_id, self.recipient_kind.value, self.recipient_id,
                self.channel.value, self.template)  # fmt: skip


def circuit_key(channel: Channel, recipient_kind: RecipientKind, recipient_id: str) -> str:
    """The endpoint a delivery goes through: each partner's webhook endpoint on its own, the
    SMS provider and the mail server each as one."""
    if channel is Channel.WEBHOOK:
        return f"webhook:{recipient_id}"
    return channel.value
