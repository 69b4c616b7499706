"""Journey at scale: WORKERS workers (40 here, several hundred with SWS_FULL=1) driven through
the whole journey through the public APIs of a stack of their own, then every service's state
compared with the ground truth the driver kept; the event ledger balanced; and the generated
workers' personal data looked for in the logs, the exports and the analytics stream."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from faults.fault_support import FaultStack, Ledger, running_fault_stack, settled_ledger
from faults.leak_scan import scan_files, scan_text
from faults.scale_journey import (
    WORKERS,
    Api,
    Driver,
    Parties,
    Stats,
    WorkerTruth,
    drive,
    set_up_parties,
    settled,
    summary_line,
)
from system_support import admin_key_from

from servicekit.testing.support import read_topic

pytestmark = [pytest.mark.scale, pytest.mark.slow]


@dataclass
class ScaleRun:
    stack: FaultStack
    api: Api
    parties: Parties
    workers: list[WorkerTruth]
    stats: Stats
    mismatches: list[str]
    ledger: Ledger
    seconds: float


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def scale_run(
    create_database: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ScaleRun]:
    work = Path(tmp_path_factory.mktemp("scale"))
    async with running_fault_stack(work, create_database, durable=False, prefix="scale") as stack:
        stats = Stats()
        api = Api(stack.urls, stats)
        parties = await set_up_parties(
            api, admin_key_from(await stack.first_admin_key()), uuid.uuid4().hex[:6]
        )
        try:
            driver = Driver(api, parties)
            workers = driver.plan_workers(WORKERS)
            started = time.monotonic()
            await drive(driver, workers, concurrency=64)
            left = await settled(api, parties, workers)
            found = await settled_ledger(stack)
            run = ScaleRun(
                stack, api, parties, workers, stats, left, found, time.monotonic() - started
            )
            print(
                "\n"
                + summary_line(
                    "journey at scale", workers, stats, found.events, f"{run.seconds:.0f}s"
                )
            )
            yield run
        finally:
            for receiver in parties.receivers.values():
                receiver.stop()
            await api.close()


async def test_every_service_agrees_with_the_ground_truth(scale_run: ScaleRun) -> None:
    assert not scale_run.mismatches, "\n".join(scale_run.mismatches[:40])
    # Nothing failed on the way: without faults no connection fails and no answer is a 5xx
    # (a timeout on a crowded machine is retried with the same Idempotency-Key, as partners do).
    assert scale_run.stats.server_errors == 0
    assert scale_run.stats.transport_errors == 0


async def test_no_event_is_lost_or_applied_twice(scale_run: ScaleRun) -> None:
    assert not scale_run.ledger.problems, "\n".join(scale_run.ledger.problems)
    assert scale_run.ledger.events > len(scale_run.workers) * 5


async def test_partners_received_each_webhook(scale_run: ScaleRun) -> None:
    """Every organisation's webhook (delivered once in the delivery log) reached its
    receiver, signed with the endpoint's secret."""
    delivered = {
        row["id"]
        for row in await scale_run.stack.query(
            "notifications",
            "SELECT id::text FROM delivery WHERE channel = 'webhook' AND status = 'delivered'",
        )
    }
    received = {
        hook.webhook_id for r in scale_run.parties.receivers.values() for hook in r.accepted
    }
    assert delivered == received
    assert not [r.rejected for r in scale_run.parties.receivers.values() if r.rejected]


async def test_no_personal_data_in_logs_exports_or_the_analytics_stream(
    scale_run: ScaleRun,
) -> None:
    workers, api, ministry = scale_run.workers, scale_run.api, scale_run.parties.ministry
    leaks, log_bytes = scan_files(scale_run.stack.log_files(), workers)
    exported = 0
    for dataset in ("journeys", "visa-decisions", "grievances"):
        for kind in ("csv", "jsonl"):
            response = await api.call(
                "reporting", "GET", f"/v1/exports/{dataset}", ministry, params={"format": kind}
            )
            exported += len(response.text)
            leaks += scan_text(
                f"export {dataset}.{kind}", response.text, workers, with_worker_id=True
            )
    records = await read_topic(
        scale_run.stack.bootstrap_servers, "reporting.journey-snapshot.v1", expected=len(workers)
    )
    for record in records:
        headers = " ".join(f"{k}={v!r}" for k, v in record.headers)
        text = f"{record.key!r} {headers} {record.value.decode()}"
        leaks += scan_text("reporting.journey-snapshot.v1", text, workers, with_worker_id=True)
    print(
        f"\nSUMMARY leak scan: {log_bytes} bytes of logs, {exported} bytes of exports, "
        f"{len(records)} analytics records; leaks: {len(leaks)}"
    )
    assert len({r.key for r in records}) >= len(workers) - 1
    assert not leaks, "\n".join(f"{leak}" for leak in leaks[:20])
