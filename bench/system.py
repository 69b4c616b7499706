"""The whole system started for a benchmark: its own broker, fresh databases, four services."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, drop_database, ensure_database
from servicekit.embedded.probe import free_port
from servicekit.embedded.services import SERVICE_NAMES, ServiceSpec
from servicekit.embedded.stack import Stack, StackOptions

# The load comes from one key: the per-key rate limit would measure itself.
QUIET = {
    "LOG_LEVEL": "WARNING",
    "OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
    "RATE_LIMIT_PER_MINUTE": "0",
}


async def fresh_database(name: str) -> str:
    await drop_database(LOCAL_ADMIN_DSN, name)
    return await ensure_database(LOCAL_ADMIN_DSN, name)


async def start_system(work: Path) -> tuple[Stack, dict[str, str]]:
    environ = dict(os.environ) | QUIET
    for name in SERVICE_NAMES:
        environ[f"{name.upper()}_DATABASE_URL"] = await fresh_database(f"bench_{name}")
    specs = tuple(ServiceSpec(name, free_port()) for name in SERVICE_NAMES)
    stack = Stack(
        StackOptions(
            data_dir=work / "data",
            log_dir=work / "logs",
            kafka_port=free_port(),
            services=specs,
            environ=environ,
        )
    )
    await stack.start()
    return stack, {spec.name: f"http://127.0.0.1:{spec.port}" for spec in specs}


async def recruiter_key(stack: Stack, registry_url: str) -> str:
    """An LMC's API key, made with the first admin key."""
    printed = await stack.first_admin_key()
    if not printed:
        raise RuntimeError("no admin key: is the registry database fresh?")
    admin = {"Authorization": "Bearer " + printed.split("api key:")[1].split()[0]}
    async with httpx.AsyncClient(base_url=registry_url, headers=admin, trust_env=False) as client:
        created = await client.post(
            "/v1/organisations", json={"name": "Bench LMC", "kind": "lmc", "region": "Turkistan"}
        )
        key = await client.post(f"/v1/organisations/{created.json()['id']}/api-keys")
    secret: str = key.json()["api_key"]
    return secret


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
