"""The operator commands, run as a real process against the registry's database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable

from registry_support import Tenants, worker_body

from contracts.topics import VISA_CASE_TOPIC
from servicekit.inbox import Outcome
from servicekit.messaging import ReceivedRecord
from servicekit.testing.service import ServiceHarness


def run(command: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "registry", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_migrate_applies_everything_once(
    create_database: Callable[..., Awaitable[str]],
) -> None:
    database_url = await create_database(prefix="cli")

    first = run(["migrate"], database_url)
    second = run(["migrate"], database_url)

    assert first.returncode == 0, first.stderr
    assert "servicekit/0001_outbox" in first.stdout
    assert "registry/0001_workers" in first.stdout
    assert second.stdout.startswith("registry: 0 migration(s) applied")


async def test_dead_letters_are_listed_replayed_and_discarded(registry: ServiceHarness) -> None:
    poison = ReceivedRecord(VISA_CASE_TOPIC.name, b"w-1", b"{not json", ((("ce_id"), b"x"),), 1, 7)
    assert await registry.runtime.processor.process(poison) is Outcome.DEAD_LETTERED
    database_url = registry.runtime.settings.database_url

    listed = run(["dead-letters", "list"], database_url)
    letters = [json.loads(line) for line in listed.stdout.splitlines()]
    mine = [letter for letter in letters if (letter["partition"], letter["offset"]) == (1, 7)]
    assert len(mine) == 1
    assert "MalformedEventError" in mine[0]["error"]

    replayed = run(["dead-letters", "replay", str(mine[0]["id"])], database_url)
    assert replayed.returncode == 1, "a malformed record cannot apply: it fails again"
    assert "failed again" in replayed.stderr

    discarded = run(["dead-letters", "discard", str(mine[0]["id"])], database_url)
    assert discarded.returncode == 0
    remaining = run(["dead-letters", "list"], database_url).stdout
    assert str(mine[0]["id"]) not in [
        str(json.loads(line)["id"]) for line in remaining.splitlines()
    ]


async def test_republish_requeues_every_kept_event(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    created = await registry.client.post(
        "/v1/workers", json=worker_body(), headers=tenants.lmc.headers
    )
    assert created.status_code == 201
    database_url = registry.runtime.settings.database_url

    result = run(["outbox", "republish"], database_url)

    assert result.returncode == 0, result.stderr
    assert "queued for publishing again" in result.stdout


async def test_an_admin_creates_organisations_and_keys_from_the_command_line(
    create_database: Callable[..., Awaitable[str]],
) -> None:
    database_url = await create_database(prefix="cli")
    run(["migrate"], database_url)

    created = run(
        ["admin", "create-organisation", "--name", "Kyzylorda LMC", "--kind", "lmc",
         "--region", "Kyzylorda"],
        database_url,
    )  # fmt: skip
    organisation_id = created.stdout.split()[1]
    issued = run(["admin", "issue-key", organisation_id], database_url)
    refused = run(
        ["admin", "create-organisation", "--name", "No region", "--kind", "lmc"], database_url
    )

    assert created.returncode == 0, created.stderr
    assert issued.returncode == 0, issued.stderr
    assert "sws_" in issued.stdout
    assert refused.returncode == 2
    assert refused.stderr.startswith("refused (region): a Labour Mobility Centre has a region")
