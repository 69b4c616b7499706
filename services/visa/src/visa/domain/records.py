"""The steps of one application attempt, each a frozen value recorded on the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from visa.domain.status import ClosureReason


@dataclass(frozen=True)
class Sponsorship:
    cos_number: str
    issued_on: date
    expires_on: date  # the last day an application may use it


@dataclass(frozen=True)
class Application:
    submitted_on: date
    reference: str
    fee: Decimal  # the fee in force on submitted_on
    fee_currency: str


@dataclass(frozen=True)
class Decision:
    granted: bool
    decided_on: date
    processing_days: int  # submitted_on to decided_on, in calendar days
    visa_start: date | None = None
    visa_end: date | None = None
    refusal_code: str | None = None
    refusal_text: str | None = None


@dataclass(frozen=True)
class Attempt:
    """A finished (refused) application attempt, kept when the case is reopened."""

    number: int
    sponsorship: Sponsorship | None
    application: Application | None
    biometrics_on: date | None
    decision: Decision | None


@dataclass(frozen=True)
class Closure:
    reason: ClosureReason
    closed_at: datetime
