"""Overstay risk: the pure rule, and the worker flagging it at most once a season."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from domain.worker_builders import at, perform, worker_at

from registry.domain import events
from registry.domain.journey import Action, Stage
from registry.domain.overstay import OverstayReason, overstay_risk

VISA_END, CONTRACT_END = date(2026, 10, 5), date(2026, 9, 10)


@dataclass(frozen=True)
class Facts:
    stage: Stage
    visa_end: date | None = VISA_END
    contract_end: date | None = CONTRACT_END


@pytest.mark.parametrize(
    ("facts", "today", "expected"),
    [
        (Facts(Stage.ARRIVED, contract_end=None), VISA_END, None),
        (Facts(Stage.ARRIVED, contract_end=None), date(2026, 10, 6), "visa_expired"),
        (Facts(Stage.CONTRACT_ENDED), date(2026, 9, 24), None),  # 14 days after the end
        (Facts(Stage.CONTRACT_ENDED), date(2026, 9, 25), "contract_ended_no_return"),
        (Facts(Stage.DEPARTED), date(2026, 10, 6), "visa_expired"),  # visa reason first
        (Facts(Stage.RETURNED), date(2027, 1, 1), None),
        (Facts(Stage.VISA_GRANTED), date(2027, 1, 1), None),
        (Facts(Stage.WITHDRAWN), date(2027, 1, 1), None),
    ],
)
def test_the_rule(facts: Facts, today: date, expected: OverstayReason | None) -> None:
    assert overstay_risk(facts, today) == expected


def test_a_worker_abroad_after_the_visa_end_is_flagged_once() -> None:
    worker = worker_at(Stage.ARRIVED)  # visa ends 2026-10-05

    first = worker.flag_overstay_risk(date(2026, 10, 6), at(2026, 10, 6))
    again = worker.flag_overstay_risk(date(2026, 10, 20), at(2026, 10, 20))

    assert (first, again) == ("visa_expired", None)
    flagged = [e for e in worker.events if isinstance(e, events.OverstayRiskFlagged)]
    assert len(flagged) == 1
    assert (flagged[0].season, flagged[0].visa_end) == (2026, VISA_END)
    assert worker.overstay_flagged_seasons == {2026}


def test_the_planned_end_counts_until_a_contract_end_is_recorded() -> None:
    worker = worker_at(Stage.ARRIVED)  # placement ends 2026-09-20

    assert worker.contract_end == date(2026, 9, 20)
    assert worker.flag_overstay_risk(date(2026, 10, 4), at(2026, 10, 4)) is None
    assert worker.flag_overstay_risk(date(2026, 10, 5), at(2026, 10, 5)) == (
        "contract_ended_no_return"
    )


def test_no_return_two_weeks_after_the_contract_end() -> None:
    worker = worker_at(Stage.CONTRACT_ENDED)  # ended 2026-09-19

    reason = worker.flag_overstay_risk(date(2026, 10, 4), at(2026, 10, 4))

    assert reason == "contract_ended_no_return"
    event = worker.events[-1]
    assert isinstance(event, events.OverstayRiskFlagged)
    assert event.contract_end == date(2026, 9, 19)


def test_a_returned_worker_is_not_at_risk() -> None:
    worker = worker_at(Stage.RETURNED)
    recorded = len(worker.events)

    assert worker.flag_overstay_risk(date(2026, 12, 1), at(2026, 12, 1)) is None
    assert len(worker.events) == recorded


def test_each_season_can_be_flagged_once() -> None:
    worker = worker_at(Stage.ARRIVED)
    worker.flag_overstay_risk(date(2026, 10, 6), at(2026, 10, 6))
    for action in (Action.END_CONTRACT, Action.RECORD_RETURN, Action.SCREEN):
        perform(worker, action)
    for action in (
        Action.COMPLETE_ORIENTATION,
        Action.OFFER_PLACEMENT,
        Action.ACCEPT_PLACEMENT,
        Action.OPEN_VISA_CASE,
        Action.GRANT_VISA,
        Action.DEPART,
    ):
        perform(worker, action)

    assert worker.flag_overstay_risk(date(2027, 10, 6), at(2027, 10, 6)) == "visa_expired"
    assert worker.overstay_flagged_seasons == {2026, 2027}
