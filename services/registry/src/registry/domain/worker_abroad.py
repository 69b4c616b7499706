"""The worker's steps from departure to return, welfare checks, and the overstay flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import get_args
from uuid import UUID

from registry.domain import events
from registry.domain.errors import DepartureBlocked, InvalidWorkerData, NotPlacementOperator
from registry.domain.journey import Action
from registry.domain.overstay import OverstayReason, overstay_risk
from registry.domain.placement import Placement, PlacementStatus
from registry.domain.screening import UkStay
from registry.domain.travel import ContractEndReason, FollowUp, Trip
from registry.domain.values import check_choice, check_not_before, check_optional_text
from registry.domain.welfare import WelfareCheck
from registry.domain.worker_state import WorkerState


class AbroadSteps(WorkerState):
    def depart(
        self, departure_date: date, flight_number: str | None, route: str | None, now: datetime
    ) -> None:
        """Needs a granted visa valid on the day, and this season's orientation completed."""
        target = self._target(Action.DEPART)
        if not self.orientation_done:
            raise DepartureBlocked("pre-departure orientation is not completed for this season")
        placement = self._accepted()
        case = self.visa_case
        if case is None or not case.covers(departure_date):
            raise InvalidWorkerData(
                f"the departure date {departure_date.isoformat()} is outside the visa's validity",
                field="departure_date",
            )
        check_optional_text(flight_number, "flight_number")
        check_optional_text(route, "route")
        season = self._current_season()
        self.trips.append(Trip(season, placement.id, departure_date, flight_number, route))
        event = events.WorkerDeparted(
            self.id, now, placement.id, departure_date, flight_number, route
        )
        self._enter(target, event)

    def confirm_arrival(self, arrival_date: date, operator_id: UUID, now: datetime) -> None:
        """Only the operator of the accepted placement may confirm it."""
        target = self._target(Action.CONFIRM_ARRIVAL)
        placement = self._accepted()
        if placement.operator_id != operator_id:
            raise NotPlacementOperator(operator_id)
        trip = self._current_trip()
        check_not_before(arrival_date, trip.departure_date, "arrival_date", "the departure")
        self._put_trip(replace(trip, arrival_date=arrival_date, confirmed_by=operator_id))
        event = events.WorkerArrived(self.id, now, placement.id, arrival_date, operator_id)
        self._enter(target, event)

    def record_welfare_check(self, check: WelfareCheck, now: datetime) -> None:
        target = self._target(Action.RECORD_WELFARE_CHECK)
        check.validate(self._current_trip().departure_date)
        if any(c.id == check.id for c in self.welfare_checks):
            raise InvalidWorkerData("this welfare check is recorded already", field="check_id")
        self.welfare_checks.append(check)
        self._enter(target, events.WelfareCheckRecorded(self.id, now, check))

    def end_contract(self, end_date: date, reason: ContractEndReason, now: datetime) -> None:
        target = self._target(Action.END_CONTRACT)
        check_choice(reason, get_args(ContractEndReason), "reason")
        trip = self._current_trip()
        check_not_before(end_date, trip.last_known_date, "end_date", "the arrival")
        placement = self._accepted()
        self._put_placement(replace(placement, status=PlacementStatus.ENDED))
        self._put_trip(replace(trip, contract_end=end_date, contract_end_reason=reason))
        self._enter(target, events.ContractEnded(self.id, now, placement.id, end_date, reason))

    def record_return(self, return_date: date, follow_up: FollowUp | None, now: datetime) -> None:
        """Close the season's trip; the stay counts towards the UK stay limit from now on."""
        target = self._target(Action.RECORD_RETURN)
        trip = self._current_trip()
        check_not_before(return_date, trip.last_known_date, "return_date", "the last trip date")
        if follow_up is not None:
            follow_up.validate()
        placement = self.accepted_placement  # still accepted when turned back before arrival
        if placement is not None:
            self._put_placement(replace(placement, status=PlacementStatus.ENDED))
        self._put_trip(replace(trip, return_date=return_date, follow_up=follow_up))
        self.uk_stays.append(UkStay(trip.departure_date, return_date))
        self._enter(target, events.WorkerReturned(self.id, now, return_date, follow_up))

    def flag_overstay_risk(self, today: date, now: datetime) -> OverstayReason | None:
        """Record an overstay risk, at most once a season; the reason when one was recorded."""
        season = self.season
        if season is None or season in self.overstay_flagged_seasons:
            return None
        reason = overstay_risk(self, today)
        if reason is None:
            return None
        self.overstay_flagged_seasons.add(season)
        self.events.append(
            events.OverstayRiskFlagged(
                self.id, now, reason, self.visa_end, self.contract_end, season
            )
        )
        return reason

    def _accepted(self) -> Placement:
        placement = self.accepted_placement
        if placement is None:  # the transition table makes this unreachable
            raise DepartureBlocked("the worker has no accepted placement")
        return placement
