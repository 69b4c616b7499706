"""The registry's subscriptions: the visa service's case events move the journey."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.visa import VisaCaseOpened, VisaGranted, VisaRefused
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.application.visa_events import apply_visa_event
from servicekit.messaging import EventRouter

router: EventRouter[RegistryUnitOfWork] = EventRouter()


@router.on(VisaCaseOpened)
async def on_case_opened(uow: RegistryUnitOfWork, event: VisaCaseOpened, _: CloudEvent) -> None:
    await apply_visa_event(
        uow,
        event.worker_id,
        "visa.case_opened",
        lambda worker: worker.record_visa_case_opened(event.case_id, event.occurred_at),
    )


@router.on(VisaGranted)
async def on_visa_granted(uow: RegistryUnitOfWork, event: VisaGranted, _: CloudEvent) -> None:
    await apply_visa_event(
        uow,
        event.worker_id,
        "visa.granted",
        lambda worker: worker.record_visa_granted(
            event.case_id, event.visa_start, event.visa_end, event.occurred_at
        ),
    )


@router.on(VisaRefused)
async def on_visa_refused(uow: RegistryUnitOfWork, event: VisaRefused, _: CloudEvent) -> None:
    await apply_visa_event(
        uow,
        event.worker_id,
        "visa.refused",
        lambda worker: worker.record_visa_refused(
            event.case_id, event.reason_code, event.occurred_at
        ),
    )
