"""Bodies of the journey routes: what each step takes (``XCreate``) and the journey as read
(``XPublic``). Field names are the domain's, so a rule broken names the field sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry.domain.fees import FeeReport
from registry.domain.grievance import (
    Grievance,
    GrievanceCategory,
    GrievanceOutcome,
    RaisedBy,
    Severity,
)
from registry.domain.journey import Stage, allowed_actions
from registry.domain.orientation import OrientationRecord, OrientationTopic
from registry.domain.placement import Placement, PlacementStatus, Sector
from registry.domain.profile import Language
from registry.domain.screening import Screening, ScreeningReasonCode
from registry.domain.travel import ContractEndReason, Trip
from registry.domain.visa import VisaCase, VisaStatus
from registry.domain.welfare import WelfareChannel, WelfareCheck, WelfareOutcome
from registry.domain.worker import Worker
from servicekit.http.text import NO_NUL

ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NO_NUL)
]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2, description='A decimal string, e.g. "60.00".'),
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


# -- requests -----------------------------------------------------------------------------------


class ScreeningCreate(BaseModel):
    model_config = _examples({"season_start": "2027-04-01", "season_end": "2027-09-30"})

    season_start: date = Field(description="First day of the planned season; names the season.")
    season_end: date


class OrientationCompletionCreate(BaseModel):
    model_config = _examples(
        {"session_id": "0b9c6a52-8a0e-4f33-9e0b-2f4d7c1a5e10", "attended_on": "2027-02-01"}
    )

    session_id: UUID = Field(description="An LMC's session (see /v1/orientation-sessions).")
    attended_on: date = Field(description="The session's date: the day the worker attended.")


class AccommodationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provided: bool
    weekly_cost: Money | None = Field(
        default=None, description="GBP a week deducted from wages; null when free."
    )
    description: LongText | None = None


class PlacementCreate(BaseModel):
    model_config = _examples(
        {
            "operator_id": "6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60",
            "farm_name": "Hillside Berries",
            "sector": "horticulture",
            "uk_region": "West Midlands",
            "start_date": "2027-04-07",
            "end_date": "2027-09-20",
            "hourly_wage": "12.21",
            "hours_per_week": "39.0",
            "accommodation": {
                "provided": True,
                "weekly_cost": "60.00",
                "description": "Shared caravan",
            },
        }
    )

    operator_id: UUID = Field(description="The UK scheme operator offering the work.")
    farm_name: ShortText
    sector: Sector
    uk_region: ShortText
    start_date: date
    end_date: date = Field(description="At most 183 days after the start, both included.")
    hourly_wage: Decimal = Field(gt=0, description="GBP, gross, as a decimal string.")
    hours_per_week: Decimal = Field(gt=0, le=84, description="At most one decimal.")
    accommodation: AccommodationIn


class DeclineCreate(BaseModel):
    model_config = _examples({"reason": "The farm is too far from the family's region."})

    reason: LongText


class WithdrawalCreate(BaseModel):
    model_config = _examples({"reason": "Found work at home."})

    reason: LongText


class DepartureCreate(BaseModel):
    model_config = _examples(
        {"departure_date": "2027-04-05", "flight_number": "KC941", "route": "NQZ-LHR"}
    )

    departure_date: date = Field(description="Within the granted visa's validity.")
    flight_number: ShortText | None = None
    route: ShortText | None = None


class ArrivalCreate(BaseModel):
    model_config = _examples({"arrival_date": "2027-04-06"})

    arrival_date: date


class ContractEndCreate(BaseModel):
    model_config = _examples({"end_date": "2027-09-19", "reason": "completed"})

    end_date: date
    reason: ContractEndReason


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wishes_to_return: bool
    earnings: Money | None = Field(default=None, description="GBP earned in the season.")
    remittances: Money | None = Field(default=None, description="GBP sent home.")


class ReturnCreate(BaseModel):
    model_config = _examples(
        {
            "return_date": "2027-09-20",
            "follow_up": {
                "wishes_to_return": True,
                "earnings": "5200.00",
                "remittances": "3100.00",
            },
        }
    )

    return_date: date
    follow_up: FollowUpIn | None = None


class WelfareCheckCreate(BaseModel):
    model_config = _examples(
        {
            "check_date": "2027-05-01",
            "channel": "phone_call",
            "wellbeing_score": 4,
            "outcome": "well",
            "concerns": False,
        }
    )

    check_date: date
    channel: WelfareChannel
    wellbeing_score: int = Field(ge=1, le=5, description="1 (very poor) to 5 (very good).")
    outcome: WelfareOutcome
    concerns: bool


class GrievanceCreate(BaseModel):
    model_config = _examples(
        {
            "category": "housing",
            "severity": "high",
            "raised_by": "worker",
            "description": "The caravan has had no heating for two weeks.",
            "placement_id": "1f7e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b",
        }
    )

    category: GrievanceCategory
    severity: Severity = Field(description="High and critical ones should go to the GLAA.")
    raised_by: RaisedBy = Field(description="The worker, or an organisation on its own account.")
    description: LongText = Field(description="Kept in the registry; published events omit it.")
    placement_id: UUID | None = Field(default=None, description="The placement at issue, if any.")


class ReferralCreate(BaseModel):
    model_config = _examples({"reference": "GLAA-2027-00123"})

    reference: ShortText = Field(description="The GLAA's reference for the case.")


class ResolutionCreate(BaseModel):
    model_config = _examples({"outcome": "upheld_remedied"})

    outcome: GrievanceOutcome


class FeeReportCreate(BaseModel):
    model_config = _examples(
        {
            "amount": "150000.00",
            "currency": "KZT",
            "charged_by": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        }
    )

    amount: Money = Field(description="Any amount above 0 is a fair-recruitment breach.")
    currency: Currency = Field(description="ISO 4217, e.g. KZT or GBP.")
    charged_by: UUID = Field(description="The registered organisation that charged it.")


class AssignmentCreate(BaseModel):
    model_config = _examples({"organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"})

    organisation_id: UUID = Field(description="An active LMC, or an agency with a valid licence.")


# -- responses ----------------------------------------------------------------------------------


class ScreeningReasonPublic(BaseModel):
    code: ScreeningReasonCode
    text: str


class ScreeningPublic(BaseModel):
    season_start: date
    season_end: date
    eligible: bool
    reasons: list[ScreeningReasonPublic]
    screened_at: datetime


class ScreeningResult(ScreeningPublic):
    """A screening, and where it left the worker (an ineligible one leaves the stage)."""

    worker_id: UUID
    stage: Stage
    allowed_actions: list[str]


class OrientationPublic(BaseModel):
    session_id: UUID
    season: int
    session_date: date
    language: Language
    trainer_name: str
    topics_covered: list[OrientationTopic]
    attended_on: date
    completed_at: datetime


class AccommodationPublic(BaseModel):
    provided: bool
    weekly_cost: Decimal | None
    description: str | None


class PlacementPublic(BaseModel):
    id: UUID
    operator_id: UUID
    farm_name: str
    sector: Sector
    uk_region: str
    start_date: date
    end_date: date
    hourly_wage: Decimal
    hours_per_week: Decimal
    accommodation: AccommodationPublic
    status: PlacementStatus
    offered_at: datetime | None
    answered_at: datetime | None
    decline_reason: str | None


class VisaCasePublic(BaseModel):
    case_id: UUID
    season: int
    status: VisaStatus
    opened_at: datetime
    visa_start: date | None
    visa_end: date | None
    refusal_reason: str | None
    decided_at: datetime | None


class FollowUpPublic(BaseModel):
    wishes_to_return: bool
    earnings: Decimal | None
    remittances: Decimal | None


class TripPublic(BaseModel):
    season: int
    placement_id: UUID
    departure_date: date
    flight_number: str | None
    route: str | None
    arrival_date: date | None
    confirmed_by: UUID | None
    contract_end: date | None
    contract_end_reason: ContractEndReason | None
    return_date: date | None
    follow_up: FollowUpPublic | None


class WelfareCheckPublic(BaseModel):
    id: UUID
    check_date: date
    channel: WelfareChannel
    wellbeing_score: int
    outcome: WelfareOutcome
    concerns: bool
    recorded_by: UUID


class GrievancePublic(BaseModel):
    id: UUID
    category: GrievanceCategory
    severity: Severity
    raised_by: RaisedBy
    description: str
    raised_at: datetime
    operator_id: UUID | None
    placement_id: UUID | None
    status: str
    needs_referral: bool = Field(description="Open and high or critical: refer it to the GLAA.")
    referral_reference: str | None
    referred_at: datetime | None
    outcome: GrievanceOutcome | None
    resolved_at: datetime | None


class FeeReportPublic(BaseModel):
    amount: Decimal
    currency: str
    charged_by: UUID
    reported_at: datetime
    compliance_breach: bool


class WithdrawalPublic(BaseModel):
    season: int | None
    from_stage: Stage
    reason: str
    withdrawn_at: datetime


class JourneyPublic(BaseModel):
    """Where the worker's journey stands and everything recorded on it (no identity documents).
    An operator reads its own placements and what it recorded, nothing else of compliance."""

    worker_id: UUID
    organisation_id: UUID
    stage: Stage
    season: int | None
    allowed_actions: list[str] = Field(
        description="The steps the stage allows next (the visa steps come from the visa service)."
    )
    screenings: list[ScreeningPublic]
    orientations: list[OrientationPublic]
    placements: list[PlacementPublic]
    visa_cases: list[VisaCasePublic]
    trips: list[TripPublic]
    welfare_checks: list[WelfareCheckPublic]
    grievances: list[GrievancePublic]
    fees: list[FeeReportPublic]
    withdrawals: list[WithdrawalPublic]


class AssignmentPublic(BaseModel):
    worker_id: UUID
    organisation_id: UUID
    relation: str = Field(description="registered or assigned: why it looks after the worker.")


# -- from the domain ------------------------------------------------------------------------------


def _allowed(stage: Stage) -> list[str]:
    return [action.value for action in allowed_actions(stage)]


def screening_public(screening: Screening) -> ScreeningPublic:
    return ScreeningPublic(
        season_start=screening.season_start,
        season_end=screening.season_end,
        eligible=screening.eligible,
        reasons=[ScreeningReasonPublic(code=r.code, text=r.text) for r in screening.reasons],
        screened_at=screening.screened_at,
    )


def screening_result(worker: Worker, screening: Screening) -> ScreeningResult:
    return ScreeningResult(
        **screening_public(screening).model_dump(),
        worker_id=worker.id,
        stage=worker.stage,
        allowed_actions=_allowed(worker.stage),
    )


def orientation_public(record: OrientationRecord) -> OrientationPublic:
    return OrientationPublic(**(vars(record) | {"topics_covered": sorted(record.topics_covered)}))


def placement_public(placement: Placement) -> PlacementPublic:
    housing = AccommodationPublic(**vars(placement.accommodation))
    return PlacementPublic(**(vars(placement) | {"accommodation": housing}))


def trip_public(trip: Trip) -> TripPublic:
    follow_up = FollowUpPublic(**vars(trip.follow_up)) if trip.follow_up else None
    return TripPublic(**(vars(trip) | {"follow_up": follow_up}))


def visa_case_public(case: VisaCase) -> VisaCasePublic:
    return VisaCasePublic(**vars(case))


def welfare_check_public(check: WelfareCheck) -> WelfareCheckPublic:
    return WelfareCheckPublic(**vars(check))


def grievance_public(grievance: Grievance) -> GrievancePublic:
    return GrievancePublic(
        **(vars(grievance) | {"status": grievance.status.value,
                               "needs_referral": grievance.needs_referral})
    )  # fmt: skip


def fee_public(report: FeeReport) -> FeeReportPublic:
    return FeeReportPublic(**vars(report), compliance_breach=report.compliance_breach)


def journey_public(worker: Worker) -> JourneyPublic:
    return JourneyPublic(
        worker_id=worker.id,
        organisation_id=worker.organisation_id,
        stage=worker.stage,
        season=worker.season,
        allowed_actions=_allowed(worker.stage),
        screenings=[screening_public(s) for s in worker.screenings],
        orientations=[orientation_public(o) for o in worker.orientations],
        placements=[placement_public(p) for p in worker.placements],
        visa_cases=[visa_case_public(c) for c in worker.visa_cases],
        trips=[trip_public(t) for t in worker.trips],
        welfare_checks=[welfare_check_public(c) for c in worker.welfare_checks],
        grievances=[grievance_public(g) for g in worker.grievances],
        fees=[fee_public(f) for f in worker.fees],
        withdrawals=[WithdrawalPublic(**vars(w)) for w in worker.withdrawals],
    )
