"""The delivery log: what was sent to whom, when, and how it went."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from notifications.adapters.deliveries import Attempt, LogFilter
from notifications.application.permissions import log_scope
from notifications.domain.delivery import Delivery
from notifications.domain.errors import DeliveryNotFound
from notifications.domain.values import DeliveryStatus, RecipientKind
from notifications.entrypoints.api.dependencies import UnitOfWorkFactory
from notifications.entrypoints.api.schemas import AttemptPublic, DeliveryDetail, DeliveryPublic
from servicekit.access.http import CurrentPrincipal
from servicekit.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])
_PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem} for code in (401, 403, 404, 422)
}
Recipient = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[A-Za-z0-9-]+$",
        description="A worker's or organisation's id, or `ministry` / `glaa`.",
    ),
]


@router.get(
    "",
    response_model=Page[DeliveryPublic],
    responses=_PROBLEMS,
    operation_id="listDeliveries",
    summary="The delivery log, newest first",
    description="An organisation sees the deliveries to itself and to the workers it "
    "registered; the ministry and admins see all. Filter by `recipient`, `worker_id` or "
    "`status`.",
)
async def list_deliveries(
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    recipient: Recipient = None,
    worker_id: UUID | None = None,
    status: Literal["pending", "delivered", "failed", "skipped", "cancelled"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DeliveryPublic]:
    position = decode_cursor(cursor, 2)
    after = (datetime.fromisoformat(position[0]), UUID(position[1])) if position else None
    where = LogFilter(
        visible_to=log_scope(principal),
        recipient=recipient,
        worker_id=worker_id,
        status=DeliveryStatus(status) if status else None,
    )
    async with unit_of_work() as uow:
        found = await uow.deliveries.page(where, after, limit)
    next_cursor = (
        encode_cursor([found[-1].created_at.isoformat(), str(found[-1].id)])
        if len(found) == limit
        else None
    )
    return Page(items=[public(d) for d in found], next_cursor=next_cursor)


@router.get(
    "/{delivery_id}",
    response_model=DeliveryDetail,
    responses=_PROBLEMS,
    operation_id="getDelivery",
    summary="One delivery and each attempt made",
)
async def get_delivery(
    delivery_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> DeliveryDetail:
    async with unit_of_work() as uow:
        delivery = await uow.deliveries.get(delivery_id)
        if delivery is None or not visible(delivery, log_scope(principal)):
            raise DeliveryNotFound(delivery_id)
        attempts = await uow.deliveries.attempts(delivery_id)
    return DeliveryDetail(
        **public(delivery).model_dump(), attempt_log=[attempt_public(a) for a in attempts]
    )


def visible(delivery: Delivery, scope: UUID | None) -> bool:
    if scope is None:
        return True
    if delivery.recipient_kind is RecipientKind.ORGANISATION:
        return delivery.recipient_id == str(scope)
    return delivery.recipient_kind is RecipientKind.WORKER and delivery.organisation_id == scope


def public(delivery: Delivery) -> DeliveryPublic:
    return DeliveryPublic(
        id=delivery.id,
        status=delivery.status.value,
        status_reason=delivery.status_reason,
        recipient_kind=delivery.recipient_kind.value,
        recipient_id=delivery.recipient_id,
        worker_id=delivery.worker_id,
        channel=delivery.channel.value,
        address=delivery.address_masked,
        template=delivery.template,
        language=delivery.language.value,
        legally_required=delivery.legally_required,
        source_event_type=delivery.source_event_type,
        source_event_id=delivery.source_event_id,
        attempts=delivery.attempts,
        due_at=delivery.due_at,
        created_at=delivery.created_at,
        completed_at=delivery.completed_at,
    )


def attempt_public(attempt: Attempt) -> AttemptPublic:
    return AttemptPublic(
        attempt=attempt.attempt,
        at=attempt.at,
        outcome=attempt.outcome,
        error=attempt.error,
        duration_ms=attempt.duration_ms,
    )
