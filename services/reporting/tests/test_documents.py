"""The service documents itself: OpenAPI with the routes, their key and examples; AsyncAPI with
the analytics stream it publishes and the topics it consumes."""

from __future__ import annotations

import pytest

from reporting.bootstrap import MissingPseudonymKey, definition
from reporting.config import ReportingSettings
from reporting.testing.fed import Fed


async def test_openapi_lists_every_route_with_the_api_key_and_examples(fed: Fed) -> None:
    document = (await fed.harness.client.get("/v1/openapi.json")).json()
    paths = document["paths"]
    for figure in ("funnel", "stages", "visas", "travel", "orientation", "grievances",
                   "compliance", "notifications", "registrations"):  # fmt: skip
        operation = paths[f"/v1/statistics/{figure}"]["get"]
        assert operation["security"] == [{"ApiKey": []}], figure
    assert "/v1/exports/{dataset}" in paths
    assert "/v1/journeys" in paths
    assert "/v1/dashboard/links" in paths
    schemas = document["components"]["schemas"]
    assert schemas["VisaRow"]["examples"][0]["approval_rate"] == 0.9453
    assert "Turkistan" in paths["/v1/statistics/visas"]["get"]["description"]


async def test_asyncapi_names_the_analytics_stream(fed: Fed) -> None:
    document = (await fed.harness.client.get("/v1/asyncapi.json")).json()
    channel = document["channels"]["reporting-journey-snapshot-v1"]
    assert channel["x-personal-data"] is False
    assert channel["bindings"]["kafka"]["topicConfiguration"] == {"cleanup.policy": ["compact"]}
    assert "send-reporting-journey-snapshot-v1" in document["operations"]
    assert "receive-registry-worker-v1" in document["operations"]
    assert "receive-registry-worker-contact-v1" not in document["operations"]


def test_production_refuses_the_development_pseudonym_key() -> None:
    with pytest.raises(MissingPseudonymKey):
        definition(ReportingSettings(environment="production"))
    definition(ReportingSettings(environment="production", pseudonym_key="a-real-secret"))
