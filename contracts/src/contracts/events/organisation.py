"""Organisations and their API keys, on ``registry.organisation.v1``. Published by the registry.

Other services authenticate partners with the same keys, so key events carry the hash of the
secret (never the secret) and the role the key is bound to.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.events.common import (
    OccurredAt,
    OrganisationKind,
    Region,
    Sha256Hex,
    ShortText,
)
from contracts.topics import ORGANISATION_TOPIC

OrganisationKey = Annotated[
    UUID, Field(description="The organisation; also the record key and the subject.")
]


class OrganisationRegistered(IntegrationEvent):
    """An LMC, agency, scheme operator, the ministry or an administrator was registered.

    Published by the registry.
    """

    topic: ClassVar[str] = ORGANISATION_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "name": "Turkistan Labour Mobility Centre",
                    "kind": "lmc",
                    "region": "Turkistan",
                    "licence_number": None,
                    "licence_valid_until": None,
                    "occurred_at": "2024-12-01T08:00:00Z",
                }
            ]
        }
    )

    organisation_id: OrganisationKey
    name: ShortText
    kind: OrganisationKind
    region: Region | None = Field(default=None, description="Region served, where it has one.")
    licence_number: ShortText | None = Field(
        default=None, description="Agency or operator licence number."
    )
    licence_valid_until: date | None = None
    occurred_at: OccurredAt


class OrganisationUpdated(IntegrationEvent):
    """An organisation's details changed; carries all current details. Published by the registry."""

    topic: ClassVar[str] = ORGANISATION_TOPIC.name

    organisation_id: OrganisationKey
    name: ShortText
    kind: OrganisationKind
    region: Region | None = None
    licence_number: ShortText | None = None
    licence_valid_until: date | None = None
    active: bool = Field(
        default=True, description="False once the organisation is deactivated (keys stop working)."
    )
    occurred_at: OccurredAt


class ApiKeyIssued(IntegrationEvent):
    """An API key was issued to an organisation, bound to one role. Published by the registry."""

    topic: ClassVar[str] = ORGANISATION_TOPIC.name

    key_id: UUID = Field(description="Public identifier of the key (not secret).")
    organisation_id: OrganisationKey
    role: OrganisationKind
    key_hash: Sha256Hex
    occurred_at: OccurredAt


class ApiKeyRevoked(IntegrationEvent):
    """An API key was revoked; it must be refused from now on. Published by the registry."""

    topic: ClassVar[str] = ORGANISATION_TOPIC.name

    key_id: UUID
    organisation_id: OrganisationKey
    occurred_at: OccurredAt
