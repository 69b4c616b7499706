"""Random sequences of commands against one worker, with the journey's invariants after each.

The journey commands and the expected outcome of each are in journey_machine.py; here are the
commands allowed at every stage and the invariants.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from domain.journey_machine import Call, JourneyCommands
from domain.worker_builders import ORGANISATION, at
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from registry.domain import events
from registry.domain.errors import DomainError
from registry.domain.grievance import GrievanceStatus, Severity
from registry.domain.journey import ABROAD, TRANSITIONS, Stage
from registry.domain.placement import PlacementStatus
from registry.domain.visa import VisaStatus

WITH_PLACEMENT = {
    Stage.MATCHED,
    Stage.VISA_APPLIED,
    Stage.VISA_GRANTED,
    Stage.VISA_REFUSED,
    Stage.DEPARTED,
    Stage.ARRIVED,
}
SEVERITIES: list[Severity] = ["low", "medium", "high", "critical"]


class WorkerJourney(JourneyCommands):
    # -- commands allowed at every stage ----------------------------------------------------

    @rule(severity=st.sampled_from(SEVERITIES))
    def raise_grievance(self, severity: Severity) -> None:
        recorded, stage = len(self.worker.events), self.worker.stage
        now = at(self.year, 6, 1)
        self.worker.raise_grievance(uuid.uuid4(), "housing", severity, "worker", "Damp.", now)
        assert [type(e) for e in self.worker.events[recorded:]] == [events.GrievanceRaised]
        assert self.worker.stage is stage

    @rule(pick=st.integers(0, 5), refer=st.booleans())
    def handle_grievance(self, pick: int, refer: bool) -> None:
        grievances = self.worker.grievances
        if not grievances:
            return
        grievance = grievances[pick % len(grievances)]
        before, recorded = copy.deepcopy(self.worker), len(self.worker.events)
        now = at(self.year, 6, 2)
        if refer:
            ok = grievance.status is GrievanceStatus.OPEN
            call: Call = partial(self.worker.refer_grievance, grievance.id, "GLAA-7", now)
        else:
            ok = grievance.status is not GrievanceStatus.RESOLVED
            call = partial(self.worker.resolve_grievance, grievance.id, "not_upheld", now)
        if ok:
            call()
            assert len(self.worker.events) == recorded + 1
        else:
            with pytest.raises(DomainError):
                call()
            self.assert_unchanged(before, recorded)

    @rule(cents=st.integers(0, 50_000))
    def report_fee(self, cents: int) -> None:
        amount = Decimal(cents) / 100
        self.worker.report_recruitment_fee(amount, "KZT", ORGANISATION, at(self.year, 3, 1))
        event = self.worker.events[-1]
        assert isinstance(event, events.RecruitmentFeeReported)
        assert event.compliance_breach is (cents > 0)

    @rule()
    def check_overstay(self) -> None:
        season, stage = self.worker.season, self.worker.stage
        expected = stage in ABROAD and season not in self.worker.overstay_flagged_seasons
        today = date(self.year, 10, 6)  # the day after every granted visa ends
        assert (self.worker.flag_overstay_risk(today, at(self.year, 10, 6)) is not None) is expected

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def abroad_or_back_means_visa_and_orientation(self) -> None:
        if self.worker.stage in ABROAD or self.worker.stage is Stage.RETURNED:
            case, trip = self.worker.visa_case, self.worker.trip
            assert case is not None
            assert case.status is VisaStatus.GRANTED
            assert trip is not None
            assert case.covers(trip.departure_date)
            assert self.worker.orientation_done

    @invariant()
    def placements_match_the_stage(self) -> None:
        statuses = Counter(p.status for p in self.worker.placements)
        assert statuses[PlacementStatus.ACCEPTED] == (self.worker.stage in WITH_PLACEMENT)
        assert statuses[PlacementStatus.OFFERED] == (self.worker.stage is Stage.OFFERED)

    @invariant()
    def overstay_is_flagged_once_a_season(self) -> None:
        flags = [e.season for e in self.worker.events if isinstance(e, events.OverstayRiskFlagged)]
        assert len(flags) == len(set(flags))
        assert set(flags) == self.worker.overstay_flagged_seasons

    @invariant()
    def events_are_the_workers(self) -> None:
        assert self.worker.stage in TRANSITIONS
        assert all(e.worker_id == self.worker.id for e in self.worker.events)


WorkerJourney.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestWorkerJourney = WorkerJourney.TestCase
