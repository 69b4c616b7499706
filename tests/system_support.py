"""Helpers of the cross-service tests."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from registry.domain.iin import check_digit
from servicekit.access import hash_key
from servicekit.embedded.stack import Stack

_serial = itertools.count(1)


@dataclass
class RunningSystem:
    stack: Stack
    urls: dict[str, str]
    databases: dict[str, str]
    log_dir: Path
    admin_key: str | None = None

    def client(self, service: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.urls[service], timeout=30, trust_env=False)

    async def query(self, service: str, sql: str, *args: object) -> list[asyncpg.Record]:
        """Read a service's database directly: tests check what each service knows."""
        conn = await asyncpg.connect(self.databases[service])
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()


async def lmc_key(system: RunningSystem) -> str:
    """An API key of a new Labour Mobility Centre, made through the registry's API with the
    stack's first admin key."""
    admin = await admin_headers(system)
    async with system.client("registry") as registry:
        created = await registry.post(
            "/v1/organisations",
            json={"name": "Shymkent LMC", "kind": "lmc", "region": "Shymkent"},
            headers=admin,
        )
        organisation_id = created.json()["id"]
        key = await registry.post(f"/v1/organisations/{organisation_id}/api-keys", headers=admin)
    secret: str = key.json()["api_key"]
    return secret


def valid_iin(birth: str = "010305", century_sex: str = "6") -> str:
    """A valid IIN not handed out before in this test session."""
    while True:
        first_eleven = f"{birth}{century_sex}{next(_serial) % 10_000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return first_eleven + str(digit)


async def admin_headers(system: RunningSystem) -> dict[str, str]:
    """The stack's first admin key (printed by the registry at start-up), as headers."""
    if system.admin_key is None:
        system.admin_key = admin_key_from(await system.stack.first_admin_key())
    return {"Authorization": f"Bearer {system.admin_key}"}


def admin_key_from(printed: str | None) -> str:
    """The key in the registry's start-up line announcing the first admin key."""
    assert printed, "the registry's first admin key was not created"
    return printed.split("api key:")[1].split()[0]


async def organisation_with_key(system: RunningSystem, body: dict[str, object]) -> tuple[str, str]:
    """A new organisation registered through the registry's API, and a key of its own:
    (organisation id, API key)."""
    admin = await admin_headers(system)
    async with system.client("registry") as registry:
        created = await registry.post("/v1/organisations", json=body, headers=admin)
        assert created.status_code == 201, created.text
        organisation_id: str = created.json()["id"]
        key = await registry.post(f"/v1/organisations/{organisation_id}/api-keys", headers=admin)
        assert key.status_code == 201, key.text
    secret: str = key.json()["api_key"]
    return organisation_id, secret


ROLE_ORGANISATIONS: dict[str, dict[str, object]] = {
    "lmc": {"kind": "lmc", "region": "Turkistan"},
    "agency": {"kind": "agency", "licence_number": "KZ-PEA-7", "licence_valid_until": "2099-12-31"},
    "operator": {"kind": "operator", "licence_number": "GLAA-7"},
    "ministry": {"kind": "ministry"},
    "admin": {"kind": "admin"},
}


async def organisations_of_every_role(
    system: RunningSystem, tag: str, roles: tuple[str, ...] = tuple(ROLE_ORGANISATIONS)
) -> dict[str, tuple[str, str]]:
    """A new organisation of each role with a key of its own, {role: (organisation id, key)},
    returned once the visa, notifications and reporting services know every key."""
    made = {}
    for role in roles:
        body = {"name": f"{role.title()} {tag}", **ROLE_ORGANISATIONS[role]}
        made[role] = await organisation_with_key(system, body)
    await keys_known_everywhere(system, [key for _, key in made.values()])
    return made


async def keys_known_everywhere(
    system: RunningSystem, keys: list[str], timeout: float = 60
) -> None:
    """Wait until each service other than the registry has replicated the keys."""

    deadline = time.monotonic() + timeout
    for service in ("visa", "notifications", "reporting"):
        for key in keys:
            while not await system.query(
                service, "SELECT 1 FROM api_key WHERE key_hash = $1", hash_key(key)
            ):
                assert time.monotonic() < deadline, f"{service} did not learn a key in time"
                await asyncio.sleep(0.2)
