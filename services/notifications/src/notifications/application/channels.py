"""The one interface every channel implements (SMS, e-mail, webhook), and what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from notifications.domain.outcomes import SendResult
from notifications.domain.values import Channel, Language


@dataclass(frozen=True)
class Message:
    delivery_id: UUID  # also the provider-side idempotency key (webhook-id, SMS reference)
    address: str  # a phone number, an e-mail address or a webhook URL
    text: str  # the SMS text, the e-mail body, or the webhook's JSON body
    language: Language
    subject: str | None = None  # e-mail only
    signing_secrets: tuple[str, ...] = ()  # webhook only


class MessageChannel(Protocol):
    channel: Channel

    async def send(self, message: Message) -> SendResult:
        """Hand the message to the provider. Never raises for a failed send: the failure is
        the result (transient: try again later; permanent: give up)."""
        ...

    async def close(self) -> None: ...
