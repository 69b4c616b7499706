"""Bulk registration route: a CSV or JSON batch of up to 10,000 workers."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from registry.application.bulk import MAX_ROWS, BulkResult, register_workers
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.entrypoints.api.bulk_parsing import (
    CSV_COLUMNS,
    BadBatch,
    rows_from_csv,
    rows_from_json,
)
from registry.entrypoints.api.dependencies import UnitOfWorkFactory
from servicekit.access.http import CurrentPrincipal
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.problems import FieldProblem, Problem

router = APIRouter(prefix="/v1/workers", tags=["workers"])
BULK_PATH = "/v1/workers/bulk"
BULK_MAX_BYTES = 32 * 1024 * 1024


class RegisteredRow(BaseModel):
    row: int
    worker_id: UUID


class RejectedRow(BaseModel):
    row: int
    field: str | None
    message: str
    existing_worker_id: UUID | None = None


class BulkRegistrationResult(BaseModel):
    rows: int
    registered: int
    rejected: int
    workers: list[RegisteredRow]
    errors: list[RejectedRow]


_CONTENT = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"workers": {"type": "array", "maxItems": MAX_ROWS,
                                       "items": {"$ref": "#/components/schemas/WorkerCreate"}}},
        }
    },
    "text/csv": {
        "schema": {"type": "string"},
        "example": ",".join(CSV_COLUMNS) + "\n980412300012,Aigerim,Example,,1998-04-12,female,"
        "Turkistan,+77011234567,,kk,N12345678,2031-06-30,2025-01-15T09:30:00Z,2025-01\n",
    },
}  # fmt: skip


@router.post(
    "/bulk",
    response_model=BulkRegistrationResult,
    responses={code: {"model": Problem} for code in (401, 403, 413, 415, 422)},
    operation_id="registerWorkersInBulk",
    summary=f"Register up to {MAX_ROWS} workers from a CSV or JSON batch",
    description="Each row is validated on its own: valid rows are registered, every invalid row "
    "is reported with its row number (CSV: its line; JSON: its position from 1) and field. "
    "Send an Idempotency-Key so that a retried batch registers nothing twice.",
    openapi_extra={"requestBody": {"required": True, "content": _CONTENT}},
)
async def register_in_bulk(
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    body = await request.body()
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "text/csv":
        rows = rows_from_csv(body)
    elif media_type == "application/json":
        rows = rows_from_json(body)
    else:
        raise BadBatch(
            "send text/csv or application/json",
            errors=[FieldProblem(field="header.Content-Type", message="unsupported")],
        )

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        return Answer(200, summary(len(rows), await register_workers(uow, rows)))

    return await run_once(request, idempotency_key, unit_of_work, produce)


def summary(rows: int, result: BulkResult) -> BulkRegistrationResult:
    return BulkRegistrationResult(
        rows=rows,
        registered=len(result.registered),
        rejected=len({error.row for error in result.errors}),
        workers=[
            RegisteredRow(row=row, worker_id=worker_id) for row, worker_id in result.registered
        ],
        errors=[RejectedRow(**vars(error)) for error in result.errors],
    )
