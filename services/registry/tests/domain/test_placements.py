"""Placement offers: the terms' validation, and the worker's answer to an offer."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from domain.worker_builders import at, placement, profile, registered, session, worker_at

from registry.domain import events
from registry.domain.errors import IllegalTransition, InvalidWorkerData, PlacementNotFound
from registry.domain.journey import Stage
from registry.domain.placement import Accommodation, PlacementStatus
from registry.domain.worker import Worker

NOW = at(2026, 2, 10)


def oriented(worker: Worker | None = None) -> Worker:
    worker = worker or registered()
    worker.screen(date(2026, 4, 1), date(2026, 9, 30), at(2026, 1, 10))
    worker.complete_orientation(session(), date(2026, 2, 1), at(2026, 2, 1))
    return worker


def test_an_offer_is_recorded_with_its_terms() -> None:
    worker = oriented()
    terms = placement()

    offer = worker.offer_placement(terms, NOW)

    assert worker.stage is Stage.OFFERED
    assert offer.status is PlacementStatus.OFFERED
    assert offer.offered_at == NOW
    event = worker.events[-1]
    assert isinstance(event, events.PlacementOffered)
    assert event.placement == offer


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"farm_name": " "}, "farm_name"),
        ({"uk_region": ""}, "uk_region"),
        ({"sector": "dairy"}, "sector"),
        ({"end_date": date(2026, 4, 7)}, "end_date"),
        ({"end_date": date(2026, 10, 7)}, "end_date"),
        ({"hourly_wage": Decimal(0)}, "hourly_wage"),
        ({"hourly_wage": Decimal("-1.00")}, "hourly_wage"),
        ({"hourly_wage": Decimal("12.215")}, "hourly_wage"),
        ({"hours_per_week": Decimal(0)}, "hours_per_week"),
        ({"hours_per_week": Decimal("84.5")}, "hours_per_week"),
        ({"hours_per_week": Decimal("39.25")}, "hours_per_week"),
        ({"accommodation": Accommodation(False, Decimal("50.00"))}, "accommodation.weekly_cost"),
        ({"accommodation": Accommodation(True, Decimal("-5.00"))}, "accommodation.weekly_cost"),
        ({"accommodation": Accommodation(True, None, "")}, "accommodation.description"),
        ({"start_date": date(2027, 4, 7), "end_date": date(2027, 9, 1)}, "start_date"),
    ],
)
def test_invalid_terms_are_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    worker = oriented()

    with pytest.raises(InvalidWorkerData) as raised:
        worker.offer_placement(replace(placement(), **changes), NOW)

    assert raised.value.field == field
    assert worker.stage is Stage.ORIENTED
    assert worker.placements == []


@pytest.mark.parametrize(("end", "valid"), [(date(2026, 10, 6), True), (date(2026, 10, 7), False)])
def test_a_placement_lasts_at_most_183_days(end: date, valid: bool) -> None:
    worker = oriented()
    terms = placement(start=date(2026, 4, 7), end=end)  # Apr 7 + 182 days = Oct 6

    if valid:
        worker.offer_placement(terms, NOW)
        assert worker.stage is Stage.OFFERED
    else:
        with pytest.raises(InvalidWorkerData):
            worker.offer_placement(terms, NOW)


def test_the_offer_dates_must_pass_the_passport_rule() -> None:
    worker = oriented(registered(profile(passport_expiry=date(2026, 9, 30))))

    with pytest.raises(InvalidWorkerData, match="Passport expires") as raised:
        worker.offer_placement(placement(start=date(2026, 4, 7), end=date(2026, 10, 1)), NOW)

    assert raised.value.field == "end_date"


def test_free_accommodation_has_no_cost() -> None:
    worker = oriented()

    worker.offer_placement(placement(accommodation=Accommodation(False)), NOW)

    assert worker.stage is Stage.OFFERED


def test_only_one_pending_offer_at_a_time() -> None:
    worker = oriented()
    worker.offer_placement(placement(), NOW)

    with pytest.raises(IllegalTransition):
        worker.offer_placement(placement(), NOW)


def test_the_same_placement_cannot_be_offered_twice() -> None:
    worker = oriented()
    terms = placement()
    worker.offer_placement(terms, NOW)
    worker.decline_placement(terms.id, "too far", NOW)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.offer_placement(terms, NOW)

    assert raised.value.field == "placement_id"


def test_accepting_records_the_placement_for_the_visa_case() -> None:
    worker = oriented()
    terms = placement()
    worker.offer_placement(terms, NOW)

    accepted = worker.accept_placement(terms.id, at(2026, 2, 12))

    assert worker.stage is Stage.MATCHED
    assert accepted.status is PlacementStatus.ACCEPTED
    assert worker.accepted_placement == accepted
    event = worker.events[-1]
    assert isinstance(event, events.PlacementAccepted)
    assert (event.operator_id, event.sector, event.start_date, event.end_date) == (
        terms.operator_id,
        "horticulture",
        terms.start_date,
        terms.end_date,
    )


def test_declining_needs_a_reason_and_records_it() -> None:
    worker = oriented()
    terms = placement()
    worker.offer_placement(terms, NOW)

    with pytest.raises(InvalidWorkerData):
        worker.decline_placement(terms.id, "", NOW)
    worker.decline_placement(terms.id, "wants poultry", NOW)

    assert worker.stage is Stage.ORIENTED
    assert worker.placements[0].decline_reason == "wants poultry"
    event = worker.events[-1]
    assert isinstance(event, events.PlacementDeclined)
    assert event.reason == "wants poultry"


def test_answering_another_placement_is_refused() -> None:
    worker = worker_at(Stage.OFFERED)
    other = uuid.uuid4()

    with pytest.raises(PlacementNotFound):
        worker.accept_placement(other, NOW)
    with pytest.raises(PlacementNotFound):
        worker.decline_placement(other, "no", NOW)

    assert worker.stage is Stage.OFFERED
