"""The worker's journey (its children: screenings, placements, trips, grievances, ...) as one
JSON document, stored beside the worker's row and always loaded and saved with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import TypeAdapter

from registry.domain.fees import FeeReport
from registry.domain.grievance import Grievance
from registry.domain.journey import Withdrawal
from registry.domain.orientation import OrientationRecord
from registry.domain.placement import Placement
from registry.domain.screening import Screening, UkStay
from registry.domain.travel import Trip
from registry.domain.visa import VisaCase
from registry.domain.welfare import WelfareCheck
from registry.domain.worker import Worker


@dataclass
class JourneyRecord:
    screenings: list[Screening] = field(default_factory=list)
    orientations: list[OrientationRecord] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    visa_cases: list[VisaCase] = field(default_factory=list)
    trips: list[Trip] = field(default_factory=list)
    uk_stays: list[UkStay] = field(default_factory=list)
    welfare_checks: list[WelfareCheck] = field(default_factory=list)
    grievances: list[Grievance] = field(default_factory=list)
    fees: list[FeeReport] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    overstay_flagged_seasons: list[int] = field(default_factory=list)


_RECORD = TypeAdapter(JourneyRecord)


def encode(worker: Worker) -> str:
    record = JourneyRecord(
        screenings=worker.screenings,
        orientations=worker.orientations,
        placements=worker.placements,
        visa_cases=worker.visa_cases,
        trips=worker.trips,
        uk_stays=worker.uk_stays,
        welfare_checks=worker.welfare_checks,
        grievances=worker.grievances,
        fees=worker.fees,
        withdrawals=worker.withdrawals,
        overstay_flagged_seasons=sorted(worker.overstay_flagged_seasons),
    )
    return _RECORD.dump_json(record).decode()


def decode(document: str) -> JourneyRecord:
    return _RECORD.validate_json(document)
