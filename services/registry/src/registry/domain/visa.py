"""The registry's copy of the worker's visa cases, as the visa service announced them.

The visa service owns visas; the registry only follows its events to move the journey. Those
events can arrive late (the worker withdrew meanwhile) or twice, so the rule is: an event that
does not fit the worker's current stage and case is ignored, never refused. Refusing it would
dead-letter a legitimate message and stop the consumer from reaching the ones behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from registry.domain.errors import InvalidWorkerData


class VisaStatus(StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True)
class VisaCase:
    case_id: UUID
    season: int
    status: VisaStatus
    opened_at: datetime
    visa_start: date | None = None
    visa_end: date | None = None
    refusal_reason: str | None = None
    decided_at: datetime | None = None

    def covers(self, day: date) -> bool:
        """Whether a granted visa is valid on ``day`` (both ends included)."""
        if self.status is not VisaStatus.GRANTED or not (self.visa_start and self.visa_end):
            return False
        return self.visa_start <= day <= self.visa_end


def check_validity(visa_start: date, visa_end: date) -> None:
    # The contract already guarantees this; a breach is a malformed message, not a late one.
    if visa_end < visa_start:
        raise InvalidWorkerData("the visa ends before it starts", field="visa_end")
