"""The one place where deliveries' outcomes become contract events
(NotificationDelivered, NotificationFailed on notifications.delivery.v1)."""

from __future__ import annotations

from datetime import datetime

from contracts.events.notifications import NotificationDelivered, NotificationFailed
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.delivery import Delivery
from notifications.domain.masking import mask_text


async def publish_delivered(
    uow: NotificationsUnitOfWork, delivery: Delivery, attempts: int, at: datetime
) -> None:
    event = NotificationDelivered(**_common(delivery), attempts=attempts, delivered_at=at)
    await _publish(uow, delivery, event)


async def publish_failed(
    uow: NotificationsUnitOfWork, delivery: Delivery, attempts: int, at: datetime, error: str
) -> None:
    event = NotificationFailed(
        **_common(delivery),
        attempts=max(1, attempts),
        failed_at=at,
        error=mask_text(error)[:2000] or "unknown error",
    )
    await _publish(uow, delivery, event)


def _common(delivery: Delivery) -> dict[str, object]:
    return {
        "delivery_id": delivery.id,
        "recipient_kind": delivery.recipient_kind.value,
        "recipient_id": delivery.recipient_id,
        "worker_id": delivery.worker_id,
        "channel": delivery.channel.value,
        "source_event_type": delivery.source_event_type,
        "source_event_id": delivery.source_event_id,
        "template": delivery.template,
        "language": delivery.language.value,
    }


async def _publish(
    uow: NotificationsUnitOfWork,
    delivery: Delivery,
    event: NotificationDelivered | NotificationFailed,
) -> None:
    await uow.publish(
        event,
        subject=str(delivery.id),
        key=delivery.recipient_id,
        organisation_id=str(delivery.organisation_id) if delivery.organisation_id else None,
    )
