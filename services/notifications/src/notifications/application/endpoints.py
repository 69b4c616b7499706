"""Partners' webhook endpoints: created, changed, their secret rotated, removed. Every change
is audited (never the secret); the secret is returned once, to be shown once."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from notifications.application.permissions import endpoint_owner, may_manage, may_read
from notifications.application.permissions import require_actor as _actor
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.endpoints import WebhookEndpoint
from notifications.domain.errors import EndpointExists, EndpointNotFound, NotPermitted
from notifications.domain.signatures import SECRET_BYTES, secret_from_bytes
from notifications.domain.values import Language

ENTITY = "webhook_endpoint"


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True)
class CreateEndpoint:
    url: str
    language: Language = Language.ENGLISH
    organisation_id: UUID | None = None


def new_secret() -> str:
    return secret_from_bytes(secrets.token_bytes(SECRET_BYTES))


async def create_endpoint(
    uow: NotificationsUnitOfWork, command: CreateEndpoint, *, allow_private: bool
) -> EndpointWithSecret:
    actor = _actor(uow.actor)
    owner = endpoint_owner(actor, command.organisation_id)
    secret = new_secret()
    endpoint = WebhookEndpoint.create(
        endpoint_id=uuid.uuid4(), organisation_id=owner, url=command.url, secret=secret,
        language=command.language, now=_now(), allow_private=allow_private,
    )  # fmt: skip
    if not await uow.endpoints.add(endpoint):
        existing = await uow.endpoints.of_organisation(owner)
        raise EndpointExists(owner, existing.id if existing else endpoint.id)
    await uow.audit("webhook_endpoint.created", ENTITY, endpoint.id, before=None,
                    after=endpoint.snapshot())  # fmt: skip
    return EndpointWithSecret(endpoint, secret)


async def visible_endpoint(uow: NotificationsUnitOfWork, endpoint_id: UUID) -> WebhookEndpoint:
    actor = _actor(uow.actor)
    endpoint = await uow.endpoints.get(endpoint_id)
    if endpoint is None or not may_read(actor, endpoint.organisation_id):
        raise EndpointNotFound(endpoint_id)
    return endpoint


async def update_endpoint(
    uow: NotificationsUnitOfWork,
    endpoint_id: UUID,
    *,
    allow_private: bool,
    url: str | None = None,
    language: Language | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    current = await _managed(uow, endpoint_id)
    changed = current.changed(now=_now(), allow_private=allow_private, url=url,
                              language=language, enabled=enabled)  # fmt: skip
    await uow.endpoints.save(changed)
    await uow.audit("webhook_endpoint.updated", ENTITY, endpoint_id,
                    before=current.snapshot(), after=changed.snapshot())  # fmt: skip
    return changed


async def rotate_secret(
    uow: NotificationsUnitOfWork, endpoint_id: UUID, grace: timedelta
) -> EndpointWithSecret:
    current = await _managed(uow, endpoint_id)
    secret = new_secret()
    rotated = current.rotated(secret, now=_now(), grace=grace)
    await uow.endpoints.save(rotated)
    await uow.audit("webhook_endpoint.secret_rotated", ENTITY, endpoint_id,
                    before=current.snapshot(), after=rotated.snapshot())  # fmt: skip
    return EndpointWithSecret(rotated, secret)


async def delete_endpoint(uow: NotificationsUnitOfWork, endpoint_id: UUID) -> None:
    current = await _managed(uow, endpoint_id)
    await uow.endpoints.delete(endpoint_id)
    await uow.audit("webhook_endpoint.deleted", ENTITY, endpoint_id,
                    before=current.snapshot(), after=None)  # fmt: skip


async def _managed(uow: NotificationsUnitOfWork, endpoint_id: UUID) -> WebhookEndpoint:
    actor = _actor(uow.actor)
    endpoint = await uow.endpoints.get(endpoint_id, for_update=True)
    if endpoint is None or not may_read(actor, endpoint.organisation_id):
        raise EndpointNotFound(endpoint_id)
    if not may_manage(actor, endpoint.organisation_id):
        raise NotPermitted("an organisation manages only its own webhook endpoint")
    return endpoint


def _now() -> datetime:
    return datetime.now(UTC)
