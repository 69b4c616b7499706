"""API keys for services other than the registry: learnt from the registry's events, so every
service authenticates the same callers without reading the registry's database."""

from __future__ import annotations

from typing import TypeVar

from contracts.envelope import CloudEvent
from contracts.events.organisation import ApiKeyIssued, ApiKeyRevoked
from servicekit.access.principal import Role
from servicekit.access.store import ApiKeyStore
from servicekit.messaging.router import EventRouter
from servicekit.unit_of_work import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)


def replicate_api_keys(router: EventRouter[U]) -> EventRouter[U]:
    """Add the handlers that keep this service's api_key table in step with the registry's."""
    router.add(ApiKeyIssued, _issued)
    router.add(ApiKeyRevoked, _revoked)
    return router


async def _issued(uow: UnitOfWork, event: ApiKeyIssued, envelope: CloudEvent) -> None:
    await ApiKeyStore(uow.conn).add(
        key_id=event.key_id,
        organisation_id=event.organisation_id,
        role=Role(event.role),
        key_hash=event.key_hash,
    )


async def _revoked(uow: UnitOfWork, event: ApiKeyRevoked, envelope: CloudEvent) -> None:
    await ApiKeyStore(uow.conn).revoke(event.key_id, event.occurred_at)
