"""Subscriptions: who can be reached, and how."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from contracts.events.contact import WorkerContactDetailsChanged
from notifications.application.unit_of_work import NotificationsUnitOfWork
from servicekit.messaging import EventRouter

router: EventRouter[NotificationsUnitOfWork] = EventRouter()


@router.on(WorkerContactDetailsChanged)
async def on_contact_details_changed(
    uow: NotificationsUnitOfWork, event: WorkerContactDetailsChanged, envelope: CloudEvent
) -> None:
    await uow.recipients.save_contact(event)
