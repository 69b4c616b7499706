"""The OpenAPI document: every POST takes an Idempotency-Key and shows an example body; every
rule a route enforces has an example problem; the AsyncAPI document names the case events."""

from __future__ import annotations

from typing import Any

from servicekit.testing.service import ServiceHarness


async def document(visa: ServiceHarness) -> dict[str, Any]:
    response = await visa.client.get("/v1/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


async def test_every_post_takes_an_idempotency_key_and_shows_an_example(
    visa: ServiceHarness,
) -> None:
    doc = await document(visa)
    schemas = doc["components"]["schemas"]
    posts = {path: item["post"] for path, item in doc["paths"].items() if "post" in item}

    assert set(posts) == {
        "/v1/cases/{case_id}/sponsorship", "/v1/cases/{case_id}/application",
        "/v1/cases/{case_id}/biometrics", "/v1/cases/{case_id}/decision",
        "/v1/cases/{case_id}/reopen", "/v1/visa-rules",
    }  # fmt: skip
    for path, operation in posts.items():
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert "Idempotency-Key" in headers, path
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        refs = [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]
        named = [r["$ref"].rsplit("/", 1)[-1] for r in refs if "$ref" in r]
        assert named, path
        for name in named:
            assert schemas[name].get("examples"), (path, name)
    assert schemas["CasePublic"]["examples"]


async def test_each_rule_of_a_route_has_an_example_problem(visa: ServiceHarness) -> None:
    doc = await document(visa)
    decision = doc["paths"]["/v1/cases/{case_id}/decision"]["post"]["responses"]

    examples = {
        status: set(answer["content"]["application/problem+json"].get("examples", {}))
        for status, answer in decision.items()
        if status != "200"
    }

    assert {"decision-before-submission", "biometrics-missing"} <= examples["409"]
    assert {"visa-period-too-long", "applicant-under-age", "passport-expires-too-soon",
            "visa-outside-placement"} <= examples["422"]  # fmt: skip
    assert "401" in examples


async def test_the_asyncapi_document_lists_the_case_events(visa: ServiceHarness) -> None:
    text = (await visa.client.get("/v1/asyncapi.json")).text
    for name in ("VisaCaseOpened", "VisaGranted", "VisaRefused", "VisaExpiring", "VisaCaseClosed"):
        assert name in text
