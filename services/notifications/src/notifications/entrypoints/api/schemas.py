"""Bodies of the notifications API (``XCreate`` in, ``XPublic`` out), with examples."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from servicekit.http.text import NO_NUL

LanguageCode = Literal["kk", "ru", "en"]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000, pattern=NO_NUL)
]

_ENDPOINT_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
_ORG_ID = "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
_WORKER_ID = "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41"


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"url": "https://partner.example.kz/hooks/sws", "language": "ru"},
                {"url": "https://operator.example.co.uk/webhooks", "organisation_id": _ORG_ID},
            ]
        },
    )

    url: Url = Field(description="Where webhooks are POSTed: an http:// or https:// URL.")
    language: LanguageCode = Field(
        default="en", description="The organisation's language, given in delivery outcomes."
    )
    organisation_id: UUID | None = Field(
        default=None, description="Admins only: the organisation the endpoint is for."
    )


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://partner.example.kz/hooks/v2"}, {"enabled": False}]
        },
    )

    url: Url | None = None
    language: LanguageCode | None = None
    enabled: bool | None = Field(default=None, description="False pauses webhooks (skipped).")


_ENDPOINT_EXAMPLE: dict[str, JsonValue] = {
    "id": _ENDPOINT_ID,
    "organisation_id": _ORG_ID,
    "url": "https://partner.example.kz/hooks/sws",
    "language": "ru",
    "enabled": True,
    "created_at": "2026-01-10T09:00:00Z",
    "updated_at": "2026-01-10T09:00:00Z",
    "previous_secret_expires_at": None,
}


class WebhookEndpointPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ENDPOINT_EXAMPLE]})

    id: UUID
    organisation_id: UUID
    url: str
    language: LanguageCode
    enabled: bool
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation, the old secret also signs until then."
    )


class WebhookEndpointCreated(WebhookEndpointPublic):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [_ENDPOINT_EXAMPLE | {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]
        }
    )

    secret: str = Field(
        description="The signing secret (whsec_…). Shown only in this response: store it now."
    )


class AttemptPublic(BaseModel):
    attempt: int
    at: datetime
    outcome: Literal["delivered", "transient_failure", "permanent_failure"]
    error: str | None
    duration_ms: int


_DELIVERY_EXAMPLE: dict[str, JsonValue] = {
    "id": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
    "status": "delivered",
    "status_reason": None,
    "recipient_kind": "worker",
    "recipient_id": _WORKER_ID,
    "worker_id": _WORKER_ID,
    "channel": "sms",
    "address": "+7701*****67",
    "template": "visa_granted",
    "language": "kk",
    "legally_required": False,
    "source_event_type": "sws.VisaGranted.v1",
    "source_event_id": "0f1e2d3c-4b5a-4968-8776-655443322110",
    "attempts": 1,
    "due_at": "2026-03-10T14:00:01Z",
    "created_at": "2026-03-10T14:00:01Z",
    "completed_at": "2026-03-10T14:00:02Z",
}


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_DELIVERY_EXAMPLE]})

    id: UUID
    status: Literal["pending", "delivered", "failed", "skipped", "cancelled"]
    status_reason: str | None = Field(
        description="Why it was skipped, is waiting, or failed (the last error)."
    )
    recipient_kind: Literal["worker", "organisation", "ministry", "glaa"]
    recipient_id: str
    worker_id: UUID | None = Field(description="The worker the message is about.")
    channel: Literal["sms", "email", "webhook"]
    address: str | None = Field(description="Where it went: masked number or address, or URL.")
    template: str
    language: LanguageCode
    legally_required: bool = Field(description="Sent even to a worker who opted out.")
    source_event_type: str
    source_event_id: str
    attempts: int
    due_at: datetime = Field(description="When it is (or was last) due to be sent.")
    created_at: datetime
    completed_at: datetime | None


class DeliveryDetail(DeliveryPublic):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                _DELIVERY_EXAMPLE
                | {
                    "attempt_log": [
                        {
                            "attempt": 1,
                            "at": "2026-03-10T14:00:02Z",
                            "outcome": "delivered",
                            "error": None,
                            "duration_ms": 182,
                        }
                    ]
                }
            ]
        }
    )

    attempt_log: list[AttemptPublic]


class PreferencesPublic(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sms_opt_out": False, "email_opt_out": True}]},
    )

    sms_opt_out: bool = Field(default=False, description="No SMS, except legally required notices.")
    email_opt_out: bool = Field(
        default=False, description="No e-mail, except legally required notices."
    )


class RoutePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event": "VisaExpiring",
                    "audience": "worker",
                    "channels": ["sms", "email"],
                    "template": "visa_expiring",
                    "legally_required": True,
                    "condition": None,
                    "reminder": None,
                    "cancels": [],
                }
            ]
        }
    )

    event: str
    audience: Literal["worker", "registering_organisation", "operator", "ministry", "glaa"]
    channels: list[Literal["sms", "email", "webhook"]]
    template: str
    legally_required: bool
    condition: str | None = Field(description="When the route applies, if not always.")
    reminder: str | None = Field(description="Sent ahead of a date instead of at once.")
    cancels: list[str] = Field(description="Reminders of the worker's this event withdraws.")
