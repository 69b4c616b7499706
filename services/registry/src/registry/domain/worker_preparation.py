"""The worker's steps before the visa: screening, orientation, placement offers, withdrawal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from registry.domain import events
from registry.domain.errors import InvalidWorkerData
from registry.domain.journey import SEASON_OVER, Action, Withdrawal, withdrawal_stage
from registry.domain.orientation import OrientationRecord, OrientationSession, check_completion
from registry.domain.placement import Placement, PlacementStatus, validate_terms
from registry.domain.screening import (
    Screening,
    age_reason,
    check_season_dates,
    eligibility_reasons,
    passport_reason,
    stay_reason,
)
from registry.domain.values import LONG_TEXT, check_text
from registry.domain.worker_state import WorkerState

_OPEN = (PlacementStatus.OFFERED, PlacementStatus.ACCEPTED)


class PreparationSteps(WorkerState):
    def screen(self, season_start: date, season_end: date, now: datetime) -> Screening:
        """Check eligibility for a season. Eligible: Screened for it; not: the stage stays."""
        target = self._target(Action.SCREEN)
        check_season_dates(season_start, season_end, now.date())
        self._check_new_season(season_start)
        reasons = eligibility_reasons(
            self.profile, self.uk_stays, self.placements, season_start, season_end
        )
        screening = Screening(season_start, season_end, reasons, now)
        self.screenings.append(screening)
        event = events.WorkerScreened(
            self.id, now, screening.eligible, reasons, season_start, season_end
        )
        if not screening.eligible:
            self.events.append(event)
            return screening
        self.season = screening.season
        self._enter(target, event)
        return screening

    def _check_new_season(self, season_start: date) -> None:
        # Returned and Withdrawn are final for their season: only a later one may follow.
        over = self.season if self.stage in SEASON_OVER else None
        if over is not None and season_start.year <= over:
            raise InvalidWorkerData(
                f"the {over} season is over for this worker: a new one starts in {over + 1}"
                " or later",
                field="season_start",
            )

    def complete_orientation(
        self, session: OrientationSession, attended_on: date, now: datetime
    ) -> None:
        target = self._target(Action.COMPLETE_ORIENTATION)
        check_completion(session, attended_on)
        topics = tuple(sorted(session.topics_covered))
        self.orientations.append(
            OrientationRecord(
                session_id=session.id,
                season=self._current_season(),
                session_date=session.date,
                language=session.language,
                trainer_name=session.trainer_name,
                topics_covered=session.topics_covered,
                attended_on=attended_on,
                completed_at=now,
            )
        )
        event = events.OrientationCompleted(
            self.id, now, session.id, session.date, session.language, topics
        )
        self._enter(target, event)

    def offer_placement(self, placement: Placement, now: datetime) -> Placement:
        """Record an operator's offer; after a visa refusal it replaces the accepted placement."""
        target = self._target(Action.OFFER_PLACEMENT)
        validate_terms(placement)
        self._check_fits_worker(placement)
        for previous in self.placements:
            if previous.status is PlacementStatus.ACCEPTED:
                self._put_placement(replace(previous, status=PlacementStatus.WITHDRAWN))
        offer = replace(
            placement,
            status=PlacementStatus.OFFERED,
            offered_at=now,
            answered_at=None,
            decline_reason=None,
        )
        self.placements.append(offer)
        self._enter(target, events.PlacementOffered(self.id, now, offer))
        return offer

    def _check_fits_worker(self, placement: Placement) -> None:
        if any(p.id == placement.id for p in self.placements):
            raise InvalidWorkerData("this placement was offered already", field="placement_id")
        season = self._current_season()
        if placement.start_date.year != season:
            raise InvalidWorkerData(
                f"the worker was screened for the {season} season", field="start_date"
            )
        # Screened season dates are a forecast; the offer's own dates must pass the same rules.
        start, end = placement.start_date, placement.end_date
        for reason, field in (
            (age_reason(self.profile, start), "start_date"),
            (passport_reason(self.profile, end), "end_date"),
            (stay_reason(self.uk_stays, start, end), "end_date"),
        ):
            if reason is not None:
                raise InvalidWorkerData(reason.text, field=field)

    def accept_placement(self, placement_id: UUID, now: datetime) -> Placement:
        target = self._target(Action.ACCEPT_PLACEMENT)
        offer = self._pending(placement_id)
        accepted = replace(offer, status=PlacementStatus.ACCEPTED, answered_at=now)
        self._put_placement(accepted)
        event = events.PlacementAccepted(
            self.id,
            now,
            offer.id,
            offer.operator_id,
            offer.sector,
            offer.start_date,
            offer.end_date,
        )
        self._enter(target, event)
        return accepted

    def decline_placement(self, placement_id: UUID, reason: str, now: datetime) -> None:
        target = self._target(Action.DECLINE_PLACEMENT)
        offer = self._pending(placement_id)
        check_text(reason, "reason", LONG_TEXT)
        declined = replace(
            offer, status=PlacementStatus.DECLINED, answered_at=now, decline_reason=reason
        )
        self._put_placement(declined)
        event = events.PlacementDeclined(self.id, now, offer.id, offer.operator_id, reason)
        self._enter(target, event)

    def withdraw(self, reason: str, now: datetime) -> None:
        """Leave the process before departure; open offers and placements are withdrawn too."""
        target = self._target(Action.WITHDRAW)
        check_text(reason, "reason", LONG_TEXT)
        for placement in self.placements:
            if placement.status in _OPEN:
                self._put_placement(replace(placement, status=PlacementStatus.WITHDRAWN))
        self.withdrawals.append(Withdrawal(self.season, self.stage, reason, now))
        event = events.WorkerWithdrawn(
            self.id, now, withdrawal_stage(self.stage), self.stage, reason
        )
        self._enter(target, event)
