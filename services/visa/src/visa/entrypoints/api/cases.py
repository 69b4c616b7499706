"""Reading cases: the ones the caller may see, filtered, in pages; and one case."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from servicekit.http.pagination import (
    Cursor,
    InvalidCursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from visa.adapters.case_queries import CaseFilter, list_cases, visible_case
from visa.application.permissions import scope_of
from visa.domain import errors
from visa.domain.status import CaseStatus
from visa.entrypoints.api.dependencies import Caller, UnitOfWorkFactory
from visa.entrypoints.api.openapi import problem_responses
from visa.entrypoints.api.public import case_public
from visa.entrypoints.api.schemas import CasePublic

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get(
    "",
    response_model=Page[CasePublic],
    responses=problem_responses(),
    operation_id="listCases",
    summary="Visa cases the caller may see, filtered, oldest first, in pages",
    description="Operators see the cases of their placements; LMCs and agencies the cases of "
    "the workers they registered; the ministry and admins every case.",
)
async def list_visible_cases(
    caller: Caller,
    unit_of_work: UnitOfWorkFactory,
    worker_id: UUID | None = None,
    status: CaseStatus | None = None,
    season: Annotated[int | None, Query(ge=2020, le=2100)] = None,
    operator_id: Annotated[UUID | None, Query(description="The sponsoring operator.")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[CasePublic]:
    position = decode_cursor(cursor, 2)
    after = _position(position) if position else None
    where = CaseFilter(worker_id, status and status.value, season, operator_id)
    async with unit_of_work() as uow:
        cases = await list_cases(
            uow.conn, scope=scope_of(caller), where=where, after=after, limit=limit
        )
    last = cases[-1] if len(cases) == limit else None
    next_cursor = encode_cursor([last.opened_at.isoformat(), str(last.id)]) if last else None
    return Page(items=[case_public(case) for case in cases], next_cursor=next_cursor)


@router.get(
    "/{case_id}",
    response_model=CasePublic,
    responses=problem_responses(errors.CaseNotFound),
    operation_id="getCase",
    summary="One visa case, with its earlier attempts",
)
async def get_case(case_id: UUID, caller: Caller, unit_of_work: UnitOfWorkFactory) -> CasePublic:
    async with unit_of_work() as uow:
        case = await visible_case(uow.conn, case_id, scope=scope_of(caller))
    if case is None:
        raise errors.CaseNotFound(case_id)
    return case_public(case)


def _position(position: list[object]) -> tuple[datetime, UUID]:
    try:
        return datetime.fromisoformat(str(position[0])), UUID(str(position[1]))
    except ValueError as error:
        raise InvalidCursor() from error
