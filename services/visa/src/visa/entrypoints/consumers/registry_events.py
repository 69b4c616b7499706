"""The visa service's subscriptions to the registry's worker events: applicants' facts, accepted
placements (a case opens), withdrawals (cases close), departures and returns."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.registry import (
    PlacementAccepted,
    WorkerAssigned,
    WorkerDeparted,
    WorkerProfileUpdated,
    WorkerRegistered,
    WorkerReturned,
    WorkerWithdrawn,
)
from servicekit.messaging import EventRouter
from visa.application import registry_facts
from visa.application.unit_of_work import VisaUnitOfWork

router: EventRouter[VisaUnitOfWork] = EventRouter()


@router.on(WorkerRegistered)
async def on_registered(uow: VisaUnitOfWork, event: WorkerRegistered, _: CloudEvent) -> None:
    await registry_facts.remember_applicant(
        uow,
        worker_id=event.worker_id,
        organisation_id=event.organisation_id,
        date_of_birth=event.date_of_birth,
        passport_expiry=event.passport_expiry,
        as_of=event.registered_at,
    )


@router.on(WorkerAssigned)
async def on_assigned(uow: VisaUnitOfWork, event: WorkerAssigned, _: CloudEvent) -> None:
    """The assigned LMC or agency looks after the worker too, and sees the worker's cases."""
    await uow.organisations.grant_access(
        event.worker_id, event.assigned_organisation_id, "assigned"
    )


@router.on(WorkerProfileUpdated)
async def on_profile_updated(
    uow: VisaUnitOfWork, event: WorkerProfileUpdated, _: CloudEvent
) -> None:
    await registry_facts.remember_applicant(
        uow,
        worker_id=event.worker_id,
        organisation_id=event.organisation_id,
        date_of_birth=event.date_of_birth,
        passport_expiry=event.passport_expiry,
        as_of=event.occurred_at,
    )


@router.on(PlacementAccepted)
async def on_placement_accepted(
    uow: VisaUnitOfWork, event: PlacementAccepted, _: CloudEvent
) -> None:
    """An accepted placement opens the worker's visa case for that season."""
    await registry_facts.open_case(
        uow,
        worker_id=event.worker_id,
        organisation_id=event.organisation_id,
        operator_id=event.operator_id,
        placement_id=event.placement_id,
        placement_start=event.start_date,
        placement_end=event.end_date,
        accepted_at=event.occurred_at,
    )


@router.on(WorkerWithdrawn)
async def on_withdrawn(uow: VisaUnitOfWork, event: WorkerWithdrawn, _: CloudEvent) -> None:
    await registry_facts.withdraw(uow, event.worker_id, event.occurred_at)


@router.on(WorkerDeparted)
async def on_departed(uow: VisaUnitOfWork, event: WorkerDeparted, _: CloudEvent) -> None:
    await registry_facts.record_departure(
        uow, event.worker_id, event.placement_id, event.departure_date
    )


@router.on(WorkerReturned)
async def on_returned(uow: VisaUnitOfWork, event: WorkerReturned, _: CloudEvent) -> None:
    await registry_facts.record_return(uow, event.worker_id, event.return_date, event.occurred_at)
