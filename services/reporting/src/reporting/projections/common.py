"""What the projections share: the day an event happened, and the worker's current journey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from reporting.application.unit_of_work import ReportingUnitOfWork


def day_of(moment: datetime) -> date:
    """The calendar day (UTC) of an event's timestamp."""
    return moment.astimezone(UTC).date()


@dataclass(frozen=True)
class CurrentJourney:
    worker_id: UUID
    number: int
    season: int | None
    stage: str


async def current_journey(
    uow: ReportingUnitOfWork, worker_id: UUID, organisation_id: UUID, at: datetime
) -> CurrentJourney:
    """The worker's current journey, locked for this transaction.

    The worker's registration is always its first event, so both rows normally exist; should it
    have been dead-lettered, the rows are created here so the later facts are not lost.
    """
    await uow.conn.execute(
        "INSERT INTO worker (worker_id, pseudonym, organisation_id) VALUES ($1, $2, $3)"
        " ON CONFLICT (worker_id) DO NOTHING",
        worker_id,
        uow.pseudonyms.of(worker_id),
        organisation_id,
    )
    row = await uow.conn.fetchrow(
        "SELECT j.journey_no, j.season, j.stage FROM worker w"
        " JOIN journey j ON j.worker_id = w.worker_id AND j.journey_no = w.current_journey"
        " WHERE w.worker_id = $1 FOR UPDATE",
        worker_id,
    )
    if row is None:
        await uow.conn.execute(
            "INSERT INTO journey (worker_id, journey_no, organisation_id, stage, started_on)"
            " SELECT worker_id, current_journey, $2, 'registered', $3 FROM worker"
            " WHERE worker_id = $1",
            worker_id,
            organisation_id,
            day_of(at),
        )
        return await current_journey(uow, worker_id, organisation_id, at)
    return CurrentJourney(worker_id, row["journey_no"], row["season"], row["stage"])


# Touching the worker and its current journey locks both rows (as FOR UPDATE would) and
# returns the journey: one round trip for what every journey event starts with.
_TOUCH_CURRENT = """
WITH w AS (
    UPDATE worker SET last_event_at = greatest(last_event_at, $2) WHERE worker_id = $1
    RETURNING current_journey)
UPDATE journey j SET last_event_at = greatest(j.last_event_at, $2) FROM w
WHERE j.worker_id = $1 AND j.journey_no = w.current_journey
RETURNING j.journey_no, j.season, j.stage
"""


async def touched_journey(
    uow: ReportingUnitOfWork, worker_id: UUID, organisation_id: UUID, at: datetime
) -> CurrentJourney:
    """The worker's current journey, locked, with ``at`` remembered as its latest fact's time
    (on the journey and on the worker)."""
    row = await uow.conn.fetchrow(_TOUCH_CURRENT, worker_id, at)
    if row is None:  # no worker or journey row yet: create them, then touch
        await current_journey(uow, worker_id, organisation_id, at)
        row = await uow.conn.fetchrow(_TOUCH_CURRENT, worker_id, at)
    return CurrentJourney(worker_id, row["journey_no"], row["season"], row["stage"])
