"""Keys on every authenticated route of every service, and the per-key rate limit, on the
running system with its default settings.

Without a key, with a key nobody issued, with a malformed Authorization header and with a key
that was revoked, every route answers 401 problem+json. A key that makes
more requests than its limit is answered 429 with Retry-After, while other keys go on.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from system_support import (
    RunningSystem,
    admin_headers,
    keys_known_everywhere,
    organisation_with_key,
)

from servicekit.access import hash_key
from servicekit.testing.support import wait_until

pytestmark = [pytest.mark.access, pytest.mark.slow]

# A route of each service that any valid key may read.
READABLE = {
    "registry": "/v1/organisations",
    "visa": "/v1/visa-rules",
    "notifications": "/v1/routing",
    "reporting": "/v1/statistics/funnel",
}
SERVICES = tuple(READABLE)
PROBLEM = "application/problem+json"
# The services' default: RATE_LIMIT_BURST requests at once, then RATE_LIMIT_PER_MINUTE.
DEFAULT_BURST = 240


def secured_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, concrete path) of every operation that asks for a key, path parameters filled
    with values of the right shape."""
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                operations.append((method.upper(), _filled(path, operation)))
    return operations


def _filled(path: str, operation: dict[str, Any]) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path":
            continue
        schema = parameter.get("schema", {})
        value = schema["enum"][0] if "enum" in schema else str(uuid.uuid4())
        path = path.replace("{" + parameter["name"] + "}", str(value))
    return path


async def revoked_key(system: RunningSystem) -> str:
    """A key issued, known to every service, then revoked, and refused by every service."""
    _, key = await organisation_with_key(
        system, {"name": f"Revoked {uuid.uuid4().hex[:6]}", "kind": "lmc", "region": "Abai"}
    )
    await keys_known_everywhere(system, [key])
    key_ids = await system.query(
        "registry", "SELECT key_id FROM api_key WHERE key_hash = $1", hash_key(key)
    )
    async with system.client("registry") as registry:
        gone = await registry.delete(
            f"/v1/api-keys/{key_ids[0]['key_id']}", headers=await admin_headers(system)
        )
        assert gone.status_code == 204, gone.text
    last: dict[str, int] = {}
    for service in SERVICES:  # revocation travels as an event; each service caches keys for 5 s

        async def refused(service: str = service) -> bool:
            async with system.client(service) as client:
                answer = await client.get(
                    READABLE[service], headers={"Authorization": f"Bearer {key}"}
                )
            last[service] = answer.status_code
            return answer.status_code == 401

        try:
            await wait_until(refused, timeout=60, every=0.5)
        except TimeoutError:
            pytest.fail(f"{service} still answers a revoked key: {last}")
    return key


async def test_every_route_refuses_missing_unknown_malformed_and_revoked_keys(
    system: RunningSystem,
) -> None:
    revoked = await revoked_key(system)
    credentials: dict[str, dict[str, str]] = {
        "no key": {},
        "unknown key": {"Authorization": f"Bearer sws_{uuid.uuid4().hex}"},
        "not bearer": {"Authorization": f"Basic {revoked}"},
        "bearer without a key": {"Authorization": "Bearer"},
        "revoked key": {"Authorization": f"Bearer {revoked}"},
    }
    wrong: list[str] = []
    calls = 0
    for service in SERVICES:
        async with system.client(service) as client:
            document = (await client.get("/v1/openapi.json")).json()
            for (method, path), (what, headers) in _every(
                secured_operations(document), credentials
            ):
                answer = await client.request(method, path, headers=headers, json={})
                calls += 1
                media = answer.headers.get("content-type", "").split(";")[0]
                if answer.status_code != 401 or media != PROBLEM:
                    wrong.append(f"{service} {method} {path} with {what}: {answer.status_code}")
    print(f"\nSUMMARY keys: {calls} calls with {len(credentials)} kinds of bad credentials")
    assert not wrong, "\n".join(wrong)


def _every(
    operations: list[tuple[str, str]], credentials: dict[str, dict[str, str]]
) -> list[tuple[tuple[str, str], tuple[str, dict[str, str]]]]:
    return [(operation, kind) for operation in operations for kind in credentials.items()]


async def test_a_key_over_its_rate_limit_waits_and_other_keys_go_on(system: RunningSystem) -> None:
    made = [
        await organisation_with_key(
            system, {"name": f"Busy {n} {uuid.uuid4().hex[:6]}", "kind": "lmc", "region": "Abai"}
        )
        for n in range(2)
    ]
    busy, calm = ({"Authorization": f"Bearer {key}"} for _, key in made)
    await keys_known_everywhere(system, [key for _, key in made])
    async with system.client("notifications") as client:
        answers = await _flood(client, busy, requests=DEFAULT_BURST * 3)
        calm_answer = await client.get("/v1/routing", headers=calm)
        statuses = Counter(answer.status_code for answer in answers)
        refused = [answer for answer in answers if answer.status_code == 429]
        print(f"\nSUMMARY rate limit: {len(answers)} requests at once with one key: {statuses}")

        assert statuses[200] >= DEFAULT_BURST, statuses
        assert refused, statuses
        assert calm_answer.status_code == 200
        for answer in refused:
            assert answer.headers["content-type"].startswith(PROBLEM)
            assert answer.json()["status"] == 429
            assert int(answer.headers["Retry-After"]) >= 1
        await asyncio.sleep(int(refused[-1].headers["Retry-After"]))
        assert (await client.get("/v1/routing", headers=busy)).status_code == 200


async def _flood(
    client: httpx.AsyncClient, headers: dict[str, str], *, requests: int
) -> list[httpx.Response]:
    """``requests`` GETs at most 32 at a time, as fast as the service answers (three bursts:
    enough to meet the limit even on a machine slow enough to refill a third meanwhile)."""
    gate = asyncio.Semaphore(32)

    async def one() -> httpx.Response:
        async with gate:
            return await client.get("/v1/routing", headers=headers)

    return await asyncio.gather(*(one() for _ in range(requests)))
