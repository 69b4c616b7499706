"""What the service remembers of the journey, to route and word later messages: names of
organisations, placements (farm, operator, dates), visa cases, where each worker is."""

from __future__ import annotations

from contracts.base import IntegrationEvent
from contracts.events.organisation import OrganisationRegistered, OrganisationUpdated
from contracts.events.placement import PlacementAccepted, PlacementOffered
from contracts.events.registry import (
    WorkerArrived,
    WorkerDeparted,
    WorkerProfileUpdated,
    WorkerRegistered,
    WorkerReturned,
)
from contracts.events.visa import VisaCaseOpened
from notifications.adapters.journey import Placement
from notifications.application.unit_of_work import NotificationsUnitOfWork


async def remember(uow: NotificationsUnitOfWork, event: IntegrationEvent) -> None:
    """Record what ``event`` tells about the journey (before planning its messages)."""
    journey = uow.journey
    match event:
        case OrganisationRegistered() | OrganisationUpdated():
            active = event.active if isinstance(event, OrganisationUpdated) else True
            await journey.save_organisation(
                event.organisation_id, event.name, event.kind, active, event.occurred_at
            )
        case WorkerRegistered():
            await journey.save_worker(event.worker_id, event.organisation_id,
                                      event.preferred_language, event.registered_at)  # fmt: skip
        case WorkerProfileUpdated():
            await journey.save_worker(event.worker_id, event.organisation_id,
                                      event.preferred_language, event.occurred_at)  # fmt: skip
            if "preferred_language" in event.changed_fields:
                await uow.recipients.set_language(
                    event.worker_id, event.preferred_language, event.occurred_at
                )
        case PlacementOffered():
            await journey.save_placement(Placement(
                event.placement_id, event.worker_id, event.operator_id, event.farm_name,
                event.uk_region, event.sector, event.start_date, event.end_date))  # fmt: skip
        case PlacementAccepted():
            known = await journey.placement(event.placement_id)
            placement = Placement(
                event.placement_id, event.worker_id, event.operator_id,
                known.farm_name if known else None, known.uk_region if known else None,
                event.sector, event.start_date, event.end_date)  # fmt: skip
            await journey.save_placement(placement)
            await journey.move_worker(event.worker_id, event.organisation_id, event.occurred_at,
                                      placement=placement)  # fmt: skip
        case VisaCaseOpened():
            await journey.save_visa_case(
                event.case_id, event.worker_id, event.operator_id, event.placement_id
            )
        case WorkerDeparted():
            await journey.move_worker(
                event.worker_id, event.organisation_id, event.occurred_at, abroad=True,
                placement=await journey.placement(event.placement_id))  # fmt: skip
        case WorkerArrived():
            await journey.move_worker(
                event.worker_id, event.organisation_id, event.occurred_at, abroad=True
            )
        case WorkerReturned():
            await journey.move_worker(
                event.worker_id, event.organisation_id, event.occurred_at, abroad=False
            )
        case _:
            pass
