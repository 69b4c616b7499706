"""The one event with a worker's name and contact details, on ``registry.worker-contact.v1``.

That topic is marked as personal data and only the notifications service consumes it, so the
names, numbers and addresses reach no read model or analytics export.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.events.common import Language, OccurredAt, OrganisationId, ShortText, WorkerId
from contracts.topics import WORKER_CONTACT_TOPIC

PhoneNumber = Annotated[
    str, Field(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164, e.g. +77011234567.")
]
EmailAddress = Annotated[
    str,
    Field(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        max_length=254,
        json_schema_extra={"format": "email"},
    ),
]


class WorkerContactDetailsChanged(IntegrationEvent):
    """The worker's name, contacts or messaging consent were set or changed.

    Published by the registry at registration and on every change; carries the full current
    details, so the latest event per worker is all a consumer needs.
    """

    topic: ClassVar[str] = WORKER_CONTACT_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "worker_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "full_name": "Example Worker",
                    "phone": "+77011234567",
                    "email": None,
                    "preferred_language": "kk",
                    "sms_consent": True,
                    "email_consent": False,
                    "occurred_at": "2025-01-15T09:30:00Z",
                }
            ]
        }
    )

    worker_id: WorkerId
    organisation_id: OrganisationId
    full_name: ShortText
    phone: PhoneNumber | None = None
    email: EmailAddress | None = None
    preferred_language: Language
    sms_consent: bool = Field(description="The worker agreed to receive SMS messages.")
    email_consent: bool = Field(description="The worker agreed to receive e-mail messages.")
    occurred_at: OccurredAt
