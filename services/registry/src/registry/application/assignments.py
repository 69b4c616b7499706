"""Assigning a worker to another LMC or agency, which then looks after the worker too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from contracts.events.registry import WorkerAssigned
from registry.application.journey import load_for
from registry.application.permissions import OWNER_RELATIONS, Step
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import InvalidWorkerData

ASSIGNED = "assigned"


@dataclass(frozen=True)
class Assignment:
    worker_id: UUID
    organisation_id: UUID
    relation: str


async def assign_worker(
    uow: RegistryUnitOfWork, worker_id: UUID, organisation_id: UUID
) -> Assignment:
    """Grant ``organisation_id`` (an LMC or an agency that may recruit today) the care of the
    worker. Assigning it twice changes nothing."""
    acting = await load_for(uow, worker_id, Step.ASSIGN)
    target = await uow.organisations.get(organisation_id)
    if target is None or not target.may_recruit(datetime.now(UTC).date()):
        raise InvalidWorkerData(
            f"{organisation_id} is not an active LMC or an agency with a valid licence",
            field="organisation_id",
        )
    before = sorted(await uow.workers.relations_of(worker_id, organisation_id))
    if not OWNER_RELATIONS & set(before):
        await uow.workers.grant_access(worker_id, organisation_id, ASSIGNED)
        await uow.audit(
            "worker.assigned",
            "worker",
            worker_id,
            before={"organisation_id": organisation_id, "relations": before},
            after={"organisation_id": organisation_id, "relations": sorted({*before, ASSIGNED}),
                   "stage": acting.worker.stage.value},
        )  # fmt: skip
        # Not a step of the journey but who may see it: the other services learn it from this.
        worker = acting.worker
        await uow.publish(
            WorkerAssigned(
                worker_id=worker.id,
                organisation_id=worker.organisation_id,
                assigned_organisation_id=organisation_id,
                occurred_at=datetime.now(UTC),
            ),
            subject=str(worker.id),
            key=str(worker.id),
            organisation_id=str(worker.organisation_id),
        )
    relation = "registered" if "registered" in before else ASSIGNED
    return Assignment(worker_id, organisation_id, relation)
