"""A partner's retry never creates a duplicate: Idempotency-Key on POST, on the real stack."""

from __future__ import annotations

import asyncio

from registry_support import Tenants, worker_body

from servicekit.testing.service import ServiceHarness


async def test_a_retried_registration_replays_the_first_answer_and_registers_once(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body()
    headers = tenants.lmc.headers | {"Idempotency-Key": "batch-7-row-1"}

    first = await registry.client.post("/v1/workers", json=body, headers=headers)
    retry = await registry.client.post("/v1/workers", json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["Location"] == first.headers["Location"]
    listed = await registry.client.get(
        "/v1/workers", params={"iin": body["iin"]}, headers=tenants.lmc.headers
    )
    assert len(listed.json()["items"]) == 1


async def test_concurrent_retries_with_one_key_register_once(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body()
    headers = tenants.agency_a.headers | {"Idempotency-Key": "concurrent-1"}

    answers = await asyncio.gather(
        *(registry.client.post("/v1/workers", json=body, headers=headers) for _ in range(5))
    )

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1


async def test_a_key_reused_for_another_request_is_refused(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    headers = tenants.lmc.headers | {"Idempotency-Key": "reused-key"}
    await registry.client.post("/v1/workers", json=worker_body(), headers=headers)

    other = await registry.client.post("/v1/workers", json=worker_body(), headers=headers)

    assert other.status_code == 422
    assert other.json()["type"] == "urn:sws:problem:idempotency-key-reused"


async def test_a_failed_request_is_not_remembered_so_its_corrected_retry_runs(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body(phone=None, email=None)
    headers = tenants.lmc.headers | {"Idempotency-Key": "fix-and-retry"}
    refused = await registry.client.post("/v1/workers", json=body, headers=headers)

    again = await registry.client.post("/v1/workers", json=body, headers=headers)

    assert refused.status_code == again.status_code == 422
    assert "Idempotent-Replayed" not in again.headers


async def test_keys_of_different_organisations_do_not_collide(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    key = {"Idempotency-Key": "same-key-two-organisations"}

    first = await registry.client.post(
        "/v1/workers", json=worker_body(), headers=tenants.lmc.headers | key
    )
    second = await registry.client.post(
        "/v1/workers", json=worker_body(), headers=tenants.agency_b.headers | key
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
