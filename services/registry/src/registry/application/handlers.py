"""Command handlers: load, apply the domain's rules, save, publish; the unit of work commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from registry.application.commands import RegisterWorker
from registry.application.integration import publish_events
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import DuplicateWorker, InvalidWorkerData
from registry.domain.iin import IIN, InvalidIIN
from registry.domain.worker import Worker


async def register_worker(uow: RegistryUnitOfWork, command: RegisterWorker) -> Worker:
    try:
        iin = IIN.parse(command.iin)
    except InvalidIIN as error:
        raise InvalidWorkerData(str(error), field="iin") from error
    existing = await uow.workers.id_by_iin(iin)
    if existing is not None:
        raise DuplicateWorker(existing)
    worker = Worker.register(
        worker_id=uuid.uuid4(),
        iin=iin,
        organisation_id=command.organisation_id,
        profile=command.profile,
        consent=command.consent,
        now=datetime.now(UTC),
    )
    if not await uow.workers.add(worker):
        raise DuplicateWorker(await uow.workers.id_by_iin(iin) or worker.id)
    await publish_events(uow, worker)
    return worker
