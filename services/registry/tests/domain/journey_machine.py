"""The journey commands of the worker state machine (test_worker_machine.py adds the rest).

Every command is tried at whatever stage the worker is in, with valid or deliberately invalid
data. The expected outcome comes from the transition table: a legal command with valid data
records exactly one event of its kind and reaches the table's stage; anything else raises and
changes nothing, except the visa service's events, which are ignored instead.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from domain.worker_builders import (
    OPERATOR,
    at,
    next_season,
    placement,
    registered,
    season_of,
    session,
    welfare_check,
)
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from registry.domain import events
from registry.domain.errors import DomainError, IllegalTransition
from registry.domain.journey import SEASON_OVER, TRANSITIONS, Action, Stage, allowed_actions
from registry.domain.orientation import MANDATORY_TOPICS
from registry.domain.worker import Worker

VISA_ACTIONS = {Action.OPEN_VISA_CASE, Action.GRANT_VISA, Action.REFUSE_VISA}
Call = Callable[[], object]


class JourneyCommands(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.worker: Worker = registered()

    # -- the check every journey command goes through -------------------------------------

    def step(self, action: Action, kind: type[events.DomainEvent], valid: bool, call: Call) -> None:
        stage, season = self.worker.stage, self.worker.season
        before, recorded = copy.deepcopy(self.worker), len(self.worker.events)
        allowed = action in TRANSITIONS[stage]
        if action in VISA_ACTIONS and not (allowed and valid):
            assert call() is False
            self.assert_unchanged(before, recorded)
        elif allowed and valid:
            call()
            new = self.worker.events[recorded:]
            assert len(new) == 1
            assert isinstance(new[0], kind)
            ineligible = isinstance(new[0], events.WorkerScreened) and not new[0].eligible
            assert self.worker.stage is (stage if ineligible else TRANSITIONS[stage][action])
            self.check_season_boundary(stage, season)
        else:
            with pytest.raises(DomainError) as raised:
                call()
            assert isinstance(raised.value, IllegalTransition) is not allowed
            self.assert_unchanged(before, recorded)

    def assert_unchanged(self, before: Worker, recorded: int) -> None:
        assert self.worker == before
        assert len(self.worker.events) == recorded

    def check_season_boundary(self, stage: Stage, season: int | None) -> None:
        # Returned and Withdrawn end their season: the only way on is a later season.
        if stage in SEASON_OVER and self.worker.stage is not stage:
            assert self.worker.stage is Stage.SCREENED
            assert season is None or (self.worker.season or 0) > season

    @property
    def year(self) -> int:
        return season_of(self.worker)

    # -- journey commands -----------------------------------------------------------------

    @rule(long_season=st.booleans(), same_year=st.booleans())
    def screen(self, long_season: bool, same_year: bool) -> None:
        season = self.worker.season
        repeat = same_year and season is not None
        year = season if repeat and season is not None else next_season(self.worker)
        end = date(year, 10, 31) if long_season else date(year, 9, 30)
        call = partial(self.worker.screen, date(year, 4, 1), end, at(year, 1, 10))
        self.step(Action.SCREEN, events.WorkerScreened, not repeat, call)

    @rule(complete=st.booleans())
    def complete_orientation(self, complete: bool) -> None:
        topics = MANDATORY_TOPICS if complete else MANDATORY_TOPICS - {"financial_literacy"}
        given, day = session(self.year, topics), date(self.year, 2, 1)
        call = partial(self.worker.complete_orientation, given, day, at(self.year, 2, 1))
        self.step(Action.COMPLETE_ORIENTATION, events.OrientationCompleted, complete, call)

    @rule(valid=st.booleans())
    def offer_placement(self, valid: bool) -> None:
        terms = placement(self.year, hourly_wage=Decimal("12.21") if valid else Decimal(0))
        call = partial(self.worker.offer_placement, terms, at(self.year, 2, 10))
        self.step(Action.OFFER_PLACEMENT, events.PlacementOffered, valid, call)

    @rule(right_offer=st.booleans(), accept=st.booleans())
    def answer_offer(self, right_offer: bool, accept: bool) -> None:
        offer = self.worker.pending_offer
        valid = right_offer and offer is not None
        placement_id = offer.id if valid and offer else uuid.uuid4()
        now = at(self.year, 2, 12)
        if accept:
            call: Call = partial(self.worker.accept_placement, placement_id, now)
            self.step(Action.ACCEPT_PLACEMENT, events.PlacementAccepted, valid, call)
        else:
            call = partial(self.worker.decline_placement, placement_id, "no", now)
            self.step(Action.DECLINE_PLACEMENT, events.PlacementDeclined, valid, call)

    @rule()
    def open_visa_case(self) -> None:
        call = partial(self.worker.record_visa_case_opened, uuid.uuid4(), at(self.year, 2, 15))
        self.step(Action.OPEN_VISA_CASE, events.VisaApplicationRecorded, True, call)

    @rule(grant=st.booleans(), same_case=st.booleans())
    def decide_visa(self, grant: bool, same_case: bool) -> None:
        case = self.worker.visa_case
        case_id = case.case_id if case and same_case else uuid.uuid4()
        valid, now = same_case and case is not None, at(self.year, 3, 10)
        if grant:
            start, end = date(self.year, 4, 1), date(self.year, 10, 5)
            call: Call = partial(self.worker.record_visa_granted, case_id, start, end, now)
            self.step(Action.GRANT_VISA, events.VisaGrantRecorded, valid, call)
        else:
            call = partial(self.worker.record_visa_refused, case_id, "documents", now)
            self.step(Action.REFUSE_VISA, events.VisaRefusalRecorded, valid, call)

    @rule(in_validity=st.booleans())
    def depart(self, in_validity: bool) -> None:
        day = date(self.year, 4, 5) if in_validity else date(self.year, 10, 6)
        call = partial(self.worker.depart, day, "KC941", "NQZ-LHR", at(self.year, 4, 5))
        self.step(Action.DEPART, events.WorkerDeparted, in_validity, call)

    @rule(right_operator=st.booleans())
    def confirm_arrival(self, right_operator: bool) -> None:
        operator = OPERATOR if right_operator else uuid.uuid4()
        day, now = date(self.year, 4, 6), at(self.year, 4, 6)
        call = partial(self.worker.confirm_arrival, day, operator, now)
        self.step(Action.CONFIRM_ARRIVAL, events.WorkerArrived, right_operator, call)

    @rule(score=st.integers(0, 6))
    def record_welfare_check(self, score: int) -> None:
        check = welfare_check(self.year, score)
        call = partial(self.worker.record_welfare_check, check, at(self.year, 5, 1))
        self.step(Action.RECORD_WELFARE_CHECK, events.WelfareCheckRecorded, 1 <= score <= 5, call)

    @rule()
    def end_contract(self) -> None:
        day, now = date(self.year, 9, 19), at(self.year, 9, 19)
        call = partial(self.worker.end_contract, day, "completed", now)
        self.step(Action.END_CONTRACT, events.ContractEnded, True, call)

    @rule()
    def record_return(self) -> None:
        call = partial(
            self.worker.record_return, date(self.year, 9, 20), None, at(self.year, 9, 20)
        )
        self.step(Action.RECORD_RETURN, events.WorkerReturned, True, call)

    @rule(reason=st.sampled_from(["found work at home", ""]))
    def withdraw(self, reason: str) -> None:
        call = partial(self.worker.withdraw, reason, at(self.year, 3, 1))
        self.step(Action.WITHDRAW, events.WorkerWithdrawn, bool(reason), call)

    # -- bias towards progress: random commands alone rarely get far past screening ----------

    @rule(pick=st.integers(0, 99))
    def advance(self, pick: int) -> None:
        """Take one of the legal steps at the current stage (rarely withdrawal), with valid data."""
        legal = allowed_actions(self.worker.stage)
        onward: list[Action] = [a for a in legal if a is not Action.WITHDRAW]
        if not onward or pick == 0:
            onward = list(legal)
        self.valid_command(onward[pick % len(onward)])

    @rule(pick=st.integers(0, 99))
    def advance_again(self, pick: int) -> None:
        self.advance(pick)

    def valid_command(self, action: Action) -> None:
        commands: dict[Action, Call] = {
            Action.SCREEN: lambda: self.screen(long_season=False, same_year=False),
            Action.COMPLETE_ORIENTATION: lambda: self.complete_orientation(complete=True),
            Action.OFFER_PLACEMENT: lambda: self.offer_placement(valid=True),
            Action.ACCEPT_PLACEMENT: lambda: self.answer_offer(right_offer=True, accept=True),
            Action.DECLINE_PLACEMENT: lambda: self.answer_offer(right_offer=True, accept=False),
            Action.OPEN_VISA_CASE: self.open_visa_case,
            Action.GRANT_VISA: lambda: self.decide_visa(grant=True, same_case=True),
            Action.REFUSE_VISA: lambda: self.decide_visa(grant=False, same_case=True),
            Action.DEPART: lambda: self.depart(in_validity=True),
            Action.CONFIRM_ARRIVAL: lambda: self.confirm_arrival(right_operator=True),
            Action.RECORD_WELFARE_CHECK: lambda: self.record_welfare_check(score=3),
            Action.END_CONTRACT: self.end_contract,
            Action.RECORD_RETURN: self.record_return,
            Action.WITHDRAW: lambda: self.withdraw(reason="moved away"),
        }
        commands[action]()
