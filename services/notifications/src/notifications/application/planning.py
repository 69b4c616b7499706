"""From an event to the deliveries it causes, in the transaction that applies the event.

The routing table says who is told; this module finds the recipients (the worker, the
registering organisation, the operator concerned, the ministry and the GLAA), gathers what the
messages will say (the event's data, names of organisations, the placement) and queues one
delivery per recipient and channel. The unique key of a delivery (source event, recipient,
channel, template) makes a redelivered or replayed event queue nothing new.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent
from notifications.adapters.journey import Placement
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.delivery import Delivery, circuit_key
from notifications.domain.routing import ROUTING, Route, RoutingTable
from notifications.domain.values import (
    AUTHORITY_IDS,
    Audience,
    DeliveryStatus,
    Language,
    RecipientKind,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanningPolicy:
    home_zone: ZoneInfo
    abroad_zone: ZoneInfo
    authority_languages: dict[RecipientKind, Language]


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    id: str
    language: Language


class Planner:
    def __init__(
        self,
        policy: PlanningPolicy,
        routing: RoutingTable = ROUTING,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.policy = policy
        self.routing = routing
        self._clock = clock

    async def plan(
        self, uow: NotificationsUnitOfWork, event: IntegrationEvent, envelope: CloudEvent
    ) -> list[UUID]:
        """Queue the deliveries ``event`` causes; returns the ids of those new."""
        rule = self.routing.rule_for(event.event_name)
        if rule is None:
            return []
        facts = event.model_dump(mode="json")
        worker_id = _uuid(facts.get("worker_id"))
        context = await _context(uow, event.event_name, facts, envelope)
        zone = await self._zone_of(uow, worker_id)
        now = self._clock()
        deliveries: list[Delivery] = []
        for route in rule.routes:
            if not route.applies(facts):
                continue
            due = now
            if route.reminder is not None:
                reminder_due = route.reminder.due(context, zone)
                if reminder_due is None:
                    continue
                due = max(reminder_due, now)
            for recipient in await self._recipients(uow, route, facts, context):
                deliveries += [
                    Delivery(
                        id=uuid.uuid4(),
                        source_event_id=envelope.id,
                        source_event_type=envelope.type,
                        worker_id=worker_id,
                        organisation_id=_uuid(facts.get("organisation_id")),
                        recipient_kind=recipient.kind,
                        recipient_id=recipient.id,
                        channel=channel,
                        template=route.template,
                        legally_required=route.legally_required,
                        language=recipient.language,
                        context=context,
                        status=DeliveryStatus.PENDING,
                        due_at=due,
                        circuit_key=circuit_key(channel, recipient.kind, recipient.id),
                        created_at=now,
                    )
                    for channel in route.channels
                ]
        if rule.cancels and worker_id is not None:
            cancelled = await uow.deliveries.cancel_pending(
                worker_id, rule.cancels, f"no longer applies after {event.event_name}", now
            )
            if cancelled:
                log.info("cancelled %d reminders of worker %s", cancelled, worker_id)
        return await uow.deliveries.add_many(deliveries)

    async def _zone_of(self, uow: NotificationsUnitOfWork, worker_id: UUID | None) -> ZoneInfo:
        state = await uow.journey.worker(worker_id) if worker_id else None
        return self.policy.abroad_zone if state and state.abroad else self.policy.home_zone

    async def _recipients(
        self,
        uow: NotificationsUnitOfWork,
        route: Route,
        facts: dict[str, Any],
        context: dict[str, Any],
    ) -> list[Recipient]:
        audience = route.audience
        if audience is Audience.WORKER:
            worker_id = _uuid(facts.get("worker_id"))
            if worker_id is None:
                return []
            return [Recipient(RecipientKind.WORKER, str(worker_id),
                              await _language_of(uow, worker_id))]  # fmt: skip
        if audience is Audience.REGISTERING_ORGANISATION:
            return [Recipient(RecipientKind.ORGANISATION, str(facts["organisation_id"]),
                              Language.ENGLISH)]  # fmt: skip
        if audience is Audience.OPERATOR:
            operator = context.get("operator")
            if not operator:
                log.info("no operator known for %s; the operator is not told", context["type"])
                return []
            return [Recipient(RecipientKind.ORGANISATION, operator["id"], Language.ENGLISH)]
        kind = audience.recipient_kind
        return [Recipient(kind, AUTHORITY_IDS[kind], self.policy.authority_languages[kind])]


async def _language_of(uow: NotificationsUnitOfWork, worker_id: UUID) -> Language:
    """The language known now (it is looked up again when the message is sent)."""
    recipient = await uow.recipients.worker(worker_id)
    if recipient is not None:
        return recipient.contact.language
    state = await uow.journey.worker(worker_id)
    if state is not None and state.preferred_language:
        return Language(state.preferred_language)
    return Language.RUSSIAN


async def _context(
    uow: NotificationsUnitOfWork, name: str, facts: dict[str, Any], envelope: CloudEvent
) -> dict[str, Any]:
    """What the messages may say: the event's data, and the names and placement it refers to."""
    journey = uow.journey
    worker_id = _uuid(facts.get("worker_id"))
    state = await journey.worker(worker_id) if worker_id else None
    case = await journey.visa_case_placement(UUID(facts["case_id"])) if "case_id" in facts else None
    placement_id = (_uuid(facts.get("placement_id")) or (case[1] if case else None)
                    or (state.placement_id if state else None))  # fmt: skip
    placement = await journey.placement(placement_id)
    operator_id = (_uuid(facts.get("operator_id")) or _uuid(facts.get("confirmed_by"))
                   or (placement.operator_id if placement else None) or (case[0] if case else None)
                   or (state.operator_id if state else None))  # fmt: skip
    return {
        "type": name,
        "event": facts,
        "event_time": envelope.time.isoformat(),
        "organisation": await _named(uow, _uuid(facts.get("organisation_id"))),
        "operator": await _named(uow, operator_id),
        "charged_by": await _named(uow, _uuid(facts.get("charged_by"))),
        "placement": _placement(placement),
    }


async def _named(uow: NotificationsUnitOfWork, organisation_id: UUID | None) -> dict[str, Any]:
    if organisation_id is None:
        return {}
    name = await uow.journey.organisation_name(organisation_id)
    return {"id": str(organisation_id), "name": name}


def _placement(placement: Placement | None) -> dict[str, Any]:
    return placement.facts() if placement is not None else {}


def _uuid(value: Any) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None
