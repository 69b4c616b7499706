"""The scheduled overstay check: a worker still abroad after the visa's end, or 14 days after
the contract's end without a recorded return, is flagged once per season.

Several instances may run it at once: each worker is checked under its row lock, and the
worker records which seasons were flagged, so the second check of a worker finds it done."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from registry.application.integration import publish_events
from registry.application.unit_of_work import RegistryUnitOfWork
from servicekit.service import Runtime

log = logging.getLogger(__name__)


async def check_overstays(runtime: Runtime[Any], today: date | None = None) -> int:
    """Flag every worker now at risk; returns how many were flagged by this call."""
    flagged = 0
    uow: RegistryUnitOfWork
    async with runtime.unit_of_work("overstay-check") as uow:
        candidates = await uow.workers.ids_abroad()
    for worker_id in candidates:
        async with runtime.unit_of_work("overstay-check") as uow:
            flagged += await _check(uow, worker_id, today)
    return flagged


async def _check(uow: RegistryUnitOfWork, worker_id: UUID, today: date | None) -> int:
    worker = await uow.workers.get(worker_id, for_update=True)
    if worker is None:
        return 0
    now = datetime.now(UTC)
    reason = worker.flag_overstay_risk(today or now.date(), now)
    if reason is None:
        return 0
    await uow.workers.save(worker)
    await uow.audit("worker.overstay_risk_flagged", "worker", worker.id, before=None,
                    after={"reason": reason, "season": worker.season})  # fmt: skip
    await publish_events(uow, worker)
    log.warning("overstay risk for worker %s: %s", worker.id, reason)
    return 1


async def overstay_checks(runtime: Runtime[Any]) -> None:
    """The background job: check now, then every OVERSTAY_CHECK_INTERVAL_SECONDS."""
    interval = float(getattr(runtime.settings, "overstay_check_interval_seconds", 3600.0))
    while True:
        try:
            await check_overstays(runtime)
        except Exception:  # a failed round must not end the job: the next one retries
            log.exception("the overstay check failed")
        await asyncio.sleep(interval)
