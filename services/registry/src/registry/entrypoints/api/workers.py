"""Worker routes: parse, build a command, hand it to its handler, shape the answer."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from registry.application import handlers
from registry.application.commands import RegisterWorker
from registry.domain.errors import WorkerNotFound
from registry.domain.worker import Consent, Profile, Worker
from registry.entrypoints.api.dependencies import UnitOfWorkFactory
from registry.entrypoints.api.schemas import WorkerCreate, WorkerPublic
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/workers", tags=["workers"])

_PROBLEMS: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "No such worker"},
    409: {"model": Problem, "description": "The IIN is registered already"},
    422: {"model": Problem, "description": "A field is wrong; `errors` names it"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkerPublic,
    responses=_PROBLEMS,
    operation_id="registerWorker",
    summary="Register a worker",
)
async def register_worker(
    body: WorkerCreate, response: Response, unit_of_work: UnitOfWorkFactory
) -> WorkerPublic:
    command = RegisterWorker(
        iin=body.iin,
        organisation_id=body.organisation_id,
        profile=Profile(
            given_name=body.given_name,
            family_name=body.family_name,
            patronymic=body.patronymic,
            date_of_birth=body.date_of_birth,
            sex=body.sex,
            region=body.region,
            phone=body.phone,
            email=body.email,
            preferred_language=body.preferred_language,
            passport_number=body.passport_number,
            passport_expiry=body.passport_expiry,
        ),
        consent=Consent(body.consent.given_at, body.consent.text_version),
    )
    async with unit_of_work() as uow:
        worker = await handlers.register_worker(uow, command)
    response.headers["Location"] = f"/v1/workers/{worker.id}"
    return public(worker)


@router.get(
    "/{worker_id}",
    response_model=WorkerPublic,
    responses=_PROBLEMS,
    operation_id="getWorker",
    summary="Get a worker",
)
async def get_worker(worker_id: UUID, unit_of_work: UnitOfWorkFactory) -> WorkerPublic:
    async with unit_of_work() as uow:
        worker = await uow.workers.get(worker_id)
    if worker is None:
        raise WorkerNotFound(worker_id)
    return public(worker)


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
