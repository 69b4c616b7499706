"""The worker's visa steps, driven by the visa service's events (see visa.py for the rule).

Each method returns True when the event moved the journey and False when it was ignored as
late, repeated or not for the current case: then nothing is recorded and nothing is raised.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from registry.domain import events
from registry.domain.journey import TRANSITIONS, Action, Stage
from registry.domain.visa import VisaCase, VisaStatus, check_validity
from registry.domain.worker_state import WorkerState


class VisaSteps(WorkerState):
    def record_visa_case_opened(self, case_id: UUID, now: datetime) -> bool:
        """A case was opened (or reopened after a refusal) for the accepted placement."""
        target = self._target_if_allowed(Action.OPEN_VISA_CASE)
        if target is None:
            return False
        self._put_visa_case(VisaCase(case_id, self._current_season(), VisaStatus.APPLIED, now))
        self._enter(target, events.VisaApplicationRecorded(self.id, now, case_id))
        return True

    def record_visa_granted(
        self, case_id: UUID, visa_start: date, visa_end: date, now: datetime
    ) -> bool:
        case = self._decidable_case(case_id, Action.GRANT_VISA)
        if case is None:
            return False
        check_validity(visa_start, visa_end)
        granted = replace(
            case,
            status=VisaStatus.GRANTED,
            visa_start=visa_start,
            visa_end=visa_end,
            decided_at=now,
        )
        self._put_visa_case(granted)
        event = events.VisaGrantRecorded(self.id, now, case_id, visa_start, visa_end)
        self._enter(Stage.VISA_GRANTED, event)
        return True

    def record_visa_refused(self, case_id: UUID, reason_code: str, now: datetime) -> bool:
        case = self._decidable_case(case_id, Action.REFUSE_VISA)
        if case is None:
            return False
        refused = replace(
            case, status=VisaStatus.REFUSED, refusal_reason=reason_code, decided_at=now
        )
        self._put_visa_case(refused)
        self._enter(
            Stage.VISA_REFUSED, events.VisaRefusalRecorded(self.id, now, case_id, reason_code)
        )
        return True

    def _target_if_allowed(self, action: Action) -> Stage | None:
        return TRANSITIONS[self.stage].get(action)

    def _decidable_case(self, case_id: UUID, action: Action) -> VisaCase | None:
        """The current case when a decision on ``case_id`` applies now; None to ignore it."""
        case = self.visa_case
        if self._target_if_allowed(action) is None or case is None or case.case_id != case_id:
            return None
        return case
