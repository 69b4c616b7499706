"""The one place where the registry's domain errors become problem responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from registry.domain.errors import (
    DomainError,
    DuplicateWorker,
    InvalidWorkerData,
    WorkerNotFound,
)
from servicekit.http.problems import (
    PROBLEM_TYPE_PREFIX,
    FieldProblem,
    Problem,
    problem_response,
)

_STATUS: list[tuple[type[DomainError], int, str, str]] = [
    (WorkerNotFound, 404, "worker-not-found", "No such worker"),
    (DuplicateWorker, 409, "duplicate-worker", "The worker is registered already"),
    (InvalidWorkerData, 422, "invalid-worker", "The worker's data breaks a rule"),
]


def install_domain_error_handler(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> JSONResponse:
        status, slug, title = next(
            ((code, slug, title) for kind, code, slug, title in _STATUS if isinstance(error, kind)),
            (422, "rule-broken", "A rule was broken"),
        )
        errors = (
            [FieldProblem(field=f"body.{error.field}", message=str(error))] if error.field else []
        )
        body = Problem(
            type=PROBLEM_TYPE_PREFIX + slug,
            title=title,
            status=status,
            detail=str(error),
            instance=request.url.path,
            errors=errors,
        ).model_dump(exclude_none=True)
        if isinstance(error, DuplicateWorker):
            body["existing_worker_id"] = str(error.existing_worker_id)
            body["existing_worker"] = f"/v1/workers/{error.existing_worker_id}"
        return problem_response(body)
