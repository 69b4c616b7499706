"""RFC 9457 problem details: every error answers as application/problem+json, with the
fields that are wrong, and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:sws:problem:"


class FieldProblem(BaseModel):
    field: str = Field(description="Where the wrong value is, e.g. 'body.iin' or 'query.limit'.")
    message: str
    code: str | None = None


class Problem(BaseModel):
    """The body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ProblemError(Exception):
    """Base of errors that map to a problem response; domain errors are translated to these
    (or subclass them) in one place per service."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldProblem] = (),
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)
        self.extra = extra or {}
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body = Problem(
            type=PROBLEM_TYPE_PREFIX + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
        ).model_dump(exclude_none=True)
        return body | self.extra


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "Not found"


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "Authentication needed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="sws"'})


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Not allowed"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "Conflict"


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem_response(error.problem(request.url.path), error.headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            FieldProblem(
                field=".".join(str(part) for part in item["loc"]),
                message=item["msg"],
                code=item.get("type"),
            )
            for item in error.errors()
        ]
        body = Problem(
            type=PROBLEM_TYPE_PREFIX + "validation",
            title="The request is not valid",
            status=422,
            detail="; ".join(f"{item.field}: {item.message}" for item in fields),
            instance=request.url.path,
            errors=fields,
        )
        return problem_response(body.model_dump(exclude_none=True))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        body = Problem(
            title=str(error.detail) if error.detail else "HTTP error",
            status=error.status_code,
            instance=request.url.path,
        )
        return problem_response(body.model_dump(exclude_none=True), getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = Problem(
            type=PROBLEM_TYPE_PREFIX + "internal",
            title="Internal error",
            status=500,
            detail="The error was logged; nothing was changed.",
            instance=request.url.path,
        )
        return problem_response(body.model_dump(exclude_none=True))
