"""Organisations, from ``registry.organisation.v1``: names and kinds for grouping figures."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.organisation import OrganisationRegistered, OrganisationUpdated
from reporting.application.unit_of_work import ReportingUnitOfWork
from servicekit.messaging import EventRouter

router: EventRouter[ReportingUnitOfWork] = EventRouter()


async def save_organisation(
    uow: ReportingUnitOfWork,
    event: OrganisationRegistered | OrganisationUpdated,
    _: CloudEvent,
) -> None:
    active = event.active if isinstance(event, OrganisationUpdated) else True
    await uow.conn.execute(
        "INSERT INTO organisation (organisation_id, name, kind, region, active)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id) DO UPDATE"
        " SET name = EXCLUDED.name, kind = EXCLUDED.kind, region = EXCLUDED.region,"
        " active = EXCLUDED.active",
        event.organisation_id,
        event.name,
        event.kind,
        event.region,
        active,
    )


router.add(OrganisationRegistered, save_organisation)
router.add(OrganisationUpdated, save_organisation)
