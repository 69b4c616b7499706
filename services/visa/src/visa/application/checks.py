"""The scheduled check: CoS that lapsed unused, refusals that became final, and notices before
a granted visa ends (30, 14 and 3 days ahead, once each).

Several instances may run it at once: each case is checked in its own transaction under its
row lock, and the case records the notices sent, so the second check of a case finds it done
and publishes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from servicekit.service import Runtime
from visa.application.audit_view import snapshot
from visa.application.integration import publish_events
from visa.application.unit_of_work import VisaUnitOfWork

log = logging.getLogger(__name__)
CORRELATION = "visa-check"


@dataclass
class CheckResult:
    lapsed: int = 0
    refusals_final: int = 0
    notices: int = 0


async def run_checks(runtime: Runtime[Any], today: date | None = None) -> CheckResult:
    """Check every case the rules may change on ``today`` (default: today, UTC)."""
    day = today or datetime.now(UTC).date()
    result = CheckResult()
    uow: VisaUnitOfWork
    async with runtime.unit_of_work(CORRELATION) as uow:
        candidates = await uow.cases.due_for_check(day)
    for case_id in candidates:
        async with runtime.unit_of_work(CORRELATION) as uow:
            await _check(uow, case_id, day, result)
    return result


async def _check(uow: VisaUnitOfWork, case_id: UUID, today: date, result: CheckResult) -> None:
    case = await uow.cases.get(case_id, for_update=True)
    if case is None:
        return
    now = datetime.now(UTC)
    before = snapshot(case)
    if case.lapse_if_due(today, now):
        action = "visa_case.lapsed"
        result.lapsed += 1
    elif case.finish_refusal_if_over(today, now):
        action = "visa_case.refusal_final"
        result.refusals_final += 1
    elif case.note_expiry(today, now) is not None:
        action = "visa_case.expiry_notice"
        result.notices += 1
    else:
        return  # another instance got here first, or nothing is due
    await uow.cases.save(case)
    await uow.audit(action, "visa_case", case.id, before=before, after=snapshot(case))
    await publish_events(uow, case)


async def scheduled_checks(runtime: Runtime[Any]) -> None:
    """The background job: check now, then every VISA_CHECK_INTERVAL_SECONDS."""
    interval = float(getattr(runtime.settings, "visa_check_interval_seconds", 3600.0))
    while True:
        try:
            result = await run_checks(runtime)
            if result.lapsed or result.refusals_final or result.notices:
                log.info("visa check: %s", result)
        except Exception:  # a failed round must not end the job: the next one retries
            log.exception("the visa check failed")
        await asyncio.sleep(interval)
