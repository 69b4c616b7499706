"""What the worker's journey steps share: the aggregate's attributes and the lookups on them.

``Worker`` (worker.py) declares these attributes as dataclass fields; the steps live in mixins
(worker_preparation, worker_visa, worker_abroad, worker_compliance) so no file grows too long.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from registry.domain.errors import DomainError, PlacementNotFound
from registry.domain.events import DomainEvent
from registry.domain.fees import FeeReport
from registry.domain.grievance import Grievance
from registry.domain.journey import ABROAD, Action, Stage, Withdrawal, next_stage
from registry.domain.orientation import OrientationRecord
from registry.domain.placement import Placement, PlacementStatus
from registry.domain.profile import Profile
from registry.domain.screening import Screening, UkStay
from registry.domain.travel import Trip
from registry.domain.visa import VisaCase, VisaStatus
from registry.domain.welfare import WelfareCheck


class WorkerState:
    id: UUID
    organisation_id: UUID
    profile: Profile
    stage: Stage
    season: int | None  # the calendar year of the season the journey is in, once screened
    screenings: list[Screening]
    orientations: list[OrientationRecord]
    placements: list[Placement]
    visa_cases: list[VisaCase]
    trips: list[Trip]
    uk_stays: list[UkStay]
    welfare_checks: list[WelfareCheck]
    grievances: list[Grievance]
    fees: list[FeeReport]
    withdrawals: list[Withdrawal]
    overstay_flagged_seasons: set[int]
    events: list[DomainEvent]

    # -- moving and recording -------------------------------------------------------------

    def _target(self, action: Action) -> Stage:
        """Where ``action`` leads; checked before anything else, so nothing changes if illegal."""
        return next_stage(self.stage, action)

    def _enter(self, stage: Stage, event: DomainEvent) -> None:
        self.stage = stage
        self.events.append(event)

    def _current_season(self) -> int:
        if self.season is None:  # the transition table makes this unreachable
            raise DomainError("the worker has not been screened eligible for a season")
        return self.season

    # -- lookups --------------------------------------------------------------------------

    @property
    def orientation_done(self) -> bool:
        """Orientation completed for the current season."""
        return self.season is not None and any(o.season == self.season for o in self.orientations)

    @property
    def pending_offer(self) -> Placement | None:
        return self._placement_with(PlacementStatus.OFFERED)

    @property
    def accepted_placement(self) -> Placement | None:
        return self._placement_with(PlacementStatus.ACCEPTED)

    @property
    def visa_case(self) -> VisaCase | None:
        """The latest visa case of the current season."""
        cases = [c for c in self.visa_cases if c.season == self.season]
        return cases[-1] if cases else None

    @property
    def trip(self) -> Trip | None:
        """The current season's trip, once the worker has departed."""
        trips = [t for t in self.trips if t.season == self.season]
        return trips[-1] if trips else None

    @property
    def visa_end(self) -> date | None:
        case = self.visa_case
        return case.visa_end if case and case.status is VisaStatus.GRANTED else None

    @property
    def contract_end(self) -> date | None:
        """The contract end recorded abroad or, until one is, the placement's planned end."""
        trip = self.trip
        if self.stage not in ABROAD or trip is None:
            return None
        if trip.contract_end is not None:
            return trip.contract_end
        placement = self._placement(trip.placement_id)
        return placement.end_date if placement else None

    def _placement_with(self, status: PlacementStatus) -> Placement | None:
        return next((p for p in self.placements if p.status is status), None)

    def _placement(self, placement_id: UUID) -> Placement | None:
        return next((p for p in self.placements if p.id == placement_id), None)

    def _pending(self, placement_id: UUID) -> Placement:
        offer = self.pending_offer
        if offer is None or offer.id != placement_id:
            raise PlacementNotFound(placement_id, "pending placement offer")
        return offer

    def _current_trip(self) -> Trip:
        trip = self.trip
        if trip is None:  # the transition table makes this unreachable
            raise DomainError("the worker has no trip this season")
        return trip

    # -- replacing frozen children --------------------------------------------------------

    def _put_placement(self, placement: Placement) -> None:
        self.placements = [placement if p.id == placement.id else p for p in self.placements]

    def _put_trip(self, trip: Trip) -> None:
        current = self._current_trip()
        self.trips = [trip if t is current else t for t in self.trips]

    def _put_visa_case(self, case: VisaCase) -> None:
        """Add or replace (a reopened case) ``case``, last: the latest case is the current one."""
        others = [c for c in self.visa_cases if c.case_id != case.case_id]
        self.visa_cases = [*others, case]
