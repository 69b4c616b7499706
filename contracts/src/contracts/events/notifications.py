"""Delivery outcomes, on ``notifications.delivery.v1``. Published by the notifications service.

No phone number or e-mail address is published: the recipient is named by id and kind only.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.events.common import Language, ShortText, Text
from contracts.topics import NOTIFICATION_TOPIC

RecipientKind = Literal["worker", "organisation", "ministry", "glaa"]
Channel = Literal["sms", "email", "webhook"]
RecipientId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="The worker's or organisation's UUID; 'glaa' for the GLAA. The record key.",
    ),
]
SourceEventType = Annotated[
    str,
    Field(
        pattern=r"^sws\.[A-Za-z]+\.v[0-9]+$",
        description="The CloudEvents type of the event that caused the message.",
        examples=["sws.VisaGranted.v1"],
    ),
]
Attempts = Annotated[int, Field(ge=1, description="Delivery attempts made, this one included.")]


class NotificationDelivered(IntegrationEvent):
    """A message reached its channel's provider (SMS gateway, mail server or webhook).

    Published by the notifications service.
    """

    topic: ClassVar[str] = NOTIFICATION_TOPIC.name

    delivery_id: UUID = Field(description="The delivery; the CloudEvents subject.")
    recipient_kind: RecipientKind
    recipient_id: RecipientId
    worker_id: UUID | None = Field(default=None, description="The worker the message is about.")
    channel: Channel
    source_event_type: SourceEventType
    source_event_id: ShortText = Field(description="The CloudEvents id of the causing event.")
    template: ShortText = Field(examples=["visa_granted"])
    language: Language
    attempts: Attempts
    delivered_at: AwareDatetime


class NotificationFailed(IntegrationEvent):
    """A message could not be delivered and will not be retried (retries exhausted or refused).

    Published by the notifications service.
    """

    topic: ClassVar[str] = NOTIFICATION_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "delivery_id": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
                    "recipient_kind": "worker",
                    "recipient_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "worker_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "channel": "sms",
                    "source_event_type": "sws.VisaExpiring.v1",
                    "source_event_id": "0f1e2d3c-4b5a-4968-8776-655443322110",
                    "template": "visa_expiring",
                    "language": "ru",
                    "attempts": 5,
                    "failed_at": "2025-09-05T10:00:00Z",
                    "error": "gateway rejected the number",
                }
            ]
        }
    )

    delivery_id: UUID = Field(description="The delivery; the CloudEvents subject.")
    recipient_kind: RecipientKind
    recipient_id: RecipientId
    worker_id: UUID | None = Field(default=None, description="The worker the message is about.")
    channel: Channel
    source_event_type: SourceEventType
    source_event_id: ShortText = Field(description="The CloudEvents id of the causing event.")
    template: ShortText
    language: Language
    attempts: Attempts
    failed_at: AwareDatetime
    error: Text = Field(description="Why it failed; never contains the address or number.")
