"""The worker's journey: its stages, the actions that move it, and the one transition table.

Read ``TRANSITIONS`` to know what may happen next at any stage. Actions that never change the
stage and are allowed at every stage (grievances, fee reports, overstay checks) are not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from registry.domain.errors import IllegalTransition


class Stage(StrEnum):
    REGISTERED = "registered"
    SCREENED = "screened"
    ORIENTED = "oriented"
    OFFERED = "offered"
    MATCHED = "matched"
    VISA_APPLIED = "visa_applied"
    VISA_GRANTED = "visa_granted"
    VISA_REFUSED = "visa_refused"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    CONTRACT_ENDED = "contract_ended"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    SCREEN = "screen"
    COMPLETE_ORIENTATION = "complete_orientation"
    OFFER_PLACEMENT = "offer_placement"
    ACCEPT_PLACEMENT = "accept_placement"
    DECLINE_PLACEMENT = "decline_placement"
    OPEN_VISA_CASE = "open_visa_case"
    GRANT_VISA = "grant_visa"
    REFUSE_VISA = "refuse_visa"
    DEPART = "depart"
    CONFIRM_ARRIVAL = "confirm_arrival"
    RECORD_WELFARE_CHECK = "record_welfare_check"
    END_CONTRACT = "end_contract"
    RECORD_RETURN = "record_return"
    WITHDRAW = "withdraw"


_WITHDRAW = {Action.WITHDRAW: Stage.WITHDRAWN}

# stage -> {action allowed there -> stage after it succeeds}. An ineligible screening and a
# welfare check leave the stage as it is; everything else moves to the stage named here.
TRANSITIONS: Mapping[Stage, Mapping[Action, Stage]] = {
    Stage.REGISTERED: {Action.SCREEN: Stage.SCREENED, **_WITHDRAW},
    Stage.SCREENED: {Action.COMPLETE_ORIENTATION: Stage.ORIENTED, **_WITHDRAW},
    Stage.ORIENTED: {Action.OFFER_PLACEMENT: Stage.OFFERED, **_WITHDRAW},
    Stage.OFFERED: {
        Action.ACCEPT_PLACEMENT: Stage.MATCHED,
        Action.DECLINE_PLACEMENT: Stage.ORIENTED,
        **_WITHDRAW,
    },
    Stage.MATCHED: {Action.OPEN_VISA_CASE: Stage.VISA_APPLIED, **_WITHDRAW},
    Stage.VISA_APPLIED: {
        Action.GRANT_VISA: Stage.VISA_GRANTED,
        Action.REFUSE_VISA: Stage.VISA_REFUSED,
        **_WITHDRAW,
    },
    Stage.VISA_GRANTED: {Action.DEPART: Stage.DEPARTED, **_WITHDRAW},
    # After a refusal: a new offer, a renewed application (the visa service reopens), or leave.
    Stage.VISA_REFUSED: {
        Action.OFFER_PLACEMENT: Stage.OFFERED,
        Action.OPEN_VISA_CASE: Stage.VISA_APPLIED,
        **_WITHDRAW,
    },
    # Returning straight from Departed covers a worker turned back before the operator confirmed
    # arrival; otherwise nobody could ever close that trip.
    Stage.DEPARTED: {
        Action.CONFIRM_ARRIVAL: Stage.ARRIVED,
        Action.RECORD_WELFARE_CHECK: Stage.DEPARTED,
        Action.RECORD_RETURN: Stage.RETURNED,
    },
    Stage.ARRIVED: {
        Action.END_CONTRACT: Stage.CONTRACT_ENDED,
        Action.RECORD_WELFARE_CHECK: Stage.ARRIVED,
    },
    Stage.CONTRACT_ENDED: {
        Action.RECORD_RETURN: Stage.RETURNED,
        Action.RECORD_WELFARE_CHECK: Stage.CONTRACT_ENDED,
    },
    # Returned and Withdrawn end a season; screening again starts the next one.
    Stage.RETURNED: {Action.SCREEN: Stage.SCREENED},
    Stage.WITHDRAWN: {Action.SCREEN: Stage.SCREENED},
}

ABROAD: frozenset[Stage] = frozenset({Stage.DEPARTED, Stage.ARRIVED, Stage.CONTRACT_ENDED})
SEASON_OVER: frozenset[Stage] = frozenset({Stage.RETURNED, Stage.WITHDRAWN})

# Mirrors contracts' PreDepartureStage: the stages a WorkerWithdrawn event may name.
WithdrawalStage = Literal[
    "registered",
    "screened",
    "oriented",
    "offered",
    "matched",
    "visa_applied",
    "visa_granted",
    "visa_refused",
]
_WITHDRAWAL_STAGES: Mapping[Stage, WithdrawalStage] = {
    Stage.REGISTERED: "registered",
    Stage.SCREENED: "screened",
    Stage.ORIENTED: "oriented",
    Stage.OFFERED: "offered",
    Stage.MATCHED: "matched",
    Stage.VISA_APPLIED: "visa_applied",
    Stage.VISA_GRANTED: "visa_granted",
    Stage.VISA_REFUSED: "visa_refused",
}


def allowed_actions(stage: Stage) -> tuple[Action, ...]:
    return tuple(TRANSITIONS[stage])


def next_stage(stage: Stage, action: Action) -> Stage:
    """The stage ``action`` leads to from ``stage``; IllegalTransition when it is not allowed."""
    target = TRANSITIONS[stage].get(action)
    if target is None:
        raise IllegalTransition(stage, action, allowed_actions(stage))
    return target


def withdrawal_stage(stage: Stage) -> WithdrawalStage:
    """The stage a withdrawal from ``stage`` is reported as (the contract's names)."""
    return _WITHDRAWAL_STAGES[stage]


@dataclass(frozen=True)
class Withdrawal:
    season: int | None  # None when the worker withdrew before any eligible screening
    from_stage: Stage
    reason: str
    withdrawn_at: datetime
