"""Events on ``registry.worker.v1`` from departure to return, and the compliance facts
(grievances, recruitment fees, overstay risk) reported along the way. Published by the registry.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.base import IntegrationEvent
from contracts.events.common import (
    CurrencyCode,
    GrievanceId,
    Money,
    OccurredAt,
    OperatorId,
    OrganisationId,
    PlacementId,
    Season,
    ShortText,
    WorkerId,
)
from contracts.topics import WORKER_TOPIC

GrievanceCategory = Literal[
    "wages", "housing", "safety", "harassment", "recruitment_fee", "document_retention", "other"
]
Severity = Literal["low", "medium", "high", "critical"]


class WorkerDeparted(IntegrationEvent):
    """The worker left Kazakhstan for the placement. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    departure_date: date
    flight_number: ShortText | None = Field(default=None, examples=["KC941"])
    route: ShortText | None = Field(default=None, examples=["NQZ-LHR"])
    occurred_at: OccurredAt


class WorkerArrived(IntegrationEvent):
    """The operator confirmed the worker's arrival; employment starts. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    arrival_date: date
    confirmed_by: OperatorId = Field(description="The operator organisation that confirmed it.")
    occurred_at: OccurredAt


class WelfareCheckRecorded(IntegrationEvent):
    """A welfare check-in with a worker in the UK was recorded. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    check_id: UUID
    check_date: date
    channel: Literal["in_person", "phone_call", "video_call", "messaging"]
    wellbeing_score: int = Field(ge=1, le=5, description="1 (very poor) to 5 (very good).")
    outcome: Literal["well", "needs_follow_up", "urgent"]
    concerns: bool = Field(description="True when the check raised a concern to act on.")
    recorded_by: UUID = Field(description="The organisation that carried out the check.")
    occurred_at: OccurredAt


class GrievanceRaised(IntegrationEvent):
    """A grievance was raised by or about the worker. Published by the registry.

    Carries no free text: the account stays in the registry, where access is controlled.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "worker_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "grievance_id": "9c8b7a65-4321-4fed-8cba-0987654321fe",
                    "category": "document_retention",
                    "severity": "high",
                    "raised_by": "worker",
                    "operator_id": "6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60",
                    "placement_id": None,
                    "occurred_at": "2025-06-02T08:15:00Z",
                }
            ]
        }
    )

    worker_id: WorkerId
    organisation_id: OrganisationId
    grievance_id: GrievanceId
    category: GrievanceCategory
    severity: Severity
    raised_by: Literal["worker", "organisation"]
    operator_id: OperatorId | None = Field(default=None, description="The operator concerned.")
    placement_id: PlacementId | None = None
    occurred_at: OccurredAt


class GrievanceReferred(IntegrationEvent):
    """A grievance was referred to the GLAA. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    grievance_id: GrievanceId
    category: GrievanceCategory
    severity: Severity
    referred_to: Literal["GLAA"] = "GLAA"
    reference: ShortText = Field(description="The referral's reference, for the GLAA's records.")
    occurred_at: OccurredAt


class GrievanceResolved(IntegrationEvent):
    """A grievance was closed with an outcome. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    grievance_id: GrievanceId
    outcome: Literal["upheld_remedied", "upheld_not_remedied", "not_upheld", "withdrawn"]
    occurred_at: OccurredAt


class RecruitmentFeeReported(IntegrationEvent):
    """A fee charged to the worker was reported, at any stage. Published by the registry.

    Fair recruitment forbids recruitment fees, so the ministry and the GLAA must see each one.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    amount: Money
    currency: CurrencyCode
    charged_by: UUID = Field(description="The organisation that charged the fee.")
    compliance_breach: bool = Field(
        description="True when the fee breaches the no-fee rule (a compliance flag)."
    )
    occurred_at: OccurredAt


class ContractEnded(IntegrationEvent):
    """The worker's employment under the placement ended. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    end_date: date
    reason: Literal["completed", "terminated_by_operator", "terminated_by_worker", "other"]
    occurred_at: OccurredAt


class ReturnFollowUp(BaseModel):
    """What the worker reported after return, for the ministry's evaluation."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    wishes_to_return: bool = Field(description="Wants to take part in another season.")
    earnings: Money | None = Field(default=None, description="Total gross earnings in GBP.")
    remittances: Money | None = Field(default=None, description="Total sent home, in GBP.")


class WorkerReturned(IntegrationEvent):
    """The worker came back to Kazakhstan. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    return_date: date
    follow_up: ReturnFollowUp | None = None
    occurred_at: OccurredAt


class OverstayRiskFlagged(IntegrationEvent):
    """The worker is still abroad after the visa end or the contract end without a return.

    Published by the registry.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    reason: Literal["visa_expired", "contract_ended_no_return"]
    visa_end: date | None = None
    contract_end: date | None = None
    season: Season
    occurred_at: OccurredAt

    @model_validator(mode="after")
    def _date_for_reason(self) -> Self:
        if self.reason == "visa_expired" and self.visa_end is None:
            raise ValueError("visa_expired needs visa_end")
        if self.reason == "contract_ended_no_return" and self.contract_end is None:
            raise ValueError("contract_ended_no_return needs contract_end")
        return self


__all__ = [
    "ContractEnded",
    "GrievanceRaised",
    "GrievanceReferred",
    "GrievanceResolved",
    "OverstayRiskFlagged",
    "RecruitmentFeeReported",
    "ReturnFollowUp",
    "WelfareCheckRecorded",
    "WorkerArrived",
    "WorkerDeparted",
    "WorkerReturned",
]
