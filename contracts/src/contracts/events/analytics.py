"""The analytics stream, on ``reporting.journey-snapshot.v1``. Published by the reporting service.

One record per worker and change: the worker's whole journey history as it stands, named by a
pseudonymous id (a keyed hash of the worker id that only the reporting service can compute).
It carries no IIN, name, contact, date of birth or passport detail: region, sex and an age band
describe the person, organisations are named by their ids. The topic is compacted, so its
latest record per key is the current state of that worker's journeys.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.events.common import Language, OccurredAt, Region, Season, Sector, Sex
from contracts.topics import JOURNEY_SNAPSHOT_TOPIC

PseudonymousId = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{32}$",
        description=(
            "Keyed hash of the worker id (HMAC-SHA-256, first 128 bits, hex); stable for the "
            "worker, not reversible without the reporting service's key. Record key and subject."
        ),
    ),
]
AgeBand = Literal["under_18", "18_24", "25_34", "35_44", "45_54", "55_plus", "unknown"]
JourneyStage = Literal[
    "registered",
    "screened",
    "oriented",
    "offered",
    "matched",
    "visa_applied",
    "visa_granted",
    "visa_refused",
    "departed",
    "arrived",
    "contract_ended",
    "returned",
    "withdrawn",
]
VisaStatus = Literal[
    "none",
    "open",
    "sponsored",
    "submitted",
    "biometrics_recorded",
    "granted",
    "refused",
    "closed",
]
Count = Annotated[int, Field(ge=0)]

_EXAMPLE_ORG = "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
_EXAMPLE_OPERATOR = "6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60"


class SeasonJourney(BaseModel):
    """One season of the worker's journey (a journey starts at registration or at a screening
    for a new season); dates are those of the stages reached, null when not reached."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    journey_number: int = Field(ge=1, description="1 for the first season, then 2, 3, ...")
    season: Season | None = Field(description="Null until screened eligible for a season.")
    stage: JourneyStage = Field(description="The stage now (visa stages from the visa case).")
    age_band: AgeBand = Field(description="Age at the season start (or at the journey start).")
    organisation_id: UUID = Field(description="The registering LMC or agency.")
    operator_id: UUID | None = Field(description="The scheme operator of the accepted placement.")
    sector: Sector | None
    uk_region: str | None = Field(description="UK region of the accepted placement's farm.")
    started_on: date
    screened_on: date | None
    ineligible_screenings: Count
    oriented_on: date | None
    orientation_language: Language | None
    offered_on: date | None
    matched_on: date | None
    placement_start: date | None
    placement_end: date | None
    visa_status: VisaStatus = Field(description="Of the season's current visa case.")
    visa_submitted_on: date | None
    visa_decided_on: date | None
    visa_processing_days: Count | None
    visa_refusals: Count
    departed_on: date | None
    arrived_on: date | None
    contract_ended_on: date | None
    returned_on: date | None
    returned_on_time: bool | None = Field(
        description="Returned on or before the contract end + 14 days; null until returned."
    )
    withdrawn_on: date | None
    withdrawn_at_stage: str | None
    overstay_risk: bool = Field(description="An overstay risk was flagged this season.")
    welfare_checks: Count
    welfare_concerns: Count
    grievances: Count
    grievances_open: Count
    grievances_referred: Count
    fee_reports: Count
    fee_breaches: Count = Field(description="Fees reported as breaching the no-fee rule.")
    wishes_to_return: bool | None


class JourneySnapshotUpdated(IntegrationEvent):
    """A worker's journey snapshot changed; carries every season, without personal data.

    Published by the reporting service, through its outbox, whenever a projection change alters
    the snapshot. The latest record per key (the pseudonymous id) is the current state.
    """

    topic: ClassVar[str] = JOURNEY_SNAPSHOT_TOPIC.name
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pseudonymous_worker_id": "3f9c2b6d8e1a4f7c9b0d2e4f6a8c1e3b",
                    "region": "Turkistan",
                    "sex": "female",
                    "preferred_language": "kk",
                    "organisation_id": _EXAMPLE_ORG,
                    "registered_on": "2025-01-15",
                    "current_season": 2025,
                    "current_stage": "returned",
                    "journeys": [
                        {
                            "journey_number": 1,
                            "season": 2025,
                            "stage": "returned",
                            "age_band": "25_34",
                            "organisation_id": _EXAMPLE_ORG,
                            "operator_id": _EXAMPLE_OPERATOR,
                            "sector": "horticulture",
                            "uk_region": "West Midlands",
                            "started_on": "2025-01-15",
                            "screened_on": "2025-01-20",
                            "ineligible_screenings": 0,
                            "oriented_on": "2025-02-01",
                            "orientation_language": "kk",
                            "offered_on": "2025-02-03",
                            "matched_on": "2025-02-04",
                            "placement_start": "2025-04-07",
                            "placement_end": "2025-09-30",
                            "visa_status": "granted",
                            "visa_submitted_on": "2025-02-10",
                            "visa_decided_on": "2025-02-25",
                            "visa_processing_days": 15,
                            "visa_refusals": 0,
                            "departed_on": "2025-04-05",
                            "arrived_on": "2025-04-06",
                            "contract_ended_on": "2025-09-30",
                            "returned_on": "2025-10-03",
                            "returned_on_time": True,
                            "withdrawn_on": None,
                            "withdrawn_at_stage": None,
                            "overstay_risk": False,
                            "welfare_checks": 2,
                            "welfare_concerns": 0,
                            "grievances": 1,
                            "grievances_open": 0,
                            "grievances_referred": 0,
                            "fee_reports": 0,
                            "fee_breaches": 0,
                            "wishes_to_return": True,
                        }
                    ],
                    "occurred_at": "2025-10-03T12:00:00Z",
                }
            ]
        }
    )

    pseudonymous_worker_id: PseudonymousId
    region: Region | None = Field(description="Kazakhstan region of residence.")
    sex: Sex | None
    preferred_language: Language | None
    organisation_id: UUID | None = Field(description="The registering LMC or agency.")
    registered_on: date | None
    current_season: Season | None
    current_stage: JourneyStage
    journeys: list[SeasonJourney] = Field(
        min_length=1, description="Every season, oldest first; the last one is current."
    )
    occurred_at: OccurredAt = Field(description="When the latest fact in the snapshot happened.")


__all__ = ["AgeBand", "JourneySnapshotUpdated", "JourneyStage", "SeasonJourney", "VisaStatus"]
