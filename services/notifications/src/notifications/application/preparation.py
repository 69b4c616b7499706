"""Getting a delivery ready to send: who exactly, at which address, in which words, and
whether it may go now (consent, opt-out, quiet hours, an endpoint to send to)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from notifications.application.channels import Message
from notifications.application.messages import Contacts, message_context
from notifications.application.rendering import TemplateCatalogue
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.delivery import Delivery
from notifications.domain.masking import mask_address
from notifications.domain.outcomes import PermanentFailure
from notifications.domain.preferences import Defer, Send, Skip, Unreachable, decide
from notifications.domain.quiet_hours import QuietHours
from notifications.domain.values import Language, RecipientKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Authority:
    email: str | None
    language: Language


@dataclass(frozen=True)
class SendingPolicy:
    quiet_hours: QuietHours
    home_zone: ZoneInfo
    abroad_zone: ZoneInfo
    authorities: dict[RecipientKind, Authority]
    contacts: Contacts


@dataclass(frozen=True)
class Ready:
    message: Message
    address_masked: str


Prepared = Ready | Skip | Defer | Unreachable | PermanentFailure


class Preparer:
    def __init__(self, catalogue: TemplateCatalogue, policy: SendingPolicy) -> None:
        self.catalogue = catalogue
        self.policy = policy

    async def prepare(
        self, uow: NotificationsUnitOfWork, delivery: Delivery, now: datetime
    ) -> Prepared:
        if delivery.recipient_kind is RecipientKind.WORKER:
            return await self._for_worker(uow, delivery, now)
        if delivery.recipient_kind is RecipientKind.ORGANISATION:
            return await self._for_organisation(uow, delivery, now)
        authority = self.policy.authorities[delivery.recipient_kind]
        if not authority.email:
            return Skip(f"no contact address is configured for the {delivery.recipient_kind}")
        return await self._rendered(uow, delivery, authority.email, authority.language, None)

    async def _for_worker(
        self, uow: NotificationsUnitOfWork, delivery: Delivery, now: datetime
    ) -> Prepared:
        assert delivery.worker_id is not None
        recipient = await uow.recipients.worker(delivery.worker_id)
        preferences = await uow.recipients.preferences(delivery.worker_id)
        state = await uow.journey.worker(delivery.worker_id)
        zone = self.policy.abroad_zone if state and state.abroad else self.policy.home_zone
        decision = decide(
            delivery.channel,
            recipient.contact if recipient else None,
            preferences,
            legally_required=delivery.legally_required,
            quiet_hours=self.policy.quiet_hours,
            zone=zone,
            now=now,
        )
        if not isinstance(decision, Send):
            return decision
        assert recipient is not None
        return await self._rendered(uow, delivery, decision.address, recipient.contact.language,
                                    recipient.full_name)  # fmt: skip

    async def _for_organisation(
        self, uow: NotificationsUnitOfWork, delivery: Delivery, now: datetime
    ) -> Prepared:
        endpoint = await uow.endpoints.of_organisation(_uuid(delivery.recipient_id))
        if endpoint is None:
            return Skip("the organisation has no webhook endpoint")
        if not endpoint.enabled:
            return Skip("the organisation's webhook endpoint is disabled")
        message = Message(
            delivery_id=delivery.id,
            address=endpoint.url,
            text=webhook_body(delivery),
            language=endpoint.language,
            signing_secrets=tuple(endpoint.signing_secrets(now)),
        )
        return Ready(message, endpoint.url)

    async def _rendered(
        self,
        uow: NotificationsUnitOfWork,
        delivery: Delivery,
        address: str,
        language: Language,
        name: str | None,
    ) -> Prepared:
        stored = await _with_names(uow, delivery.context)
        context = message_context(stored, recipient_name=name, contacts=self.policy.contacts,
                                  legally_required=delivery.legally_required)  # fmt: skip
        try:
            rendered = self.catalogue.render(delivery.template, delivery.channel, language, context)
        except Exception as error:  # the start-up check makes this unlikely; never retry it
            log.exception("cannot render %s for delivery %s", delivery.template, delivery.id)
            return PermanentFailure(f"the {delivery.template} template failed: {error}")
        message = Message(delivery.id, address, rendered.text, rendered.language, rendered.subject)
        return Ready(message, mask_address(address))


def webhook_body(delivery: Delivery) -> str:
    """The Standard Webhooks payload: the event's type and time, and its data with its id."""
    context = delivery.context
    payload = {
        "type": delivery.source_event_type,
        "timestamp": context["event_time"],
        "data": {
            "event_id": delivery.source_event_id,
            "event_type": context["type"],
            **context["event"],
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


async def _with_names(uow: NotificationsUnitOfWork, stored: dict[str, object]) -> dict[str, object]:
    """Names of organisations not known when the delivery was planned, looked up again."""
    context = dict(stored)
    for key in ("organisation", "operator", "charged_by"):
        named = context.get(key)
        if isinstance(named, dict) and named.get("id") and not named.get("name"):
            name = await uow.journey.organisation_name(_uuid(str(named["id"])))
            context[key] = {**named, "name": name}
    return context


def _uuid(value: str) -> UUID:
    return UUID(value)
