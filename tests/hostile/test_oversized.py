"""Oversized bodies and batches are refused with 413 problem+json before they are read whole,
whether the size is declared (Content-Length) or not (chunked), on every service, and change
nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from system_support import RunningSystem, organisations_of_every_role

from registry.application.bulk import MAX_ROWS
from registry.entrypoints.api.bulk import BULK_MAX_BYTES

pytestmark = [pytest.mark.hostile]

LIMIT = 1_048_576  # MAX_REQUEST_BYTES by default
# One POST, PATCH or PUT route of each service, with the role that may call it.
ROUTES = [
    ("registry", "POST", "/v1/workers", "lmc"),
    ("registry", "POST", "/v1/organisations", "admin"),
    ("registry", "PATCH", f"/v1/workers/{uuid.uuid4()}", "lmc"),
    ("visa", "POST", "/v1/visa-rules", "admin"),
    ("visa", "POST", f"/v1/cases/{uuid.uuid4()}/decision", "operator"),
    ("notifications", "POST", "/v1/webhook-endpoints", "agency"),
    ("notifications", "PUT", f"/v1/workers/{uuid.uuid4()}/preferences", "lmc"),
    ("reporting", "POST", "/v1/dashboard/links", "ministry"),
]


async def chunks(total: int, size: int = 65_536) -> AsyncIterator[bytes]:
    sent = 0
    yield b'{"name": "'
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:sws:problem:payload-too-large"


async def test_oversized_bodies_are_refused_on_every_service(system: RunningSystem) -> None:
    keys = await organisations_of_every_role(system, f"big {uuid.uuid4().hex[:6]}")
    refused = 0
    for service, method, path, role in ROUTES:
        headers = {"Authorization": f"Bearer {keys[role][1]}", "Content-Type": "application/json"}
        async with system.client(service) as client:
            declared = b'{"name": "' + b"x" * LIMIT + b'"}'
            assert_refused(await client.request(method, path, content=declared, headers=headers))
            if path != "/v1/dashboard/links":  # takes no body: an undeclared one is never read
                chunked = await client.request(method, path, content=chunks(LIMIT), headers=headers)
                assert "content-length" not in chunked.request.headers
                assert_refused(chunked)
                refused += 1
            # without a key too: the size is checked first
            assert_refused(await client.request(method, path, content=declared))
            refused += 2
    print(f"\nSUMMARY oversized: {refused} oversized requests refused on {len(ROUTES)} routes")


async def test_oversized_batches_are_refused_and_register_nobody(system: RunningSystem) -> None:
    keys = await organisations_of_every_role(system, f"batch {uuid.uuid4().hex[:6]}", ("lmc",))
    auth = {"Authorization": f"Bearer {keys['lmc'][1]}"}
    row = (
        "980412300012,Aigerim,Example,,1998-04-12,female,Turkistan,+77011234567,,kk,"
        "N12345678,2031-06-30,2025-01-15T09:30:00Z,2025-01\n"
    )
    async with system.client("registry") as registry:
        header = (await registry.get("/v1/openapi.json")).json()["paths"]["/v1/workers/bulk"]
        columns = header["post"]["requestBody"]["content"]["text/csv"]["example"].splitlines()[0]
        too_many_csv = (columns + "\n" + row * (MAX_ROWS + 1)).encode()
        answer = await registry.post(
            "/v1/workers/bulk", content=too_many_csv, headers=auth | {"Content-Type": "text/csv"}
        )
        assert answer.status_code == 413, answer.text[:300]
        assert answer.json()["type"] == "urn:sws:problem:too-many-rows"
        too_many_json = b'{"workers": [' + b",".join([b"{}"] * (MAX_ROWS + 1)) + b"]}"
        answer = await registry.post(
            "/v1/workers/bulk",
            content=too_many_json,
            headers=auth | {"Content-Type": "application/json"},
        )
        assert answer.status_code == 413, answer.text[:300]
        huge = b"x" * (BULK_MAX_BYTES + 1)
        assert_refused(
            await registry.post(
                "/v1/workers/bulk", content=huge, headers=auth | {"Content-Type": "text/csv"}
            )
        )
        assert_refused(
            await registry.post(
                "/v1/workers/bulk",
                content=chunks(BULK_MAX_BYTES, 1_048_576),
                headers=auth | {"Content-Type": "text/csv"},
            )
        )
        listed = await registry.get("/v1/workers", headers=auth)
    assert listed.json()["items"] == []
