"""Departure preconditions, arrival by the right operator, contract end, return and welfare."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from domain.worker_builders import OPERATOR, at, welfare_check, worker_at

from registry.domain import events
from registry.domain.errors import (
    DepartureBlocked,
    IllegalTransition,
    InvalidWorkerData,
    NotPermitted,
    NotPlacementOperator,
)
from registry.domain.journey import Stage
from registry.domain.placement import PlacementStatus
from registry.domain.screening import UkStay
from registry.domain.travel import FollowUp


def test_departure_records_the_trip() -> None:
    worker = worker_at(Stage.VISA_GRANTED)

    worker.depart(date(2026, 4, 5), "KC941", "NQZ-LHR", at(2026, 4, 5))

    assert worker.stage is Stage.DEPARTED
    trip = worker.trip
    assert trip is not None
    assert (trip.departure_date, trip.flight_number, trip.season) == (
        date(2026, 4, 5),
        "KC941",
        2026,
    )
    event = worker.events[-1]
    assert isinstance(event, events.WorkerDeparted)
    placement = worker.accepted_placement
    assert placement is not None
    assert event.placement_id == placement.id


@pytest.mark.parametrize("stage", [Stage.MATCHED, Stage.VISA_APPLIED, Stage.VISA_REFUSED])
def test_departure_needs_a_granted_visa(stage: Stage) -> None:
    worker = worker_at(stage)

    with pytest.raises(IllegalTransition):
        worker.depart(date(2026, 4, 5), None, None, at(2026, 4, 5))


def test_departure_needs_this_seasons_orientation() -> None:
    worker = worker_at(Stage.VISA_GRANTED)
    worker.orientations.clear()  # as if loaded from a record without it

    with pytest.raises(DepartureBlocked, match="orientation"):
        worker.depart(date(2026, 4, 5), None, None, at(2026, 4, 5))

    assert worker.stage is Stage.VISA_GRANTED


def test_last_seasons_orientation_does_not_count() -> None:
    worker = worker_at(Stage.VISA_GRANTED)
    worker.orientations[:] = [replace(o, season=2025) for o in worker.orientations]

    with pytest.raises(DepartureBlocked):
        worker.depart(date(2026, 4, 5), None, None, at(2026, 4, 5))


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (date(2026, 3, 31), False),
        (date(2026, 4, 1), True),
        (date(2026, 10, 5), True),
        (date(2026, 10, 6), False),
    ],
)
def test_departure_is_within_the_visas_validity(day: date, valid: bool) -> None:
    worker = worker_at(Stage.VISA_GRANTED)  # visa 2026-04-01..2026-10-05

    if valid:
        worker.depart(day, None, None, at(2026, 3, 30))
        assert worker.stage is Stage.DEPARTED
    else:
        with pytest.raises(InvalidWorkerData) as raised:
            worker.depart(day, None, None, at(2026, 3, 30))
        assert raised.value.field == "departure_date"


def test_only_the_placements_operator_confirms_arrival() -> None:
    worker = worker_at(Stage.DEPARTED)

    with pytest.raises(NotPlacementOperator) as raised:
        worker.confirm_arrival(date(2026, 4, 6), uuid.uuid4(), at(2026, 4, 6))
    assert isinstance(raised.value, NotPermitted)

    worker.confirm_arrival(date(2026, 4, 6), OPERATOR, at(2026, 4, 6))
    assert worker.stage is Stage.ARRIVED
    event = worker.events[-1]
    assert isinstance(event, events.WorkerArrived)
    assert event.confirmed_by == OPERATOR


def test_arrival_is_not_before_departure() -> None:
    worker = worker_at(Stage.DEPARTED)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.confirm_arrival(date(2026, 4, 4), OPERATOR, at(2026, 4, 6))

    assert raised.value.field == "arrival_date"


def test_contract_end_ends_the_placement() -> None:
    worker = worker_at(Stage.ARRIVED)

    worker.end_contract(date(2026, 8, 1), "terminated_by_operator", at(2026, 8, 1))

    assert worker.stage is Stage.CONTRACT_ENDED
    assert worker.placements[-1].status is PlacementStatus.ENDED
    assert worker.contract_end == date(2026, 8, 1)


def test_a_contract_end_reason_is_one_of_the_contracts() -> None:
    fired: Any = "fired"

    with pytest.raises(InvalidWorkerData) as raised:
        worker_at(Stage.ARRIVED).end_contract(date(2026, 8, 1), fired, at(2026, 8, 1))

    assert raised.value.field == "reason"


def test_return_records_the_stay_for_later_screening() -> None:
    worker = worker_at(Stage.CONTRACT_ENDED)
    follow_up = FollowUp(True, Decimal("5200.00"), Decimal("3100.00"))

    worker.record_return(date(2026, 9, 22), follow_up, at(2026, 9, 22))

    assert worker.stage is Stage.RETURNED
    assert worker.uk_stays == [UkStay(date(2026, 4, 5), date(2026, 9, 22))]
    event = worker.events[-1]
    assert isinstance(event, events.WorkerReturned)
    assert event.follow_up == follow_up


def test_return_is_not_before_the_contract_end() -> None:
    worker = worker_at(Stage.CONTRACT_ENDED)  # ended 2026-09-19

    with pytest.raises(InvalidWorkerData) as raised:
        worker.record_return(date(2026, 9, 18), None, at(2026, 9, 20))

    assert raised.value.field == "return_date"


def test_a_follow_up_with_negative_earnings_is_refused() -> None:
    worker = worker_at(Stage.CONTRACT_ENDED)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.record_return(date(2026, 9, 20), FollowUp(True, Decimal(-1)), at(2026, 9, 20))

    assert raised.value.field == "follow_up.earnings"


def test_a_worker_turned_back_before_arrival_can_return() -> None:
    worker = worker_at(Stage.DEPARTED)

    worker.record_return(date(2026, 4, 6), None, at(2026, 4, 6))

    assert worker.stage is Stage.RETURNED
    assert worker.accepted_placement is None
    assert worker.uk_stays == [UkStay(date(2026, 4, 5), date(2026, 4, 6))]


@pytest.mark.parametrize("stage", [Stage.DEPARTED, Stage.ARRIVED, Stage.CONTRACT_ENDED])
def test_welfare_checks_are_recorded_abroad(stage: Stage) -> None:
    worker = worker_at(stage)
    check = welfare_check()

    worker.record_welfare_check(check, at(2026, 5, 1))

    assert worker.stage is stage
    assert worker.welfare_checks == [check]
    assert isinstance(worker.events[-1], events.WelfareCheckRecorded)


@pytest.mark.parametrize("stage", [Stage.VISA_GRANTED, Stage.RETURNED])
def test_no_welfare_checks_at_home(stage: Stage) -> None:
    with pytest.raises(IllegalTransition):
        worker_at(stage).record_welfare_check(welfare_check(), at(2026, 5, 1))


def test_welfare_check_data_is_checked() -> None:
    worker = worker_at(Stage.ARRIVED)
    check = welfare_check()
    worker.record_welfare_check(check, at(2026, 5, 1))

    with pytest.raises(InvalidWorkerData, match="recorded already"):
        worker.record_welfare_check(check, at(2026, 5, 1))
    with pytest.raises(InvalidWorkerData) as raised:
        worker.record_welfare_check(welfare_check(score=6), at(2026, 5, 1))
    assert raised.value.field == "wellbeing_score"
    with pytest.raises(InvalidWorkerData) as raised:
        worker.record_welfare_check(
            replace(check, id=uuid.uuid4(), check_date=date(2026, 4, 1)), at(2026, 5, 1)
        )
    assert raised.value.field == "check_date"
