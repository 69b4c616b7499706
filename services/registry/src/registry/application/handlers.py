"""Command handlers: load, apply the domain's rules, save, publish; the unit of work commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from registry.application.commands import RegisterWorker
from registry.application.integration import publish_events
from registry.application.permissions import require_recruiter
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import DuplicateWorker, InvalidWorkerData, NotPermitted
from registry.domain.iin import IIN, InvalidIIN
from registry.domain.organisation import Organisation
from registry.domain.worker import Worker
from servicekit.access import Principal


async def register_worker(uow: RegistryUnitOfWork, command: RegisterWorker) -> Worker:
    now = datetime.now(UTC)
    organisation = await recruiting_organisation(uow, now)
    try:
        iin = IIN.parse(command.iin)
    except InvalidIIN as error:
        raise InvalidWorkerData(str(error), field="iin") from error
    worker = Worker.register(
        worker_id=uuid.uuid4(),
        iin=iin,
        organisation_id=organisation.id,
        profile=command.profile,
        consent=command.consent,
        now=now,
    )
    # no look-up first: the insert itself finds a taken IIN, one round trip fewer
    if not await uow.workers.add(worker):
        raise DuplicateWorker(await uow.workers.id_by_iin(iin) or worker.id)
    await uow.workers.grant_access(worker.id, organisation.id, "registered")
    after = {"organisation_id": organisation.id, "stage": worker.stage.value}
    await uow.audit("worker.registered", "worker", worker.id, before=None, after=after)
    await publish_events(uow, worker)
    return worker


async def recruiting_organisation(uow: RegistryUnitOfWork, now: datetime) -> Organisation:
    """The caller's organisation, if it may register and look after workers today."""
    actor = _actor(uow)
    require_recruiter(actor)
    organisation = await uow.organisations.get(actor.organisation_id)
    if organisation is None or not organisation.may_recruit(now.date()):
        raise NotPermitted(
            "the organisation may not recruit: it is inactive or its licence is not valid"
        )
    return organisation


def _actor(uow: RegistryUnitOfWork) -> Principal:
    if uow.actor is None:
        raise NotPermitted("this needs an authenticated organisation")
    return uow.actor
