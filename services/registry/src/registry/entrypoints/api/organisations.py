"""Organisation, API-key and audit routes."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from registry.application import organisations as handlers
from registry.application.organisations import NewApiKey
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import OrganisationNotFound
from registry.domain.organisation import Organisation
from registry.entrypoints.api.dependencies import Admin, UnitOfWorkFactory
from registry.entrypoints.api.organisation_schemas import (
    ApiKeyCreated,
    ApiKeyPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
)
from servicekit.access.http import CurrentPrincipal, forget_cached_keys
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1", tags=["organisations"])
_PROBLEMS: dict[int | str, dict[str, object]] = {
    status_code: {"model": Problem} for status_code in (401, 403, 404, 422)
}


@router.post(
    "/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganisationPublic,
    responses=_PROBLEMS,
    operation_id="registerOrganisation",
    summary="Register an organisation (admins)",
)
async def register_organisation(
    body: OrganisationCreate,
    request: Request,
    admin: Admin,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = handlers.RegisterOrganisation(**body.model_dump())

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        organisation = await handlers.register_organisation(uow, command)
        return Answer(
            201, public(organisation), {"Location": f"/v1/organisations/{organisation.id}"}
        )

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.get(
    "/organisations",
    response_model=list[OrganisationPublic],
    responses=_PROBLEMS,
    operation_id="listOrganisations",
    summary="Organisations: all for the ministry and admins, otherwise the caller's own",
)
async def list_organisations(
    principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> list[OrganisationPublic]:
    only = None if principal.reads_everything else principal.organisation_id
    async with unit_of_work() as uow:
        return [public(o) for o in await uow.organisations.list(only=only)]


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    responses=_PROBLEMS,
    operation_id="getOrganisation",
    summary="One organisation",
)
async def get_organisation(
    organisation_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> OrganisationPublic:
    async with unit_of_work() as uow:
        organisation = await uow.organisations.get(organisation_id)
    visible = principal.reads_everything or principal.organisation_id == organisation_id
    if organisation is None or not visible:
        raise OrganisationNotFound(organisation_id)
    return public(organisation)


@router.patch(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    responses=_PROBLEMS,
    operation_id="updateOrganisation",
    summary="Change an organisation (admins)",
)
async def update_organisation(
    organisation_id: UUID, body: OrganisationUpdate, admin: Admin, unit_of_work: UnitOfWorkFactory
) -> OrganisationPublic:
    async with unit_of_work() as uow:
        changes = body.model_dump(exclude_unset=True)
        return public(await handlers.update_organisation(uow, organisation_id, changes))


@router.post(
    "/organisations/{organisation_id}/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=_PROBLEMS,
    operation_id="issueApiKey",
    summary="Issue an API key for an organisation (admins); the key is shown once",
)
async def issue_api_key(
    organisation_id: UUID,
    request: Request,
    admin: Admin,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        return Answer(201, created(await handlers.issue_api_key(uow, organisation_id)))

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.get(
    "/organisations/{organisation_id}/api-keys",
    response_model=list[ApiKeyPublic],
    responses=_PROBLEMS,
    operation_id="listApiKeys",
    summary="An organisation's API keys, without secrets (admins)",
)
async def list_api_keys(
    organisation_id: UUID, admin: Admin, unit_of_work: UnitOfWorkFactory
) -> list[ApiKeyPublic]:
    async with unit_of_work() as uow:
        rows = await uow.api_keys.keys_of(organisation_id)
    return [ApiKeyPublic(**dict(row)) for row in rows]


@router.post(
    "/api-keys/{key_id}/rotate",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=_PROBLEMS,
    operation_id="rotateApiKey",
    summary="Replace a key by a new one (admins, or the key's own organisation)",
)
async def rotate_api_key(
    key_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        return Answer(201, created(await handlers.rotate_api_key(uow, key_id)))

    response = await run_once(request, idempotency_key, unit_of_work, produce)
    forget_cached_keys()
    return response


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_PROBLEMS,
    operation_id="revokeApiKey",
    summary="Revoke a key (admins, or the key's own organisation)",
)
async def revoke_api_key(
    key_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> Response:
    async with unit_of_work() as uow:
        await handlers.revoke_api_key(uow, key_id)
    forget_cached_keys()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def public(organisation: Organisation) -> OrganisationPublic:
    return OrganisationPublic(**vars(organisation))


def created(issued: NewApiKey) -> ApiKeyCreated:
    return ApiKeyCreated(
        key_id=issued.key.key_id,
        organisation_id=issued.organisation.id,
        role=issued.role.value,
        api_key=issued.key.secret,
    )
