"""Placement events on ``registry.worker.v1``: an operator's offer and the worker's answer."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.base import IntegrationEvent
from contracts.events.common import (
    Hours,
    Money,
    OccurredAt,
    OperatorId,
    OrganisationId,
    PlacementId,
    Sector,
    ShortText,
    Text,
    WorkerId,
)
from contracts.topics import WORKER_TOPIC


class Accommodation(BaseModel):
    """Where the worker will live; the cost is deducted from wages, so it is a compliance fact."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    provided: bool = Field(description="True when the operator or farm provides housing.")
    weekly_cost: Money | None = Field(
        default=None, description="Weekly charge to the worker in GBP; null when free."
    )
    description: Text | None = Field(default=None, examples=["Shared static caravan on site"])


class PlacementOffered(IntegrationEvent):
    """A UK scheme operator offered the worker a placement on a farm. Published by the registry.

    Season length (at most six months) is the registry's rule; the contract only requires
    ``end_date`` after ``start_date``.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "worker_id": "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41",
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "placement_id": "0b7e1c52-9d3a-4e8f-b6a1-2c4d6e8f0a13",
                    "operator_id": "6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60",
                    "farm_name": "Hillside Berries",
                    "sector": "horticulture",
                    "uk_region": "West Midlands",
                    "start_date": "2025-04-07",
                    "end_date": "2025-09-30",
                    "hourly_wage": "12.21",
                    "wage_currency": "GBP",
                    "hours_per_week": "39.0",
                    "accommodation": {"provided": True, "weekly_cost": "60.00"},
                    "occurred_at": "2025-02-03T12:00:00Z",
                }
            ]
        }
    )

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    operator_id: OperatorId
    farm_name: ShortText
    sector: Sector
    uk_region: ShortText = Field(description="UK region of the farm, e.g. West Midlands.")
    start_date: date
    end_date: date
    hourly_wage: Money = Field(description="Gross hourly wage, in wage_currency.")
    wage_currency: Literal["GBP"] = "GBP"
    hours_per_week: Hours = Field(description="Guaranteed hours per week, e.g. 39.0.")
    accommodation: Accommodation
    occurred_at: OccurredAt

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        return self


class PlacementAccepted(IntegrationEvent):
    """The worker accepted a placement offer. Published by the registry.

    Repeats the operator, sector and dates so the visa service can open a case from it alone.
    """

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    operator_id: OperatorId
    sector: Sector
    start_date: date
    end_date: date
    occurred_at: OccurredAt


class PlacementDeclined(IntegrationEvent):
    """The worker declined a placement offer. Published by the registry."""

    topic: ClassVar[str] = WORKER_TOPIC.name

    worker_id: WorkerId
    organisation_id: OrganisationId
    placement_id: PlacementId
    operator_id: OperatorId
    reason: Text
    occurred_at: OccurredAt
