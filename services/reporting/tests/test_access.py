"""Authentication and tenant scope: the ministry sees every worker, an LMC or agency the workers
it registered, an operator the workers placed with it; nobody asks for another's figures."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.envelope import CloudEvent
from contracts.events.organisation import ApiKeyIssued, ApiKeyRevoked
from reporting.testing.fed import PSEUDONYM_KEY, Fed
from reporting.testing.history import Streamed, pseudonym
from reporting.testing.truth import Query, comparable, journey_records
from servicekit.access import hash_key
from servicekit.access.http import forget_cached_keys

FUNNEL = ("registered", "screened", "oriented", "matched", "visa_submitted", "visa_granted",
          "departed", "returned", "withdrawn")  # fmt: skip
VISAS = ("submitted", "granted", "refused", "workers_granted", "median_processing_days")


async def get(fed: Fed, path: str, label: str, **params: Any) -> Any:
    return await fed.harness.client.get(path, params=params, headers=fed.headers(label))


async def test_calls_without_a_valid_key_are_refused(fed: Fed) -> None:
    client = fed.harness.client
    assert (await client.get("/v1/statistics/funnel")).status_code == 401
    assert (await client.get("/v1/exports/journeys")).status_code == 401
    wrong = {"Authorization": "Bearer sws_not_a_key"}
    assert (await client.get("/v1/statistics/registrations", headers=wrong)).status_code == 401


async def test_an_lmc_sees_the_workers_it_registered_only(fed: Fed) -> None:
    lmc = fed.history.organisations["lmc_turkistan"]
    response = await get(fed, "/v1/statistics/funnel", "lmc_turkistan", group_by="season")
    assert response.status_code == 200
    assert response.json()["scope"] == f"organisation {lmc.id}"
    expected = fed.expected.funnel(["season"], Query(organisation=str(lmc.id)))
    assert comparable(response.json()["rows"], FUNNEL) == comparable(expected, FUNNEL)
    everyone = fed.expected.funnel()[0]["registered"]
    assert 0 < sum(row["registered"] for row in expected) < everyone


async def test_an_operator_sees_the_workers_placed_with_it_only(fed: Fed) -> None:
    operator = fed.history.organisations["operator_1"]
    query = Query(operator=str(operator.id))
    funnel = await get(fed, "/v1/statistics/funnel", "operator_1")
    assert comparable(funnel.json()["rows"], FUNNEL) == comparable(
        fed.expected.funnel((), query), FUNNEL
    )
    visas = await get(fed, "/v1/statistics/visas", "operator_1", group_by="sector")
    assert comparable(visas.json()["rows"], VISAS) == comparable(
        fed.expected.visas(["sector"], query), VISAS
    )
    export = await get(fed, "/v1/exports/journeys", "operator_1")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert rows
    assert {row["operator_id"] for row in rows} == {str(operator.id)}
    mine = {
        pseudonym(PSEUDONYM_KEY, r["worker_id"])
        for r in journey_records(fed.history)
        if r["operator"] == str(operator.id)
    }
    assert {row["pseudonymous_worker_id"] for row in rows} == mine


async def test_an_operator_and_an_lmc_get_their_delivery_figures(fed: Fed) -> None:
    """The deliveries' scope names the caller twice (as a worker's organisation or operator,
    and as a recipient): both must be read as the same uuid."""
    everyone = await get(fed, "/v1/statistics/notifications", "ministry")
    total = sum(row["messages"] for row in everyone.json()["rows"])
    for label in ("operator_1", "lmc_turkistan"):
        mine = await get(fed, "/v1/statistics/notifications", label)
        assert mine.status_code == 200, mine.text
        assert sum(row["messages"] for row in mine.json()["rows"]) <= total


async def test_asking_for_another_organisations_figures_is_forbidden(fed: Fed) -> None:
    other = fed.history.organisations["agency_a"].id
    response = await get(fed, "/v1/statistics/funnel", "lmc_zhambyl", organisation_id=str(other))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    other_operator = fed.history.organisations["operator_2"].id
    response = await get(fed, "/v1/journeys", "operator_0", operator_id=str(other_operator))
    assert response.status_code == 403
    # the ministry may narrow to any organisation
    response = await get(fed, "/v1/statistics/funnel", "ministry", organisation_id=str(other))
    assert response.status_code == 200


async def test_unknown_dimensions_and_filters_are_problems(fed: Fed) -> None:
    response = await get(fed, "/v1/statistics/visas", "ministry", group_by="iin")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.group_by"
    response = await get(fed, "/v1/statistics/notifications", "ministry", sector="poultry")
    assert response.status_code == 422
    response = await get(
        fed, "/v1/statistics/funnel", "ministry", **{"from": "2025-02-01", "to": "2025-01-01"}
    )
    assert response.status_code == 422


async def test_a_revoked_key_stops_working(fed: Fed) -> None:
    ministry = fed.history.organisations["ministry"]
    secret, key_id = f"sws_{uuid.uuid4().hex}", uuid.uuid4()
    subject = str(ministry.id)
    stream = fed.history.streams[("registry.organisation.v1", subject)]
    version = len(stream)
    at = datetime.now(UTC)

    async def apply(event: Any) -> None:
        nonlocal version
        version += 1
        envelope = CloudEvent.create(
            event, source="/sws/registry", subject=subject, key=subject
        ).model_copy(update={"aggregateversion": version})
        await fed.harness.runtime.processor.process(Streamed(event.topic, envelope).record())

    await apply(ApiKeyIssued(
        key_id=key_id, organisation_id=ministry.id, role="ministry", key_hash=hash_key(secret),
        occurred_at=at,
    ))  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        await fed.harness.client.get("/v1/statistics/funnel", headers=headers)
    ).status_code == 200
    await apply(ApiKeyRevoked(key_id=key_id, organisation_id=ministry.id, occurred_at=at))
    forget_cached_keys()
    assert (
        await fed.harness.client.get("/v1/statistics/funnel", headers=headers)
    ).status_code == 401
