"""Request and response bodies of the case routes, named by role."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicekit.http.text import NO_NUL
from visa.domain.status import CaseStatus, ClosureReason

CosNumber = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{4,32}$")]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NO_NUL)
]
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

_CASE_ID = "3e2d1c0b-a987-4654-b321-0fedcba98765"
_WORKER_ID = "5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41"


class SponsorshipCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"cos_number": "COS-2026-000123", "issued_on": "2026-01-20"}]
        },
    )

    cos_number: CosNumber = Field(
        description="The Certificate of Sponsorship's number; each is used once, ever."
    )
    issued_on: date = Field(
        description="When the operator issued it; it may be used for 3 months (the rule in force"
        " on this date) and must still be valid today."
    )


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"submitted_on": "2026-02-02", "application_reference": "GWF071234567"}]
        },
    )

    submitted_on: date = Field(
        description="No earlier than 3 months before the placement starts, while the CoS is valid."
    )
    application_reference: ShortText = Field(description="The Home Office's reference (GWF...).")


class BiometricsCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"recorded_on": "2026-02-09"}]}
    )

    recorded_on: date = Field(description="The appointment at the visa application centre.")


class GrantCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "granted",
                    "decided_on": "2026-02-20",
                    "visa_start": "2026-04-06",
                    "visa_end": "2026-09-30",
                }
            ]
        },
    )

    outcome: Literal["granted"]
    decided_on: date = Field(description="The decision's date; processing time ends on it.")
    visa_start: date = Field(description="On or after the placement's start; the worker is 18+.")
    visa_end: date = Field(
        description="On or before the placement's end and the passport's expiry; at most 183 days"
        " in any 365 with the worker's earlier visas (the rule in force on the submission date)."
    )


class RefusalCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "refused",
                    "decided_on": "2026-02-20",
                    "reason_code": "insufficient_documents",
                    "reason_text": "The employment history could not be verified.",
                }
            ]
        },
    )

    outcome: Literal["refused"]
    decided_on: date
    reason_code: ReasonCode = Field(description="A stable snake_case code for statistics.")
    reason_text: LongText


DecisionCreate = Annotated[GrantCreate | RefusalCreate, Field(discriminator="outcome")]


class ReopenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "New application with corrected documents"}]},
    )

    reason: LongText | None = Field(default=None, description="Kept in the audit log.")


class SponsorshipPublic(BaseModel):
    cos_number: str
    issued_on: date
    expires_on: date = Field(description="The last day an application may use it.")


class ApplicationPublic(BaseModel):
    submitted_on: date
    application_reference: str
    application_fee: Decimal = Field(description="The fee in force on the submission date.")
    fee_currency: str


class DecisionPublic(BaseModel):
    outcome: Literal["granted", "refused"]
    decided_on: date
    processing_days: int = Field(description="Calendar days from submission to decision.")
    visa_start: date | None = None
    visa_end: date | None = None
    reason_code: str | None = None
    reason_text: str | None = None


class ClosurePublic(BaseModel):
    reason: ClosureReason
    closed_at: datetime


class AttemptPublic(BaseModel):
    """An earlier, refused application of a reopened case."""

    attempt: int
    sponsorship: SponsorshipPublic | None
    application: ApplicationPublic | None
    biometrics_on: date | None
    decision: DecisionPublic | None


class CasePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _CASE_ID,
                    "worker_id": _WORKER_ID,
                    "organisation_id": "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "operator_id": "6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60",
                    "placement_id": "0b7e1c52-9d3a-4e8f-b6a1-2c4d6e8f0a13",
                    "season": 2026,
                    "placement_start": "2026-04-06",
                    "placement_end": "2026-09-30",
                    "status": "granted",
                    "attempt": 1,
                    "opened_at": "2026-01-12T10:00:00Z",
                    "sponsorship": {
                        "cos_number": "COS-2026-000123",
                        "issued_on": "2026-01-20",
                        "expires_on": "2026-04-19",
                    },
                    "application": {
                        "submitted_on": "2026-02-02",
                        "application_reference": "GWF071234567",
                        "application_fee": "319.00",
                        "fee_currency": "GBP",
                    },
                    "biometrics_on": "2026-02-09",
                    "decision": {
                        "outcome": "granted",
                        "decided_on": "2026-02-20",
                        "processing_days": 18,
                        "visa_start": "2026-04-06",
                        "visa_end": "2026-09-30",
                    },
                    "closure": None,
                    "departed_on": None,
                    "returned_on": None,
                    "expiry_notices_sent": [],
                    "previous_attempts": [],
                    "allowed_actions": ["close"],
                }
            ]
        }
    )

    id: UUID
    worker_id: UUID
    organisation_id: UUID = Field(description="The LMC or agency that registered the worker.")
    operator_id: UUID = Field(description="The scheme operator of the placement: the sponsor.")
    placement_id: UUID
    season: int
    placement_start: date
    placement_end: date
    status: CaseStatus
    attempt: int = Field(description="1, or more once a refused case was reopened.")
    opened_at: datetime
    sponsorship: SponsorshipPublic | None
    application: ApplicationPublic | None
    biometrics_on: date | None
    decision: DecisionPublic | None
    closure: ClosurePublic | None
    departed_on: date | None
    returned_on: date | None
    expiry_notices_sent: list[int] = Field(description="Days-before thresholds announced.")
    previous_attempts: list[AttemptPublic]
    allowed_actions: list[str] = Field(
        description="What the case's status allows next (whoever may take each step)."
    )
