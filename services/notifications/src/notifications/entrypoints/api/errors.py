"""The one place where the notifications domain's errors become problem responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from notifications.domain import errors
from servicekit.http.problems import PROBLEM_TYPE_PREFIX, FieldProblem, Problem, problem_response

# Most specific first: the first matching class decides status, type and title.
_PROBLEMS: list[tuple[type[errors.DomainError], int, str, str]] = [
    (errors.EndpointNotFound, 404, "webhook-endpoint-not-found", "No such webhook endpoint"),
    (errors.DeliveryNotFound, 404, "delivery-not-found", "No such delivery"),
    (errors.WorkerNotFound, 404, "worker-not-found", "No such worker"),
    (errors.NotPermitted, 403, "forbidden", "Not allowed"),
    (errors.EndpointExists, 409, "webhook-endpoint-exists", "A webhook endpoint exists already"),
    (errors.InvalidEndpoint, 422, "invalid-webhook-endpoint", "The webhook endpoint is invalid"),
]


def install_domain_error_handler(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def _domain_error(request: Request, error: errors.DomainError) -> JSONResponse:
        return problem_response(problem_for(error, request.url.path))


def problem_for(error: errors.DomainError, instance: str) -> dict[str, Any]:
    status, slug, title = next(
        ((code, slug, title) for kind, code, slug, title in _PROBLEMS if isinstance(error, kind)),
        (422, "rule-broken", "A rule was broken"),
    )
    fields = [FieldProblem(field=f"body.{error.field}", message=str(error))] if error.field else []
    body = Problem(
        type=PROBLEM_TYPE_PREFIX + slug,
        title=title,
        status=status,
        detail=str(error),
        instance=instance,
        errors=fields,
    ).model_dump(exclude_none=True)
    if isinstance(error, errors.EndpointExists):
        body["existing_endpoint"] = f"/v1/webhook-endpoints/{error.endpoint_id}"
    return body
