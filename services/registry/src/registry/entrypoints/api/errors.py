"""The one place where the registry's domain errors become problem responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from registry.application.orientation import OrientationSessionFull, OrientationSessionNotFound
from registry.domain import errors
from servicekit.http.problems import PROBLEM_TYPE_PREFIX, FieldProblem, Problem, problem_response

# Most specific first: the first matching class decides status, type and title.
_PROBLEMS: list[tuple[type[errors.DomainError], int, str, str]] = [
    (errors.WorkerNotFound, 404, "worker-not-found", "No such worker"),
    (errors.OrganisationNotFound, 404, "organisation-not-found", "No such organisation"),
    (errors.ApiKeyNotFound, 404, "api-key-not-found", "No such active API key"),
    (errors.PlacementNotFound, 404, "placement-not-found", "No such placement"),
    (errors.GrievanceNotFound, 404, "grievance-not-found", "No such grievance"),
    (OrientationSessionNotFound, 404, "orientation-session-not-found",
     "No such orientation session"),
    (errors.NotPermitted, 403, "forbidden", "Not allowed"),  # NotPlacementOperator too
    (errors.DuplicateWorker, 409, "duplicate-worker", "The worker is registered already"),
    (errors.IllegalTransition, 409, "illegal-transition",
     "The step is not allowed at the worker's stage"),
    (errors.DepartureBlocked, 409, "departure-blocked", "The worker cannot depart yet"),
    (errors.GrievanceClosed, 409, "grievance-closed", "The grievance's status does not allow it"),
    (OrientationSessionFull, 409, "orientation-session-full", "The orientation session is full"),
    (errors.InvalidWorkerData, 422, "invalid-worker", "The worker's data breaks a rule"),
    (errors.InvalidOrganisationData, 422, "invalid-organisation", "The organisation is invalid"),
]  # fmt: skip
# Where an error's ``field`` is, when not in the body: these name a path parameter on every
# route that raises them; a refusal (403) names none (the caller sent nothing wrong).
_FIELD_LOCATION: list[tuple[type[errors.DomainError], str | None]] = [
    (errors.PlacementNotFound, "path"),
    (errors.GrievanceNotFound, "path"),
    (errors.NotPermitted, None),
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
    location = next((where for kind, where in _FIELD_LOCATION if isinstance(error, kind)), "body")
    fields = (
        [FieldProblem(field=f"{location}.{error.field}", message=str(error))]
        if error.field and location
        else []
    )
    body = Problem(
        type=PROBLEM_TYPE_PREFIX + slug,
        title=title,
        status=status,
        detail=str(error),
        instance=instance,
        errors=fields,
    ).model_dump(exclude_none=True)
    return body | _extra(error)


def _extra(error: errors.DomainError) -> dict[str, Any]:
    """Members a client can act on, beyond the standard ones."""
    if isinstance(error, errors.DuplicateWorker):
        return {
            "existing_worker_id": str(error.existing_worker_id),
            "existing_worker": f"/v1/workers/{error.existing_worker_id}",
        }
    if isinstance(error, errors.IllegalTransition):
        return {
            "current_stage": error.current_stage.value,
            "action": error.action.value,
            "allowed_actions": [action.value for action in error.allowed_actions],
        }
    return {}
