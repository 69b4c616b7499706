"""The registry's subscriptions: visa decisions announced by the visa service."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.visa import VisaGranted, VisaRefused
from registry.application.unit_of_work import RegistryUnitOfWork
from servicekit.messaging import EventRouter

router: EventRouter[RegistryUnitOfWork] = EventRouter()


@router.on(VisaGranted)
async def on_visa_granted(
    uow: RegistryUnitOfWork, event: VisaGranted, envelope: CloudEvent
) -> None:
    await uow.workers.record_visa_decision(
        case_id=event.case_id,
        worker_id=event.worker_id,
        status="granted",
        visa_start=event.visa_start,
        visa_end=event.visa_end,
        decided_at=event.occurred_at,
    )


@router.on(VisaRefused)
async def on_visa_refused(
    uow: RegistryUnitOfWork, event: VisaRefused, envelope: CloudEvent
) -> None:
    await uow.workers.record_visa_decision(
        case_id=event.case_id,
        worker_id=event.worker_id,
        status="refused",
        visa_start=None,
        visa_end=None,
        decided_at=event.occurred_at,
    )
