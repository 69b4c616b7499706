"""Domain events: what happened to an aggregate, before anyone outside is told.

They are mapped to contract events in one place (application/integration.py); each carries what
that mapping needs beyond the worker itself (whose id, organisation and profile it can read).
The ``Visa*Recorded`` events follow the visa service's own events and map to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from registry.domain.grievance import GrievanceCategory, GrievanceOutcome, RaisedBy, Severity
from registry.domain.journey import Stage, WithdrawalStage
from registry.domain.orientation import OrientationTopic
from registry.domain.overstay import OverstayReason
from registry.domain.placement import Placement, Sector
from registry.domain.profile import Language
from registry.domain.screening import ScreeningReason
from registry.domain.travel import ContractEndReason, FollowUp
from registry.domain.welfare import WelfareCheck


@dataclass(frozen=True)
class DomainEvent:
    worker_id: UUID
    occurred_at: datetime


@dataclass(frozen=True)
class WorkerRegistered(DomainEvent):
    pass


@dataclass(frozen=True)
class WorkerProfileUpdated(DomainEvent):
    profile_fields: tuple[str, ...]  # changed fields other services see (contract ProfileField)
    contact_changed: bool  # names, phone, e-mail or language: what notifications needs


@dataclass(frozen=True)
class WorkerScreened(DomainEvent):
    eligible: bool
    reasons: tuple[ScreeningReason, ...]
    season_start: date
    season_end: date


@dataclass(frozen=True)
class OrientationCompleted(DomainEvent):
    session_id: UUID
    session_date: date
    language: Language
    topics_covered: tuple[OrientationTopic, ...]  # sorted, for a stable payload


@dataclass(frozen=True)
class PlacementOffered(DomainEvent):
    placement: Placement  # a frozen snapshot of the terms offered


@dataclass(frozen=True)
class PlacementAccepted(DomainEvent):
    placement_id: UUID
    operator_id: UUID
    sector: Sector
    start_date: date
    end_date: date


@dataclass(frozen=True)
class PlacementDeclined(DomainEvent):
    placement_id: UUID
    operator_id: UUID
    reason: str


@dataclass(frozen=True)
class VisaApplicationRecorded(DomainEvent):
    case_id: UUID


@dataclass(frozen=True)
class VisaGrantRecorded(DomainEvent):
    case_id: UUID
    visa_start: date
    visa_end: date


@dataclass(frozen=True)
class VisaRefusalRecorded(DomainEvent):
    case_id: UUID
    reason_code: str


@dataclass(frozen=True)
class WorkerDeparted(DomainEvent):
    placement_id: UUID
    departure_date: date
    flight_number: str | None
    route: str | None


@dataclass(frozen=True)
class WorkerArrived(DomainEvent):
    placement_id: UUID
    arrival_date: date
    confirmed_by: UUID


@dataclass(frozen=True)
class WelfareCheckRecorded(DomainEvent):
    check: WelfareCheck


@dataclass(frozen=True)
class GrievanceRaised(DomainEvent):
    grievance_id: UUID
    category: GrievanceCategory
    severity: Severity
    raised_by: RaisedBy
    operator_id: UUID | None
    placement_id: UUID | None


@dataclass(frozen=True)
class GrievanceReferred(DomainEvent):
    grievance_id: UUID
    category: GrievanceCategory
    severity: Severity
    reference: str


@dataclass(frozen=True)
class GrievanceResolved(DomainEvent):
    grievance_id: UUID
    outcome: GrievanceOutcome


@dataclass(frozen=True)
class RecruitmentFeeReported(DomainEvent):
    amount: Decimal
    currency: str
    charged_by: UUID
    compliance_breach: bool


@dataclass(frozen=True)
class ContractEnded(DomainEvent):
    placement_id: UUID
    end_date: date
    reason: ContractEndReason


@dataclass(frozen=True)
class WorkerReturned(DomainEvent):
    return_date: date
    follow_up: FollowUp | None


@dataclass(frozen=True)
class OverstayRiskFlagged(DomainEvent):
    reason: OverstayReason
    visa_end: date | None
    contract_end: date | None
    season: int


@dataclass(frozen=True)
class WorkerWithdrawn(DomainEvent):
    stage: WithdrawalStage  # as the contract names it
    from_stage: Stage  # the stage the worker was actually at
    reason: str
