"""What happened to a case; application/integration.py turns each into its contract event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from visa.domain.status import ClosureReason


@dataclass(frozen=True)
class CaseEvent:
    case_id: UUID
    occurred_at: datetime


@dataclass(frozen=True)
class CaseOpened(CaseEvent):
    attempt: int


@dataclass(frozen=True)
class SponsorshipAssigned(CaseEvent):
    pass


@dataclass(frozen=True)
class ApplicationSubmitted(CaseEvent):
    pass


@dataclass(frozen=True)
class BiometricsRecorded(CaseEvent):
    pass


@dataclass(frozen=True)
class VisaGranted(CaseEvent):
    pass


@dataclass(frozen=True)
class VisaRefused(CaseEvent):
    pass


@dataclass(frozen=True)
class CaseClosed(CaseEvent):
    reason: ClosureReason


@dataclass(frozen=True)
class VisaExpiring(CaseEvent):
    days_before: int
