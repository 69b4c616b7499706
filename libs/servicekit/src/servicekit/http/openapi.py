"""The OpenAPI document as the services answer: every error is problem+json (RFC 9457).

FastAPI documents a response ``model`` under application/json and its own 422 body
(HTTPValidationError), and knows nothing of the answers the kit's middlewares give (401, 413,
429). The document is rewritten once, when first asked for, so that clients generated from it
and validators checking answers against it see what is really sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from servicekit.http.problems import PROBLEM_MEDIA_TYPE, Problem

JSON = "application/json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = frozenset({"get", "put", "post", "patch", "delete"})
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_FASTAPI_REFS = tuple(f"/{name}" for name in _FASTAPI_VALIDATION)

# Answers any operation may give, whatever its own responses list.
GENERIC_ANSWERS = {
    "400": "The request body cannot be read (it is not UTF-8 text)",
    "401": "No API key, or one that is unknown or revoked",
    "413": "The request body is larger than this operation accepts",
    "422": "The request is not valid: `errors` names each wrong field",
    "429": "Too many requests with this API key: retry after `Retry-After` seconds",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def serve_problem_document(app: FastAPI, *, rate_limited: bool) -> None:
    """Make ``app.openapi`` return the rewritten document (built once)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = as_served(build(), rate_limited=rate_limited)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def as_served(document: dict[str, Any], *, rate_limited: bool) -> dict[str, Any]:
    _add_problem_schema(document)
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in METHODS:
                _document_answers(operation, rate_limited=rate_limited)
    schemas = document["components"]["schemas"]
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    return document


def _add_problem_schema(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas.setdefault("Problem", problem)


def _document_answers(operation: dict[str, Any], *, rate_limited: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, answer in responses.items():
        if status[0] in "45":
            _as_problem(answer)
    for status in _generic_statuses(operation, rate_limited=rate_limited):
        answer = responses.setdefault(status, {"description": GENERIC_ANSWERS[status]})
        _as_problem(answer)
        if status == "429":
            answer.setdefault("headers", {}).update(RETRY_AFTER)


def _generic_statuses(operation: dict[str, Any], *, rate_limited: bool) -> list[str]:
    statuses = []
    if operation.get("security"):
        statuses.append("401")
        if rate_limited:
            statuses.append("429")
    if "requestBody" in operation:
        statuses += ["400", "413"]
    if "requestBody" in operation or operation.get("parameters"):
        statuses.append("422")
    return statuses


def _as_problem(answer: dict[str, Any]) -> None:
    """Move an error's body from application/json to problem+json, with the Problem schema."""
    content: dict[str, Any] = answer.setdefault("content", {})
    as_json = content.pop(JSON, {})
    problem = content.setdefault(PROBLEM_MEDIA_TYPE, {})
    for name, value in as_json.items():
        problem.setdefault(name, value)
    schema = problem.get("schema", {})
    if not schema or schema.get("$ref", "").endswith(_FASTAPI_REFS):
        problem["schema"] = PROBLEM_REF
