"""Organisations and their API keys: registered, changed, issued, rotated, revoked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from contracts.base import IntegrationEvent
from contracts.events.organisation import (
    ApiKeyIssued,
    ApiKeyRevoked,
    OrganisationRegistered,
    OrganisationUpdated,
)
from registry.application.permissions import require_admin, require_own_organisation_or_admin
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import ApiKeyNotFound, OrganisationNotFound
from registry.domain.organisation import Organisation, OrganisationKind
from servicekit.access import IssuedKey, Role, issue_key


@dataclass(frozen=True)
class RegisterOrganisation:
    name: str
    kind: OrganisationKind
    region: str | None = None
    licence_number: str | None = None
    licence_valid_until: date | None = None


@dataclass(frozen=True)
class NewApiKey:
    organisation: Organisation
    key: IssuedKey

    @property
    def role(self) -> Role:
        return Role(self.organisation.kind.value)


async def register_organisation(
    uow: RegistryUnitOfWork, command: RegisterOrganisation
) -> Organisation:
    require_admin(uow.actor)
    organisation = Organisation.register(
        organisation_id=uuid.uuid4(),
        name=command.name,
        kind=command.kind,
        region=command.region,
        licence_number=command.licence_number,
        licence_valid_until=command.licence_valid_until,
        now=datetime.now(UTC),
    )
    await uow.organisations.add(organisation)
    await uow.audit("organisation.registered", "organisation", organisation.id,
                    before=None, after=organisation.snapshot())  # fmt: skip
    await _publish(uow, organisation, OrganisationRegistered(**_fields(organisation)))
    return organisation


async def update_organisation(
    uow: RegistryUnitOfWork, organisation_id: UUID, changes: dict[str, object]
) -> Organisation:
    require_admin(uow.actor)
    current = await _organisation(uow, organisation_id, for_update=True)
    changed = current.updated(**changes)
    await uow.organisations.save(changed)
    await uow.audit("organisation.updated", "organisation", changed.id,
                    before=current.snapshot(), after=changed.snapshot())  # fmt: skip
    event = OrganisationUpdated(**_fields(changed), active=changed.active)
    await _publish(uow, changed, event)
    return changed


async def issue_api_key(uow: RegistryUnitOfWork, organisation_id: UUID) -> NewApiKey:
    require_admin(uow.actor)
    organisation = await _organisation(uow, organisation_id)
    return await _issue(uow, organisation)


async def revoke_api_key(uow: RegistryUnitOfWork, key_id: UUID) -> None:
    organisation_id = await _key_owner(uow, key_id)
    require_own_organisation_or_admin(uow.actor, organisation_id)
    now = datetime.now(UTC)
    if not await uow.api_keys.revoke(key_id, now):
        raise ApiKeyNotFound(key_id)
    await uow.audit("api_key.revoked", "api_key", key_id, before={"active": True},
                    after={"active": False})  # fmt: skip
    organisation = await _organisation(uow, organisation_id)
    await _publish(uow, organisation, ApiKeyRevoked(
        key_id=key_id, organisation_id=organisation_id, occurred_at=now))  # fmt: skip


async def rotate_api_key(uow: RegistryUnitOfWork, key_id: UUID) -> NewApiKey:
    """Issue a new key for the same organisation and revoke the old one, in one transaction."""
    organisation = await _organisation(uow, await _key_owner(uow, key_id))
    require_own_organisation_or_admin(uow.actor, organisation.id)
    new_key = await _issue(uow, organisation)
    await revoke_api_key(uow, key_id)
    return new_key


async def bootstrap_admin(uow: RegistryUnitOfWork, name: str) -> NewApiKey | None:
    """The first admin organisation and its key (None when an admin exists already)."""
    if await uow.organisations.any_of_kind(OrganisationKind.ADMIN):
        return None
    admin = await register_organisation(
        uow, RegisterOrganisation(name=name, kind=OrganisationKind.ADMIN)
    )
    return await _issue(uow, admin)


async def _issue(uow: RegistryUnitOfWork, organisation: Organisation) -> NewApiKey:
    key = issue_key()
    issued = NewApiKey(organisation, key)
    await uow.api_keys.add(
        key_id=key.key_id, organisation_id=organisation.id, role=issued.role, key_hash=key.key_hash
    )
    after = {"organisation_id": organisation.id, "role": issued.role.value}
    await uow.audit("api_key.issued", "api_key", key.key_id, before=None, after=after)
    await _publish(uow, organisation, ApiKeyIssued(
        key_id=key.key_id, organisation_id=organisation.id, role=issued.role.value,
        key_hash=key.key_hash, occurred_at=datetime.now(UTC)))  # fmt: skip
    return issued


async def _organisation(
    uow: RegistryUnitOfWork, organisation_id: UUID, *, for_update: bool = False
) -> Organisation:
    organisation = await uow.organisations.get(organisation_id, for_update=for_update)
    if organisation is None:
        raise OrganisationNotFound(organisation_id)
    return organisation


async def _key_owner(uow: RegistryUnitOfWork, key_id: UUID) -> UUID:
    owner = await uow.api_keys.owner_of(key_id)
    if owner is None:
        raise ApiKeyNotFound(key_id)
    return owner


async def _publish(
    uow: RegistryUnitOfWork, organisation: Organisation, event: IntegrationEvent
) -> None:
    await uow.publish(
        event,
        subject=str(organisation.id),
        key=str(organisation.id),
        organisation_id=str(organisation.id),
    )


def _fields(organisation: Organisation) -> dict[str, object]:
    return {
        "organisation_id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "region": organisation.region,
        "licence_number": organisation.licence_number,
        "licence_valid_until": organisation.licence_valid_until,
        "occurred_at": datetime.now(UTC),
    }
