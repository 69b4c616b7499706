"""The visa service's subscription to organisations: kind, active, licence (who may sponsor,
whose keys still work). The keys themselves are replicated by the kit (bootstrap.py)."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.organisation import OrganisationRegistered, OrganisationUpdated
from servicekit.messaging import EventRouter
from visa.application.registry_facts import remember_organisation
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.organisation import Organisation

router: EventRouter[VisaUnitOfWork] = EventRouter()


@router.on(OrganisationRegistered)
async def on_registered(uow: VisaUnitOfWork, event: OrganisationRegistered, _: CloudEvent) -> None:
    organisation = Organisation(
        id=event.organisation_id,
        kind=event.kind,
        active=True,
        licence_number=event.licence_number,
        licence_valid_until=event.licence_valid_until,
    )
    await remember_organisation(uow, organisation, event.occurred_at)


@router.on(OrganisationUpdated)
async def on_updated(uow: VisaUnitOfWork, event: OrganisationUpdated, _: CloudEvent) -> None:
    organisation = Organisation(
        id=event.organisation_id,
        kind=event.kind,
        active=event.active,
        licence_number=event.licence_number,
        licence_valid_until=event.licence_valid_until,
    )
    await remember_organisation(uow, organisation, event.occurred_at)
