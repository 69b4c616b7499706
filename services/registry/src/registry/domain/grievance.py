"""Grievances raised by or about a worker, their referral to the GLAA and their resolution.

Any open grievance may be referred to the GLAA; high and critical ones should be, which
``needs_referral`` tells a caller. A referred grievance stays open for resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from registry.domain.errors import GrievanceClosed
from registry.domain.values import LONG_TEXT, check_text

GrievanceCategory = Literal[
    "wages", "housing", "safety", "harassment", "recruitment_fee", "document_retention", "other"
]
Severity = Literal["low", "medium", "high", "critical"]
RaisedBy = Literal["worker", "organisation"]
GrievanceOutcome = Literal["upheld_remedied", "upheld_not_remedied", "not_upheld", "withdrawn"]
SERIOUS: frozenset[Severity] = frozenset({"high", "critical"})


class GrievanceStatus(StrEnum):
    OPEN = "open"
    REFERRED = "referred"  # to the GLAA; still awaiting an outcome
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Grievance:
    id: UUID
    category: GrievanceCategory
    severity: Severity
    raised_by: RaisedBy
    description: str  # stays in the registry: events carry no free text
    raised_at: datetime
    operator_id: UUID | None = None
    placement_id: UUID | None = None
    status: GrievanceStatus = GrievanceStatus.OPEN
    referral_reference: str | None = None
    referred_at: datetime | None = None
    outcome: GrievanceOutcome | None = None
    resolved_at: datetime | None = None

    @property
    def needs_referral(self) -> bool:
        return self.status is GrievanceStatus.OPEN and self.severity in SERIOUS

    def validate(self) -> None:
        check_text(self.description, "description", LONG_TEXT)

    def referred(self, reference: str, now: datetime) -> Grievance:
        if self.status is not GrievanceStatus.OPEN:
            raise GrievanceClosed(self.id, self.status.value, "refer")
        check_text(reference, "reference")
        return replace(
            self, status=GrievanceStatus.REFERRED, referral_reference=reference, referred_at=now
        )

    def resolved(self, outcome: GrievanceOutcome, now: datetime) -> Grievance:
        if self.status is GrievanceStatus.RESOLVED:
            raise GrievanceClosed(self.id, self.status.value, "resolve")
        return replace(self, status=GrievanceStatus.RESOLVED, outcome=outcome, resolved_at=now)
