"""The OpenAPI document lists every error as a Problem in application/problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from servicekit.http.openapi import serve_problem_document
from servicekit.http.problems import PROBLEM_MEDIA_TYPE, Problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class Thing(BaseModel):
    name: str


def document(*, rate_limited: bool) -> dict[str, Any]:
    app = FastAPI()
    bearer = Security(HTTPBearer(auto_error=False))

    @app.post("/v1/things", responses={409: {"model": Problem, "description": "Taken"}})
    async def create(thing: Thing, key: Any = bearer) -> Thing:
        return thing

    @app.get("/v1/public")
    async def public() -> dict[str, str]:
        return {}

    serve_problem_document(app, rate_limited=rate_limited)
    return app.openapi()


def test_every_error_answer_is_a_problem_in_problem_json() -> None:
    responses = document(rate_limited=True)["paths"]["/v1/things"]["post"]["responses"]

    assert sorted(responses) == ["200", "400", "401", "409", "413", "422", "429"]
    for status, answer in responses.items():
        if status != "200":
            assert answer["content"] == {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}, status
    assert "Retry-After" in responses["429"]["headers"]


def test_fastapis_validation_schemas_are_gone_and_problem_is_defined() -> None:
    schemas = document(rate_limited=False)["components"]["schemas"]

    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert {"Problem", "FieldProblem"} <= set(schemas)


def test_unsecured_routes_without_input_list_no_generic_errors() -> None:
    document_ = document(rate_limited=True)
    secured = document_["paths"]["/v1/things"]["post"]["responses"]

    assert sorted(document_["paths"]["/v1/public"]["get"]["responses"]) == ["200"]
    assert "429" in secured
    assert "429" not in document(rate_limited=False)["paths"]["/v1/things"]["post"]["responses"]
