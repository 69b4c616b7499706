"""Worker routes: parse, build a command, hand it to its handler, shape the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from registry.adapters.worker_queries import WorkerFilter, list_workers, visible_worker
from registry.application import handlers
from registry.application.assignments import assign_worker
from registry.application.commands import RegisterWorker
from registry.application.profile import update_profile
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import WorkerNotFound
from registry.domain.worker import Stage, Worker
from registry.entrypoints.api.dependencies import UnitOfWorkFactory
from registry.entrypoints.api.journey_schemas import AssignmentCreate, AssignmentPublic
from registry.entrypoints.api.schemas import WorkerCreate, WorkerPublic, WorkerUpdate
from servicekit.access import Principal
from servicekit.access.http import CurrentPrincipal
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from servicekit.http.problems import Problem
from servicekit.http.text import NO_NUL

router = APIRouter(prefix="/v1/workers", tags=["workers"])

_PROBLEMS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "No valid API key"},
    403: {"model": Problem, "description": "The caller's organisation may not do this"},
    404: {"model": Problem, "description": "No such worker the caller may see"},
    409: {"model": Problem, "description": "The IIN is registered already"},
    422: {"model": Problem, "description": "A field is wrong; `errors` names it"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkerPublic,
    responses=_PROBLEMS,
    operation_id="registerWorker",
    summary="Register a worker (LMCs and licensed agencies)",
)
async def register_worker(
    body: WorkerCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = RegisterWorker(iin=body.iin, profile=body.to_profile(), consent=body.to_consent())

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        worker = await handlers.register_worker(uow, command)
        return Answer(201, public(worker), {"Location": f"/v1/workers/{worker.id}"})

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.get(
    "",
    response_model=Page[WorkerPublic],
    responses=_PROBLEMS,
    operation_id="listWorkers",
    summary="Workers the caller may see, filtered and searched, in pages",
)
async def list_visible_workers(
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    stage: Stage | None = None,
    region: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    organisation_id: UUID | None = None,
    season: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    iin: Annotated[str | None, Query(pattern=r"^[0-9]{12}$", description="Exact IIN")] = None,
    name: Annotated[
        str | None,
        Query(min_length=2, max_length=100, pattern=NO_NUL, description="Part of the name"),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[WorkerPublic]:
    position = decode_cursor(cursor, 2)
    after = (datetime.fromisoformat(position[0]), UUID(position[1])) if position else None
    where = WorkerFilter(stage and stage.value, region, organisation_id, season, iin, name)
    async with unit_of_work() as uow:
        workers = await list_workers(
            uow.conn, scope=scope_of(principal), where=where, after=after, limit=limit
        )
    last = workers[-1] if len(workers) == limit else None
    next_cursor = encode_cursor([last.registered_at.isoformat(), str(last.id)]) if last else None
    return Page(items=[public(worker) for worker in workers], next_cursor=next_cursor)


@router.get(
    "/{worker_id}",
    response_model=WorkerPublic,
    responses=_PROBLEMS,
    operation_id="getWorker",
    summary="Get a worker",
)
async def get_worker(
    worker_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> WorkerPublic:
    async with unit_of_work() as uow:
        worker = await visible_worker(uow.conn, worker_id, scope=scope_of(principal))
    if worker is None:
        raise WorkerNotFound(worker_id)
    return public(worker)


@router.patch(
    "/{worker_id}",
    response_model=WorkerPublic,
    responses=_PROBLEMS,
    operation_id="updateWorker",
    summary="Change the worker's profile (the LMC or agency looking after the worker)",
    description="Send only the fields to change. Changes other services need are published: the"
    " journey's facts (region, sex, date of birth, language, passport expiry) and contact details"
    " (names, phone, e-mail, language). A passport number change is audited, not published.",
)
async def update_worker(
    worker_id: UUID,
    body: WorkerUpdate,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
) -> WorkerPublic:
    async with unit_of_work() as uow:
        return public(await update_profile(uow, worker_id, body.changes()))


@router.post(
    "/{worker_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentPublic,
    responses=_PROBLEMS,
    operation_id="assignWorker",
    summary="Let another LMC or licensed agency look after the worker too (owners)",
)
async def assign(
    worker_id: UUID,
    body: AssignmentCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        assignment = await assign_worker(uow, worker_id, body.organisation_id)
        return Answer(201, AssignmentPublic(**vars(assignment)))

    return await run_once(request, idempotency_key, unit_of_work, produce)


def scope_of(principal: Principal) -> UUID | None:
    """The organisation whose workers the caller sees; None: every worker."""
    return None if principal.reads_everything else principal.organisation_id


def public(worker: Worker) -> WorkerPublic:
    p = worker.profile
    return WorkerPublic(
        id=worker.id,
        iin=worker.iin.value,
        organisation_id=worker.organisation_id,
        given_name=p.given_name,
        family_name=p.family_name,
        patronymic=p.patronymic,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        region=p.region,
        phone=p.phone,
        email=p.email,
        preferred_language=p.preferred_language,
        passport_expiry=p.passport_expiry,
        stage=worker.stage.value,
        registered_at=worker.registered_at,
        warnings=worker.warnings(),
    )
