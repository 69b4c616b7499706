"""The visa case aggregate: one worker, one placement, one season. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID


class CaseStatus(StrEnum):
    OPEN = "open"
    SPONSORED = "sponsored"
    SUBMITTED = "submitted"
    BIOMETRICS_RECORDED = "biometrics_recorded"
    GRANTED = "granted"
    REFUSED = "refused"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseOpened:
    case_id: UUID
    occurred_at: datetime


@dataclass
class VisaCase:
    id: UUID
    worker_id: UUID
    organisation_id: UUID
    operator_id: UUID
    placement_id: UUID
    season: int
    placement_start: date
    placement_end: date
    status: CaseStatus
    opened_at: datetime
    events: list[CaseOpened] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open_for_placement(
        cls,
        *,
        case_id: UUID,
        worker_id: UUID,
        organisation_id: UUID,
        operator_id: UUID,
        placement_id: UUID,
        placement_start: date,
        placement_end: date,
        now: datetime,
    ) -> VisaCase:
        case = cls(
            id=case_id,
            worker_id=worker_id,
            organisation_id=organisation_id,
            operator_id=operator_id,
            placement_id=placement_id,
            season=placement_start.year,
            placement_start=placement_start,
            placement_end=placement_end,
            status=CaseStatus.OPEN,
            opened_at=now,
        )
        case.events.append(CaseOpened(case_id, now))
        return case
