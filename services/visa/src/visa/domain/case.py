"""The visa case aggregate: one worker, one accepted placement, one season. No I/O here.

A case goes through the application steps (case_steps.py), may be reopened after a refusal
for a new attempt (same case id, a new CoS: each CoS serves one application), and closes when
the worker withdraws, the CoS lapses unused, a refusal becomes final or a granted worker
returns. Events about the worker come from the registry and may arrive late or twice: the
methods driven by them return False and change nothing when they no longer apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from visa.domain.applicant import Period
from visa.domain.case_steps import ApplicationSteps
from visa.domain.errors import PlacementOver
from visa.domain.events import CaseClosed, CaseEvent, CaseOpened, VisaExpiring
from visa.domain.expiry import due_notice
from visa.domain.records import Application, Attempt, Closure, Decision, Sponsorship
from visa.domain.status import CLOSURES, OPEN_STATUSES, Action, CaseStatus, ClosureReason


@dataclass
class VisaCase(ApplicationSteps):
    id: UUID
    worker_id: UUID
    organisation_id: UUID  # the LMC or agency that registered the worker
    operator_id: UUID  # the scheme operator of the placement: the sponsor
    placement_id: UUID
    season: int
    placement_start: date
    placement_end: date
    accepted_at: datetime  # when the registry recorded the acceptance (its clock)
    opened_at: datetime
    status: CaseStatus = CaseStatus.OPEN
    attempt: int = 1
    sponsorship: Sponsorship | None = None
    application: Application | None = None
    biometrics_on: date | None = None
    decision: Decision | None = None
    closure: Closure | None = None
    departed_on: date | None = None
    returned_on: date | None = None
    expiry_notices: tuple[int, ...] = ()
    previous_attempts: tuple[Attempt, ...] = ()
    events: list[CaseEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open_for_placement(
        cls,
        *,
        case_id: UUID,
        worker_id: UUID,
        organisation_id: UUID,
        operator_id: UUID,
        placement_id: UUID,
        placement_start: date,
        placement_end: date,
        accepted_at: datetime,
        now: datetime,
    ) -> VisaCase:
        case = cls(
            id=case_id,
            worker_id=worker_id,
            organisation_id=organisation_id,
            operator_id=operator_id,
            placement_id=placement_id,
            season=placement_start.year,
            placement_start=placement_start,
            placement_end=placement_end,
            accepted_at=accepted_at,
            opened_at=now,
        )
        case.events.append(CaseOpened(case_id, now, attempt=1))
        return case

    @property
    def is_open(self) -> bool:
        """Counts towards the one open case a worker may have per season."""
        return self.status in OPEN_STATUSES

    @property
    def granted_visa(self) -> Period | None:
        d = self.decision
        if d is None or not d.granted or d.visa_start is None or d.visa_end is None:
            return None
        if self.closure is not None and self.closure.reason == "withdrawn":
            return None  # never used: the worker withdrew before departure
        return Period(d.visa_start, d.visa_end)

    def reopen(self, today: date, now: datetime) -> None:
        """A refused case opens again for a new application: the refused attempt is kept, and
        a new CoS is needed (each CoS serves one application)."""
        target = self._target(Action.REOPEN)
        if today > self.placement_end:
            raise PlacementOver(
                f"the placement ended on {self.placement_end.isoformat()}: nothing to apply for",
                field="case.placement_end",
            )
        finished = Attempt(
            self.attempt, self.sponsorship, self.application, self.biometrics_on, self.decision
        )
        self.previous_attempts = (*self.previous_attempts, finished)
        self.attempt += 1
        self.sponsorship = self.application = self.decision = None
        self.biometrics_on = None
        self.expiry_notices = ()
        self._enter(target, CaseOpened(self.id, now, attempt=self.attempt))

    def close(self, reason: ClosureReason, now: datetime) -> bool:
        """Close for ``reason`` if the case's status allows it; False (no change) otherwise."""
        if self.status not in CLOSURES[reason]:
            return False
        self.closure = Closure(reason, now)
        self._enter(CaseStatus.CLOSED, CaseClosed(self.id, now, reason))
        return True

    def lapse_if_due(self, today: date, now: datetime) -> bool:
        """A CoS that expired with no application submitted closes the case (lapsed)."""
        cos = self.sponsorship
        if self.status is not CaseStatus.SPONSORED or cos is None or today <= cos.expires_on:
            return False
        return self.close("lapsed", now)

    def finish_refusal_if_over(self, today: date, now: datetime) -> bool:
        """A refusal not reopened by the end of the placement is final."""
        if self.status is not CaseStatus.REFUSED or today <= self.placement_end:
            return False
        return self.close("refused_final", now)

    def withdraw(self, withdrawn_at: datetime, now: datetime) -> bool:
        """The worker withdrew (registry's time ``withdrawn_at``): close, unless the case was
        opened for an acceptance after the withdrawal (a late or replayed event) or its visa was
        used already (one withdraws only before departure: that was an earlier season)."""
        if self.accepted_at > withdrawn_at or self.departed_on is not None:
            return False
        return self.close("withdrawn", now)

    def record_departure(self, placement_id: UUID, departed_on: date) -> bool:
        if self.placement_id != placement_id or self.status is not CaseStatus.GRANTED:
            return False
        if self.departed_on == departed_on:
            return False
        self.departed_on = departed_on
        return True

    def record_return(self, returned_on: date, returned_at: datetime, now: datetime) -> bool:
        """A granted worker came back: the case is completed and no expiry notice follows."""
        if self.accepted_at > returned_at or self.status is not CaseStatus.GRANTED:
            return False
        self.returned_on = returned_on
        return self.close("completed", now)

    def note_expiry(self, today: date, now: datetime) -> int | None:
        """Announce the visa's end at the threshold reached today, once per threshold."""
        visa = self.granted_visa
        if self.status is not CaseStatus.GRANTED or visa is None:
            return None
        threshold = due_notice(visa.end, today, self.expiry_notices)
        if threshold is None:
            return None
        self.expiry_notices = (*self.expiry_notices, threshold)
        self.events.append(VisaExpiring(self.id, now, threshold))
        return threshold


def make_way_for(
    season_cases: Sequence[VisaCase], accepted_at: datetime, now: datetime
) -> list[VisaCase] | None:
    """A newer acceptance in the season supersedes the worker's other cases of that season
    (their placement no longer goes ahead, as the registry records it): a refused case closes
    as a final refusal, any other as withdrawn. Returns the cases closed, or None when one of
    them came from a later acceptance: then this acceptance is late and opens nothing."""
    if any(case.accepted_at > accepted_at for case in season_cases):
        return None
    closed = []
    for case in season_cases:
        reason: ClosureReason = (
            "refused_final" if case.status is CaseStatus.REFUSED else "withdrawn"
        )
        if case.close(reason, now):
            closed.append(case)
    return closed
