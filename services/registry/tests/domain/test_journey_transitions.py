"""Every stage x every action, against the transition table.

Allowed actions succeed, record one event and reach the table's stage; the others raise
IllegalTransition naming the stage and the allowed actions, and change nothing. The visa
service's events are the exception: out of place, they are ignored, never refused.
"""

from __future__ import annotations

import copy

import pytest
from domain.worker_builders import perform, worker_at

from registry.domain.errors import IllegalTransition
from registry.domain.journey import TRANSITIONS, Action, Stage, allowed_actions

VISA_ACTIONS = {Action.OPEN_VISA_CASE, Action.GRANT_VISA, Action.REFUSE_VISA}
CASES = [(stage, action) for stage in Stage for action in Action]
LEGAL = [(s, a) for s, a in CASES if a in TRANSITIONS[s]]
ILLEGAL = [(s, a) for s, a in CASES if a not in TRANSITIONS[s]]


def test_every_stage_has_a_way_on() -> None:
    assert set(TRANSITIONS) == set(Stage)
    assert all(TRANSITIONS[stage] for stage in Stage)


@pytest.mark.parametrize(("stage", "action"), LEGAL)
def test_a_legal_action_moves_to_the_tables_stage(stage: Stage, action: Action) -> None:
    worker = worker_at(stage)
    recorded = len(worker.events)

    result = perform(worker, action)

    assert result is not False
    assert worker.stage is TRANSITIONS[stage][action]
    assert len(worker.events) == recorded + 1


@pytest.mark.parametrize(("stage", "action"), [c for c in ILLEGAL if c[1] not in VISA_ACTIONS])
def test_an_illegal_action_is_refused_and_changes_nothing(stage: Stage, action: Action) -> None:
    worker = worker_at(stage)
    before = copy.deepcopy(worker)

    with pytest.raises(IllegalTransition) as raised:
        perform(worker, action)

    error = raised.value
    assert error.current_stage is stage
    assert error.action is action
    assert error.allowed_actions == allowed_actions(stage)
    assert stage.value in str(error)
    assert all(allowed.value in str(error) for allowed in allowed_actions(stage))
    assert worker == before
    assert worker.events == before.events


@pytest.mark.parametrize(("stage", "action"), [c for c in ILLEGAL if c[1] in VISA_ACTIONS])
def test_an_out_of_place_visa_event_is_ignored(stage: Stage, action: Action) -> None:
    worker = worker_at(stage)
    before = copy.deepcopy(worker)

    assert perform(worker, action) is False

    assert worker == before
    assert worker.events == before.events


def test_the_message_names_stage_and_next_steps() -> None:
    worker = worker_at(Stage.VISA_APPLIED)

    with pytest.raises(IllegalTransition, match="cannot depart a worker at stage visa_applied"):
        perform(worker, Action.DEPART)

    with pytest.raises(IllegalTransition, match="grant_visa, refuse_visa, withdraw"):
        perform(worker, Action.DEPART)


def test_declining_an_offer_returns_to_oriented_for_a_new_offer() -> None:
    worker = worker_at(Stage.OFFERED)

    perform(worker, Action.DECLINE_PLACEMENT)
    perform(worker, Action.OFFER_PLACEMENT)

    assert worker.stage is Stage.OFFERED
    assert [p.status.value for p in worker.placements] == ["declined", "offered"]


def test_a_new_offer_after_a_refusal_releases_the_refused_placement() -> None:
    worker = worker_at(Stage.VISA_REFUSED)
    refused_for = worker.accepted_placement

    perform(worker, Action.OFFER_PLACEMENT)
    perform(worker, Action.ACCEPT_PLACEMENT)

    assert refused_for is not None
    statuses = {p.id: p.status.value for p in worker.placements}
    assert statuses[refused_for.id] == "withdrawn"
    assert list(statuses.values()).count("accepted") == 1


def test_a_renewed_application_after_a_refusal_can_be_granted() -> None:
    worker = worker_at(Stage.VISA_REFUSED)

    perform(worker, Action.OPEN_VISA_CASE)
    perform(worker, Action.GRANT_VISA)

    assert worker.stage is Stage.VISA_GRANTED
    assert len(worker.visa_cases) == 2


def test_returned_worker_starts_a_new_season_by_screening() -> None:
    worker = worker_at(Stage.RETURNED)

    perform(worker, Action.SCREEN)
    for action in (Action.COMPLETE_ORIENTATION, Action.OFFER_PLACEMENT, Action.ACCEPT_PLACEMENT):
        perform(worker, action)

    assert worker.stage is Stage.MATCHED
    assert worker.season == 2027
    assert worker.orientation_done


def test_withdrawal_records_the_stage_and_releases_placements() -> None:
    worker = worker_at(Stage.MATCHED)

    perform(worker, Action.WITHDRAW)

    event = worker.events[-1]
    assert type(event).__name__ == "WorkerWithdrawn"
    assert worker.withdrawals[-1].from_stage is Stage.MATCHED
    assert worker.accepted_placement is None
    assert worker.pending_offer is None


def test_withdrawal_after_a_refusal_is_reported_as_visa_refused() -> None:
    worker = worker_at(Stage.VISA_REFUSED)

    worker.withdraw("visa refused twice", worker.registered_at)

    event = worker.events[-1]
    assert getattr(event, "stage", None) == "visa_refused"
    assert getattr(event, "from_stage", None) is Stage.VISA_REFUSED
