"""The visa service's decisions move the worker's journey.

These events come from another service and may arrive late (the worker withdrew meanwhile) or
twice under different ids: the domain ignores what no longer applies and says so, and nothing
is changed or published then. An event about a worker the registry does not know is an error
(it goes to the dead-letter topic after the retries), because it means data was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

from registry.application.integration import publish_events
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.worker import Worker

log = logging.getLogger(__name__)


class UnknownWorker(LookupError):
    pass


async def apply_visa_event(
    uow: RegistryUnitOfWork, worker_id: UUID, what: str, change: Callable[[Worker], bool]
) -> bool:
    """Load the worker, apply ``change``; save and publish only when it applied."""
    worker = await uow.workers.get(worker_id, for_update=True)
    if worker is None:
        raise UnknownWorker(f"visa event for unknown worker {worker_id}")
    before = worker.stage.value
    if not change(worker):
        log.info("ignored %s for worker %s at stage %s", what, worker_id, before)
        return False
    await uow.workers.save(worker)
    await uow.audit(what, "worker", worker.id, before={"stage": before},
                    after={"stage": worker.stage.value})  # fmt: skip
    await publish_events(uow, worker)
    return True
