"""Bodies of the organisation, API-key and audit routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry.domain.organisation import OrganisationKind
from servicekit.http.text import NO_NUL

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
# As the organisation events carry it (contracts' Region).
Region = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Turkistan Labour Mobility Centre", "kind": "lmc", "region": "Turkistan"},
                {
                    "name": "Example Recruitment LLP",
                    "kind": "agency",
                    "licence_number": "KZ-PEA-0042",
                    "licence_valid_until": "2027-12-31",
                },
            ]
        },
    )

    name: Text
    kind: OrganisationKind
    region: Region | None = Field(default=None, description="Required for an LMC.")
    licence_number: Text | None = Field(default=None, description="Agencies and operators.")
    licence_valid_until: date | None = Field(default=None, description="Required for agencies.")


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    region: Region | None = None
    licence_number: Text | None = None
    licence_valid_until: date | None = None
    active: bool | None = Field(default=None, description="False deactivates the organisation.")


class OrganisationPublic(BaseModel):
    id: UUID
    name: str
    kind: OrganisationKind
    region: str | None
    licence_number: str | None
    licence_valid_until: date | None
    active: bool
    created_at: datetime


class ApiKeyCreated(BaseModel):
    key_id: UUID
    organisation_id: UUID
    role: str
    api_key: str = Field(
        description="The secret key. It is shown only in this response and never stored."
    )


class ApiKeyPublic(BaseModel):
    key_id: UUID
    role: str
    created_at: datetime
    revoked_at: datetime | None
