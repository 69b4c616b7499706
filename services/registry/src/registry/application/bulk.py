"""Bulk registration: every row validated on its own; valid rows registered together, each
invalid row reported with its row number and field. All in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from registry.application.commands import RegisterWorker
from registry.application.handlers import recruiting_organisation
from registry.application.integration import publish_events_of_many
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import DomainError
from registry.domain.iin import IIN, InvalidIIN
from registry.domain.worker import Worker

MAX_ROWS = 10_000
# Valid rows are written this many at a time, all in the batch's one transaction: the objects
# of one chunk are dropped before the next is built, which bounds the memory of a large batch.
CHUNK_ROWS = 1_000


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str
    existing_worker_id: UUID | None = None


@dataclass(frozen=True)
class BulkRow:
    """One parsed row: a command, or the errors that kept it from being one."""

    row: int
    command: RegisterWorker | None
    errors: Sequence[RowError] = ()


@dataclass
class BulkResult:
    registered: list[tuple[int, UUID]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def register_workers(uow: RegistryUnitOfWork, rows: Iterable[BulkRow]) -> BulkResult:
    """Register the valid rows, in chunks of CHUNK_ROWS; ``rows`` may validate lazily."""
    now = datetime.now(UTC)
    organisation = await recruiting_organisation(uow, now)
    result = BulkResult()
    first_row_of: dict[str, int] = {}  # IIN -> the row that has it first among the valid rows
    chunk: list[tuple[int, Worker]] = []
    for row in rows:
        if row.command is None:
            result.errors.extend(row.errors)
            continue
        outcome = _worker_of(row.row, row.command, organisation.id, now)
        if isinstance(outcome, RowError):
            result.errors.append(outcome)
            continue
        first = first_row_of.setdefault(outcome.iin.value, row.row)
        if first != row.row:
            result.errors.append(RowError(row.row, "iin", f"the same IIN is in row {first}"))
            continue
        chunk.append((row.row, outcome))
        if len(chunk) == CHUNK_ROWS:
            await _register(uow, chunk, result)
            chunk = []
    await _register(uow, chunk, result)
    result.errors.sort(key=lambda error: error.row)
    result.registered.sort()
    return result


async def _register(
    uow: RegistryUnitOfWork, candidates: list[tuple[int, Worker]], result: BulkResult
) -> None:
    if not candidates:
        return
    existing = await uow.workers.ids_by_iin([worker.iin.value for _, worker in candidates])
    new = []
    for row, worker in candidates:
        if worker.iin.value in existing:
            result.errors.append(_duplicate(row, existing[worker.iin.value]))
        else:
            new.append((row, worker))
    inserted = await uow.workers.add_many([worker for _, worker in new])
    workers = []
    for row, worker in new:
        if worker.id in inserted:
            result.registered.append((row, worker.id))
            workers.append(worker)
        else:  # registered by someone else since we looked
            found = await uow.workers.id_by_iin(worker.iin)
            result.errors.append(_duplicate(row, found or worker.id))
    if not workers:
        return
    organisation_id = workers[0].organisation_id
    await uow.workers.grant_access_many([w.id for w in workers], organisation_id, "registered")
    await uow.audit_many("worker.registered", "worker", [
        (w.id, None, {"organisation_id": organisation_id, "stage": w.stage.value})
        for w in workers
    ])  # fmt: skip
    await publish_events_of_many(uow, workers)


def _worker_of(
    row: int, command: RegisterWorker, organisation_id: UUID, now: datetime
) -> Worker | RowError:
    try:
        iin = IIN.parse(command.iin)
    except InvalidIIN as error:
        return RowError(row, "iin", str(error))
    try:
        return Worker.register(
            worker_id=uuid.uuid4(),
            iin=iin,
            organisation_id=organisation_id,
            profile=command.profile,
            consent=command.consent,
            now=now,
        )
    except DomainError as error:
        return RowError(row, error.field, str(error))


def _duplicate(row: int, worker_id: UUID) -> RowError:
    return RowError(row, "iin", "a worker with this IIN is registered already", worker_id)
