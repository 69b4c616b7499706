"""Screening: each eligibility rule at its boundary, and what an ineligible result does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from domain.worker_builders import at, placement, profile, registered, worker_at

from registry.domain import events
from registry.domain.errors import InvalidWorkerData
from registry.domain.journey import Stage
from registry.domain.placement import PlacementStatus
from registry.domain.screening import UkStay, age_on, days_in_uk
from registry.domain.worker import Worker

START, END = date(2026, 4, 1), date(2026, 9, 30)  # 183 days, both counted
NOW = at(2026, 1, 10)


def codes(worker: Worker) -> list[str]:
    return [reason.code for reason in worker.screenings[-1].reasons]


def test_an_eligible_worker_is_screened_for_the_season() -> None:
    worker = registered()

    screening = worker.screen(START, END, NOW)

    assert screening.eligible
    assert worker.stage is Stage.SCREENED
    assert worker.season == 2026
    event = worker.events[-1]
    assert isinstance(event, events.WorkerScreened)
    assert (event.eligible, event.reasons, event.season_start, event.season_end) == (
        True,
        (),
        START,
        END,
    )


@pytest.mark.parametrize(
    ("born", "eligible"),
    [(date(2008, 4, 1), True), (date(2008, 4, 2), False), (date(2008, 3, 31), True)],
)
def test_the_worker_is_18_on_the_season_start(born: date, eligible: bool) -> None:
    worker = registered(profile(date_of_birth=born))

    worker.screen(START, END, NOW)

    assert codes(worker) == ([] if eligible else ["under_age"])


def test_a_leap_day_birthday_comes_on_the_first_of_march() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("expiry", "eligible"),
    [(END, True), (date(2026, 9, 29), False), (date(2026, 10, 1), True)],
)
def test_the_passport_is_valid_through_the_season_end(expiry: date, eligible: bool) -> None:
    worker = registered(profile(passport_expiry=expiry))

    worker.screen(START, END, NOW)

    assert codes(worker) == ([] if eligible else ["passport_expires_before_season_end"])
    if not eligible:
        text = worker.screenings[-1].reasons[0].text
        assert text == "Passport expires on 2026-09-29, before 2026-09-30."


@pytest.mark.parametrize(("end", "eligible"), [(END, True), (date(2026, 10, 1), False)])
def test_the_season_itself_lasts_at_most_183_days(end: date, eligible: bool) -> None:
    worker = registered()

    worker.screen(START, end, NOW)

    assert codes(worker) == ([] if eligible else ["uk_stay_limit_exceeded"])


@pytest.mark.parametrize(
    ("season_end", "eligible"), [(date(2026, 8, 31), True), (date(2026, 9, 1), False)]
)
def test_earlier_stays_and_the_season_share_183_days(season_end: date, eligible: bool) -> None:
    worker = registered()
    worker.uk_stays.append(UkStay(date(2025, 10, 1), date(2025, 10, 30)))  # 30 days

    worker.screen(START, season_end, NOW)  # 153 or 154 days

    assert codes(worker) == ([] if eligible else ["uk_stay_limit_exceeded"])


@pytest.mark.parametrize(
    ("returned", "eligible"), [(date(2025, 9, 30), True), (date(2025, 10, 1), False)]
)
def test_only_stays_within_12_months_of_the_season_end_count(
    returned: date, eligible: bool
) -> None:
    worker = registered()
    worker.uk_stays.append(UkStay(date(2025, 4, 1), returned))

    worker.screen(START, END, NOW)

    assert codes(worker) == ([] if eligible else ["uk_stay_limit_exceeded"])


def test_overlapping_days_count_once() -> None:
    stays = [
        UkStay(date(2026, 1, 1), date(2026, 1, 10)),
        UkStay(date(2026, 1, 5), date(2026, 1, 12)),
    ]

    assert days_in_uk(stays, date(2026, 4, 1), date(2026, 4, 1)) == 13


def test_an_accepted_placement_overlapping_the_season_is_active() -> None:
    worker = registered()
    worker.placements.append(replace(placement(2026), status=PlacementStatus.ACCEPTED))

    worker.screen(START, END, NOW)

    assert codes(worker) == ["active_placement"]


def test_an_ended_placement_is_not_active() -> None:
    worker = registered()
    worker.placements.append(replace(placement(2026), status=PlacementStatus.ENDED))

    worker.screen(START, END, NOW)

    assert codes(worker) == []


def test_ineligible_keeps_the_worker_registered_with_every_reason() -> None:
    worker = registered(profile(date_of_birth=date(2009, 1, 1), passport_expiry=date(2026, 5, 1)))

    screening = worker.screen(START, date(2026, 12, 1), NOW)

    assert not screening.eligible
    assert worker.stage is Stage.REGISTERED
    assert worker.season is None
    assert codes(worker) == [
        "under_age",
        "passport_expires_before_season_end",
        "uk_stay_limit_exceeded",
    ]
    event = worker.events[-1]
    assert isinstance(event, events.WorkerScreened)
    assert not event.eligible
    assert [r.code for r in event.reasons] == codes(worker)


def test_an_ineligible_worker_can_be_screened_again() -> None:
    worker = registered()
    worker.screen(START, date(2026, 12, 1), NOW)

    worker.screen(START, END, NOW)

    assert worker.stage is Stage.SCREENED
    assert len(worker.screenings) == 2


def test_ineligible_after_return_keeps_the_worker_returned() -> None:
    worker = worker_at(Stage.RETURNED)

    worker.screen(date(2027, 4, 1), date(2027, 12, 1), at(2027, 1, 10))

    assert worker.stage is Stage.RETURNED
    assert worker.season == 2026


def test_a_returned_worker_has_the_stay_counted_next_season() -> None:
    worker = worker_at(Stage.RETURNED)  # in the UK 2026-04-05..2026-09-20

    worker.screen(date(2027, 3, 1), date(2027, 8, 30), at(2027, 1, 10))

    assert codes(worker) == ["uk_stay_limit_exceeded"]


@pytest.mark.parametrize("stage", [Stage.RETURNED, Stage.WITHDRAWN])
def test_a_finished_season_cannot_be_screened_again(stage: Stage) -> None:
    worker = worker_at(stage)

    with pytest.raises(InvalidWorkerData) as raised:
        worker.screen(date(2026, 10, 1), date(2026, 12, 1), at(2026, 9, 25))

    assert raised.value.field == "season_start"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2026, 4, 1), date(2026, 3, 31), "season_end"),
        (date(2025, 4, 1), date(2025, 9, 30), "season_end"),
        (date(2101, 4, 1), date(2101, 9, 30), "season_start"),
    ],
)
def test_season_dates_are_checked(start: date, end: date, field: str) -> None:
    worker = registered()

    with pytest.raises(InvalidWorkerData) as raised:
        worker.screen(start, end, NOW)

    assert raised.value.field == field
    assert worker.screenings == []
