"""Visa case events, on ``visa.case.v1``. Published by the visa service.

Records are keyed by the worker id (one worker's events stay in order across topics) and the
CloudEvents subject is the case id. Every payload names the case, the worker and the owning
organisation, so a consumer can route or authorise without a lookup.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from contracts.base import IntegrationEvent
from contracts.events.common import (
    CaseId,
    CurrencyCode,
    Money,
    OccurredAt,
    OperatorId,
    OrganisationId,
    PlacementId,
    ProcessingDays,
    ReasonCode,
    Season,
    ShortText,
    Text,
    WorkerId,
)
from contracts.topics import VISA_CASE_TOPIC

CosNumber = Annotated[
    str,
    Field(
        pattern=r"^[A-Z0-9-]{4,32}$",
        description="Certificate of Sponsorship reference (upper-case letters, digits, hyphens).",
    ),
]
# Optional fields added after the first release (compatible): old events lack them.
Attempt = Annotated[
    int,
    Field(
        ge=1,
        le=100,
        description="The application attempt within the case: 1 for the first, 2 and more once "
        "a refused case was reopened for a new application. Absent in events published before "
        "the field existed (read as 1).",
    ),
]


class VisaCaseOpened(IntegrationEvent):
    """A visa case was opened for an accepted placement. Published by the visa service."""

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    operator_id: OperatorId
    placement_id: PlacementId
    season: Season
    placement_start: date
    placement_end: date
    occurred_at: OccurredAt
    attempt: Attempt | None = Field(
        default=None,
        description="1 when the case is new; 2 and more when a refused case was reopened for a "
        "new application (the same case id is opened again).",
    )


class CertificateOfSponsorshipAssigned(IntegrationEvent):
    """The scheme operator assigned a Certificate of Sponsorship (CoS) to the case.

    Published by the visa service.
    """

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    operator_id: OperatorId
    cos_number: CosNumber
    issued_on: date
    expires_on: date = Field(description="The last day a visa application may use this CoS.")
    occurred_at: OccurredAt


class VisaApplicationSubmitted(IntegrationEvent):
    """The worker's visa application was submitted. Published by the visa service."""

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    submitted_on: date
    application_reference: ShortText = Field(examples=["GWF071234567"])
    occurred_at: OccurredAt
    attempt: Attempt | None = None
    application_fee: Money | None = Field(
        default=None, description="The visa application fee in force on the submission date."
    )
    fee_currency: CurrencyCode | None = Field(default=None, description="The fee's currency.")


class VisaBiometricsRecorded(IntegrationEvent):
    """The worker's biometrics were taken at a visa application centre.

    Published by the visa service.
    """

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    recorded_on: date
    occurred_at: OccurredAt


class VisaGranted(IntegrationEvent):
    """The visa was granted, valid from ``visa_start`` to ``visa_end`` inclusive.

    Published by the visa service.
    """

    topic: ClassVar[str] = VISA_CASE_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "3e2d1c0b-a987-4654-b321-0fedcba98765",
                    "worker_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "visa_start": "2025-04-01",
                    "visa_end": "2025-10-05",
                    "processing_days": 15,
                    "occurred_at": "2025-03-10T14:00:00Z",
                }
            ]
        }
    )

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    visa_start: date
    visa_end: date
    processing_days: ProcessingDays
    occurred_at: OccurredAt
    attempt: Attempt | None = None
    decided_on: date | None = Field(
        default=None, description="The date of the decision; processing_days ends on it."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.visa_end < self.visa_start:
            raise ValueError("visa_end is before visa_start")
        return self


class VisaRefused(IntegrationEvent):
    """The visa was refused; the case is closed or reopened afterwards.

    Published by the visa service.
    """

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    reason_code: ReasonCode = Field(examples=["insufficient_documents"])
    reason_text: Text
    processing_days: ProcessingDays
    occurred_at: OccurredAt
    attempt: Attempt | None = None
    decided_on: date | None = Field(
        default=None, description="The date of the decision; processing_days ends on it."
    )


class VisaExpiring(IntegrationEvent):
    """The visa ends in ``days_before`` days; sent 30, 14 and 3 days ahead.

    Published by the visa service.
    """

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    visa_end: date
    days_before: Literal[30, 14, 3]
    occurred_at: OccurredAt


class VisaCaseClosed(IntegrationEvent):
    """The visa case was closed; no further events follow for it. Published by the visa service."""

    topic: ClassVar[str] = VISA_CASE_TOPIC.name

    case_id: CaseId
    worker_id: WorkerId
    organisation_id: OrganisationId
    reason: Literal["withdrawn", "lapsed", "refused_final", "completed"]
    occurred_at: OccurredAt
