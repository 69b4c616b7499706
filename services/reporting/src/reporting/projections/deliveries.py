"""Notification outcomes, from ``notifications.delivery.v1``: delivery rates by channel."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contracts.envelope import CloudEvent
from contracts.events.notifications import NotificationDelivered, NotificationFailed
from reporting.application.unit_of_work import ReportingUnitOfWork
from reporting.projections.common import day_of
from servicekit.messaging import EventRouter

router: EventRouter[ReportingUnitOfWork] = EventRouter()


async def _save(
    uow: ReportingUnitOfWork,
    event: NotificationDelivered | NotificationFailed,
    delivery_id: UUID,
    status: str,
    at: datetime,
) -> None:
    # The recipient id is an organisation's or a worker's id (or "glaa"), never an address.
    await uow.conn.execute(
        "INSERT INTO delivery (delivery_id, worker_id, recipient_kind, recipient_id, channel,"
        " template, language, status, attempts, occurred_on)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (delivery_id) DO UPDATE"
        " SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,"
        " occurred_on = EXCLUDED.occurred_on",
        delivery_id,
        event.worker_id,
        event.recipient_kind,
        event.recipient_id,
        event.channel,
        event.template,
        event.language,
        status,
        event.attempts,
        day_of(at),
    )


@router.on(NotificationDelivered)
async def delivered(uow: ReportingUnitOfWork, event: NotificationDelivered, _: CloudEvent) -> None:
    await _save(uow, event, event.delivery_id, "delivered", event.delivered_at)


@router.on(NotificationFailed)
async def failed(uow: ReportingUnitOfWork, event: NotificationFailed, _: CloudEvent) -> None:
    await _save(uow, event, event.delivery_id, "failed", event.failed_at)
