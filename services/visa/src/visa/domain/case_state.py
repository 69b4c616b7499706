"""What the case's steps share: the aggregate's attributes and moving it through the table.

``VisaCase`` (case.py) declares these attributes as dataclass fields; the application steps live
in case_steps.py so that no file grows too long.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from visa.domain.errors import (
    BiometricsMissing,
    CosMissing,
    DecisionBeforeSubmission,
    IllegalCaseAction,
)
from visa.domain.events import CaseEvent
from visa.domain.records import Application, Attempt, Closure, Decision, Sponsorship
from visa.domain.status import TRANSITIONS, Action, CaseStatus, allowed_actions

_NOT_YET: dict[tuple[CaseStatus, Action], type[IllegalCaseAction]] = {
    (CaseStatus.OPEN, Action.SUBMIT_APPLICATION): CosMissing,
    (CaseStatus.OPEN, Action.GRANT): DecisionBeforeSubmission,
    (CaseStatus.OPEN, Action.REFUSE): DecisionBeforeSubmission,
    (CaseStatus.SPONSORED, Action.GRANT): DecisionBeforeSubmission,
    (CaseStatus.SPONSORED, Action.REFUSE): DecisionBeforeSubmission,
    (CaseStatus.SUBMITTED, Action.GRANT): BiometricsMissing,
}


class CaseState:
    id: UUID
    worker_id: UUID
    organisation_id: UUID
    operator_id: UUID
    placement_id: UUID
    season: int
    placement_start: date
    placement_end: date
    accepted_at: datetime
    opened_at: datetime
    status: CaseStatus
    attempt: int
    sponsorship: Sponsorship | None
    application: Application | None
    biometrics_on: date | None
    decision: Decision | None
    closure: Closure | None
    departed_on: date | None
    returned_on: date | None
    expiry_notices: tuple[int, ...]
    previous_attempts: tuple[Attempt, ...]
    events: list[CaseEvent]

    def _target(self, action: Action) -> CaseStatus:
        """Where ``action`` leads; checked before anything else, so nothing changes if illegal.
        The error says why (no CoS yet, no application yet...) where there is a specific one."""
        target = TRANSITIONS[self.status].get(action)
        if target is None:
            error = _NOT_YET.get((self.status, action), IllegalCaseAction)
            raise error(self.status.value, action.value, allowed_actions(self.status))
        return target

    def _enter(self, status: CaseStatus, event: CaseEvent) -> None:
        self.status = status
        self.events.append(event)

    def _sponsorship(self) -> Sponsorship:
        if self.sponsorship is None:  # the transition table makes this unreachable
            raise CosMissing(self.status.value, "submit_application", ())
        return self.sponsorship

    def _application(self) -> Application:
        if self.application is None:  # the transition table makes this unreachable
            raise DecisionBeforeSubmission(self.status.value, "decide", ())
        return self.application
