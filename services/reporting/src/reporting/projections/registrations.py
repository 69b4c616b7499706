"""The registrations projection: how many workers were registered, by region and year.

It is idempotent because the inbox lets each event through once."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.registry import WorkerRegistered
from reporting.application.unit_of_work import ReportingUnitOfWork
from servicekit.messaging import EventRouter

router: EventRouter[ReportingUnitOfWork] = EventRouter()


@router.on(WorkerRegistered)
async def count_registration(
    uow: ReportingUnitOfWork, event: WorkerRegistered, envelope: CloudEvent
) -> None:
    await uow.conn.execute(
        "INSERT INTO registrations (region, organisation_id, sex, year, workers)"
        " VALUES ($1, $2, $3, $4, 1) ON CONFLICT (region, organisation_id, sex, year)"
        " DO UPDATE SET workers = registrations.workers + 1",
        event.region,
        event.organisation_id,
        event.sex,
        event.registered_at.year,
    )
