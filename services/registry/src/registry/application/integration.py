"""The one place where the registry's domain events become contract events."""

from __future__ import annotations

from collections.abc import Sequence

from contracts.base import IntegrationEvent
from contracts.events.contact import WorkerContactDetailsChanged
from contracts.events.registry import WorkerRegistered as WorkerRegisteredV1
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain import events
from registry.domain.worker import Worker


def contract_events(worker: Worker, event: events.DomainEvent) -> Sequence[IntegrationEvent]:
    profile = worker.profile
    if isinstance(event, events.WorkerRegistered):
        return (
            WorkerRegisteredV1(
                worker_id=worker.id,
                organisation_id=worker.organisation_id,
                region=profile.region,
                sex=profile.sex.value,
                date_of_birth=profile.date_of_birth,
                preferred_language=profile.preferred_language.value,
                passport_expiry=profile.passport_expiry,
                registered_at=event.occurred_at,
            ),
            WorkerContactDetailsChanged(
                worker_id=worker.id,
                organisation_id=worker.organisation_id,
                full_name=profile.full_name,
                phone=profile.phone,
                email=profile.email,
                preferred_language=profile.preferred_language.value,
                sms_consent=profile.phone is not None,
                email_consent=profile.email is not None,
                occurred_at=event.occurred_at,
            ),
        )
    raise TypeError(f"no contract event for {type(event).__name__}")


async def publish_events_of_many(uow: RegistryUnitOfWork, workers: Sequence[Worker]) -> None:
    """As publish_events, for many workers in one statement (bulk registration)."""
    events = [
        (contract_event, str(worker.id), str(worker.id), str(worker.organisation_id))
        for worker in workers
        for event in worker.events
        for contract_event in contract_events(worker, event)
    ]
    await uow.publish_many(events)
    for worker in workers:
        worker.events.clear()


async def publish_events(uow: RegistryUnitOfWork, worker: Worker) -> None:
    """Publish (through the outbox) the contract events of the worker's new domain events."""
    for event in worker.events:
        for contract_event in contract_events(worker, event):
            await uow.publish(
                contract_event,
                subject=str(worker.id),
                key=str(worker.id),
                organisation_id=str(worker.organisation_id),
            )
    worker.events.clear()
