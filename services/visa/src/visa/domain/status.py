"""The case's state machine: its statuses, the actions that move it, and the one table.

open ──assign_cos──► sponsored ──submit──► submitted ──record_biometrics──► biometrics_recorded
                         │                     │                                │
                      (lapse)               refuse                       grant │ refuse
                         ▼                     ▼                                ▼
                      closed ◄── close ── refused ──reopen──► open          granted
Every status but closed may be closed (withdrawn; completed once a granted worker returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal


class CaseStatus(StrEnum):
    OPEN = "open"  # waiting for a Certificate of Sponsorship
    SPONSORED = "sponsored"
    SUBMITTED = "submitted"
    BIOMETRICS_RECORDED = "biometrics_recorded"
    GRANTED = "granted"
    REFUSED = "refused"
    CLOSED = "closed"


class Action(StrEnum):
    ASSIGN_COS = "assign_cos"
    SUBMIT_APPLICATION = "submit_application"
    RECORD_BIOMETRICS = "record_biometrics"
    GRANT = "grant"
    REFUSE = "refuse"
    REOPEN = "reopen"
    CLOSE = "close"


ClosureReason = Literal["withdrawn", "lapsed", "refused_final", "completed"]

_CLOSE = {Action.CLOSE: CaseStatus.CLOSED}

TRANSITIONS: Mapping[CaseStatus, Mapping[Action, CaseStatus]] = {
    CaseStatus.OPEN: {Action.ASSIGN_COS: CaseStatus.SPONSORED, **_CLOSE},
    CaseStatus.SPONSORED: {Action.SUBMIT_APPLICATION: CaseStatus.SUBMITTED, **_CLOSE},
    CaseStatus.SUBMITTED: {
        Action.RECORD_BIOMETRICS: CaseStatus.BIOMETRICS_RECORDED,
        Action.REFUSE: CaseStatus.REFUSED,
        **_CLOSE,
    },
    CaseStatus.BIOMETRICS_RECORDED: {
        Action.GRANT: CaseStatus.GRANTED,
        Action.REFUSE: CaseStatus.REFUSED,
        **_CLOSE,
    },
    CaseStatus.GRANTED: dict(_CLOSE),
    CaseStatus.REFUSED: {Action.REOPEN: CaseStatus.OPEN, **_CLOSE},
    CaseStatus.CLOSED: {},
}

# A worker has at most one case in these statuses per season (a refused case waits to be
# reopened or superseded; a closed one is over).
OPEN_STATUSES: frozenset[CaseStatus] = frozenset(
    {
        CaseStatus.OPEN,
        CaseStatus.SPONSORED,
        CaseStatus.SUBMITTED,
        CaseStatus.BIOMETRICS_RECORDED,
        CaseStatus.GRANTED,
    }
)
# Closures allowed from each status (beyond the table: why a case may close from where it is).
CLOSURES: Mapping[ClosureReason, frozenset[CaseStatus]] = {
    "withdrawn": frozenset(TRANSITIONS) - {CaseStatus.CLOSED},
    "lapsed": frozenset({CaseStatus.SPONSORED}),
    "refused_final": frozenset({CaseStatus.REFUSED}),
    "completed": frozenset({CaseStatus.GRANTED}),
}


def allowed_actions(status: CaseStatus) -> tuple[str, ...]:
    return tuple(action.value for action in TRANSITIONS[status])
