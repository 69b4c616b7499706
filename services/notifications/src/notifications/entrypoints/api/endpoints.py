"""Webhook endpoint routes: each partner organisation manages its own."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from notifications.application import endpoints as handlers
from notifications.application.permissions import log_scope
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.endpoints import WebhookEndpoint
from notifications.domain.values import Language
from notifications.entrypoints.api.dependencies import Settings, UnitOfWorkFactory
from notifications.entrypoints.api.schemas import (
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointPublic,
    WebhookEndpointUpdate,
)
from servicekit.access.http import CurrentPrincipal
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["webhook endpoints"])
_PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem} for code in (401, 403, 404, 409, 422)
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookEndpointCreated,
    responses=_PROBLEMS,
    operation_id="createWebhookEndpoint",
    summary="Register the organisation's webhook endpoint; the signing secret is shown once",
    description="Webhooks follow the Standard Webhooks convention: headers `webhook-id`, "
    "`webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of "
    "`{id}.{timestamp}.{body}` under the secret's base64-decoded bytes). One endpoint per "
    "organisation (409 when it has one).",
)
async def create_endpoint(
    body: WebhookEndpointCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    settings: Settings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = handlers.CreateEndpoint(body.url, Language(body.language), body.organisation_id)

    async def produce(uow: NotificationsUnitOfWork) -> Answer:
        created = await handlers.create_endpoint(
            uow, command, allow_private=settings.private_webhook_addresses_allowed
        )
        headers = {"Location": f"/v1/webhook-endpoints/{created.endpoint.id}"}
        return Answer(201, with_secret(created), headers)

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.get(
    "",
    response_model=list[WebhookEndpointPublic],
    responses=_PROBLEMS,
    operation_id="listWebhookEndpoints",
    summary="Webhook endpoints: the caller's own; all for the ministry and admins",
)
async def list_endpoints(
    principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> list[WebhookEndpointPublic]:
    async with unit_of_work() as uow:
        return [public(e) for e in await uow.endpoints.list(log_scope(principal))]


@router.get(
    "/{endpoint_id}",
    response_model=WebhookEndpointPublic,
    responses=_PROBLEMS,
    operation_id="getWebhookEndpoint",
    summary="One webhook endpoint (without its secret)",
)
async def get_endpoint(
    endpoint_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> WebhookEndpointPublic:
    async with unit_of_work() as uow:
        return public(await handlers.visible_endpoint(uow, endpoint_id))


@router.patch(
    "/{endpoint_id}",
    response_model=WebhookEndpointPublic,
    responses=_PROBLEMS,
    operation_id="updateWebhookEndpoint",
    summary="Change the URL or language, or pause (enabled: false) the endpoint",
)
async def update_endpoint(
    endpoint_id: UUID,
    body: WebhookEndpointUpdate,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    settings: Settings,
) -> WebhookEndpointPublic:
    async with unit_of_work() as uow:
        changed = await handlers.update_endpoint(
            uow,
            endpoint_id,
            allow_private=settings.private_webhook_addresses_allowed,
            url=body.url,
            language=Language(body.language) if body.language else None,
            enabled=body.enabled,
        )
    return public(changed)


@router.post(
    "/{endpoint_id}/rotate-secret",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookEndpointCreated,
    responses=_PROBLEMS,
    operation_id="rotateWebhookSecret",
    summary="Replace the signing secret; the new one is shown once",
    description="Until `previous_secret_expires_at` (WEBHOOK_SECRET_GRACE_HOURS) webhooks "
    "carry two signatures, one by each secret, so the receiver can switch without a gap.",
)
async def rotate_secret(
    endpoint_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    settings: Settings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    grace = timedelta(hours=settings.webhook_secret_grace_hours)

    async def produce(uow: NotificationsUnitOfWork) -> Answer:
        return Answer(201, with_secret(await handlers.rotate_secret(uow, endpoint_id, grace)))

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.delete(
    "/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_PROBLEMS,
    operation_id="deleteWebhookEndpoint",
    summary="Remove the endpoint; webhooks to the organisation are skipped from now on",
)
async def delete_endpoint(
    endpoint_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> Response:
    async with unit_of_work() as uow:
        await handlers.delete_endpoint(uow, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def public(endpoint: WebhookEndpoint) -> WebhookEndpointPublic:
    return WebhookEndpointPublic(
        id=endpoint.id,
        organisation_id=endpoint.organisation_id,
        url=endpoint.url,
        language=endpoint.language.value,
        enabled=endpoint.enabled,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
    )


def with_secret(created: handlers.EndpointWithSecret) -> WebhookEndpointCreated:
    return WebhookEndpointCreated(**public(created.endpoint).model_dump(), secret=created.secret)
