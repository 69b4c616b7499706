"""Events the registry service publishes.

This module holds the worker's journey up to departure (``registry.worker.v1``) and
re-exports the registry's other events, so ``contracts.events.registry`` names all of them.
No event here carries the IIN, names, contacts or the passport number: those travel only on
``registry.worker-contact.v1``, which notifications alone consumes.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.base import IntegrationEvent
from contracts.events.abroad import (
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OverstayRiskFlagged,
    RecruitmentFeeReported,
    ReturnFollowUp,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerDeparted,
    WorkerReturned,
)
from contracts.events.common import (
    Language,
    OccurredAt,
    OrganisationId,
    PreDepartureStage,
    Region,
    Sex,
    Text,
    WorkerId,
)
from contracts.events.contact import WorkerContactDetailsChanged
from contracts.events.organisation import (
    ApiKeyIssued,
    ApiKeyRevoked,
    OrganisationRegistered,
    OrganisationUpdated,
)
from contracts.events.placement import (
    Accommodation,
    PlacementAccepted,
    PlacementDeclined,
    PlacementOffered,
)
from contracts.topics import WORKER_TOPIC

__all__ = [
    "Accommodation",
    "ApiKeyIssued",
    "ApiKeyRevoked",
    "ContractEnded",
    "GrievanceRaised",
    "GrievanceReferred",
    "GrievanceResolved",
    "OrganisationRegistered",
    "OrganisationUpdated",
    "OrientationCompleted",
    "OverstayRiskFlagged",
    "PlacementAccepted",
    "PlacementDeclined",
    "PlacementOffered",
    "RecruitmentFeeReported",
    "ReturnFollowUp",
    "ScreeningReason",
    "WelfareCheckRecorded",
    "WorkerArrived",
    "WorkerContactDetailsChanged",
    "WorkerDeparted",
    "WorkerProfileUpdated",
    "WorkerRegistered",
    "WorkerReturned",
    "WorkerScreened",
    "WorkerWithdrawn",
]

ScreeningReasonCode = Literal[
    "under_age",
    "passport_expires_before_season_end",
    "active_placement",
    "uk_stay_limit_exceeded",
]
OrientationTopic = Literal[
    "health_and_safety", "living_conditions", "emergency_contacts", "financial_literacy"
]
ProfileField = Literal["region", "sex", "date_of_birth", "preferred_language", "passport_expiry"]

_WORKER_ID = "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41"
_ORG_ID = "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


class WorkerRegistered(IntegrationEvent):
    """An LMC or agency registered a candidate. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "worker_id": _WORKER_ID,
                    "organisation_id": _ORG_ID,
                    "region": "Turkistan",
                    "sex": "male",
                    "date_of_birth": "1998-04-12",
                    "preferred_language": "kk",
                    "passport_expiry": "2031-06-30",
                    "registered_at": "2025-01-15T09:30:00Z",
                }
            ]
        }
    )

    worker_id: WorkerId
    organisation_id: OrganisationId
    region: Region = Field(description="Kazakhstan region of residence, e.g. Turkistan.")
    sex: Sex
    date_of_birth: date
    preferred_language: Language = Field(description="Language for orientation and messages.")
    passport_expiry: date = Field(description="Expiry date only; the number is never published.")
    registered_at: OccurredAt


class WorkerProfileUpdated(IntegrationEvent):
    """The worker's non-contact profile changed; carries the whole current profile.

    Published by the registry. Contact changes are WorkerContactDetailsChanged instead.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    region: Region
    sex: Sex
    date_of_birth: date
    preferred_language: Language
    passport_expiry: date
    changed_fields: list[ProfileField] = Field(
        min_length=1, description="Which of the fields above changed in this update."
    )
    occurred_at: OccurredAt


class ScreeningReason(BaseModel):
    """One failed eligibility rule."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: ScreeningReasonCode
    text: Text = Field(description="Human-readable explanation (English).")


class WorkerScreened(IntegrationEvent):
    """Eligibility for a season was checked (age, passport, placements, UK stay limit).

    Published by the registry; ``reasons`` is empty when the worker is eligible.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "worker_id": _WORKER_ID,
                    "organisation_id": _ORG_ID,
                    "eligible": False,
                    "reasons": [
                        {
                            "code": "passport_expires_before_season_end",
                            "text": "Passport expires on 2025-08-01, before 2025-10-31.",
                        }
                    ],
                    "season_start": "2025-04-01",
                    "season_end": "2025-10-31",
                    "occurred_at": "2025-01-16T10:00:00Z",
                }
            ]
        }
    )

    worker_id: WorkerId
    organisation_id: OrganisationId
    eligible: bool
    reasons: list[ScreeningReason] = Field(default_factory=list)
    season_start: date
    season_end: date
    occurred_at: OccurredAt

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.season_end < self.season_start:
            raise ValueError("season_end is before season_start")
        if self.eligible == bool(self.reasons):
            raise ValueError("an eligible worker has no reasons; an ineligible one has some")
        return self


class OrientationCompleted(IntegrationEvent):
    """The worker completed Pre-Departure Orientation. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    session_id: UUID = Field(description="The orientation session attended.")
    session_date: date
    language: Language = Field(description="The language the session was given in.")
    topics_covered: list[OrientationTopic] = Field(min_length=1)
    occurred_at: OccurredAt


class WorkerAssigned(IntegrationEvent):
    """Another LMC or agency now looks after the worker too (licensed agencies work through
    the LMCs), and may see the worker's records in every service. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId = Field(
        description="The organisation that registered the worker."
    )
    assigned_organisation_id: OrganisationId = Field(description="The organisation assigned.")
    occurred_at: OccurredAt


class WorkerWithdrawn(IntegrationEvent):
    """The worker left the process before departure. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    stage: PreDepartureStage = Field(description="The journey stage reached when withdrawing.")
    reason: Text
    occurred_at: OccurredAt
