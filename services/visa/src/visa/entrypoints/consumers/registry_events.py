"""The visa service's subscriptions to the registry: applicants' facts and accepted placements."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from contracts.envelope import CloudEvent
from contracts.events.registry import PlacementAccepted, WorkerProfileUpdated, WorkerRegistered
from servicekit.messaging import EventRouter
from visa.application.integration import publish_events
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.case import VisaCase

router: EventRouter[VisaUnitOfWork] = EventRouter()


async def remember_applicant(
    uow: VisaUnitOfWork, event: WorkerRegistered | WorkerProfileUpdated, envelope: CloudEvent
) -> None:
    """Keep the facts the visa rules need: date of birth and passport expiry."""
    await uow.applicants.save(
        worker_id=event.worker_id,
        organisation_id=event.organisation_id,
        date_of_birth=event.date_of_birth,
        passport_expiry=event.passport_expiry,
    )


router.add(WorkerRegistered, remember_applicant)
router.add(WorkerProfileUpdated, remember_applicant)


@router.on(PlacementAccepted)
async def on_placement_accepted(
    uow: VisaUnitOfWork, event: PlacementAccepted, envelope: CloudEvent
) -> None:
    """An accepted placement opens the worker's visa case for that season."""
    case = VisaCase.open_for_placement(
        case_id=uuid.uuid4(),
        worker_id=event.worker_id,
        organisation_id=event.organisation_id,
        operator_id=event.operator_id,
        placement_id=event.placement_id,
        placement_start=event.start_date,
        placement_end=event.end_date,
        now=datetime.now(UTC),
    )
    if await uow.cases.add(case):
        await publish_events(uow, case)
