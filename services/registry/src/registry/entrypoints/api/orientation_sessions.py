"""Orientation-session routes: LMCs schedule sessions; agencies find one to send workers to."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from registry.application import orientation as handlers
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.profile import Language
from registry.entrypoints.api.dependencies import UnitOfWorkFactory
from registry.entrypoints.api.orientation_schemas import (
    OrientationSessionCreate,
    OrientationSessionPublic,
    session_public,
)
from servicekit.access.http import CurrentPrincipal
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.pagination import (
    Cursor,
    InvalidCursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/orientation-sessions", tags=["orientation"])
_PROBLEMS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "No valid API key"},
    403: {"model": Problem, "description": "The caller's organisation may not do this"},
    404: {"model": Problem, "description": "No such session the caller may see"},
    422: {"model": Problem, "description": "A field is wrong; `errors` names it"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrientationSessionPublic,
    responses=_PROBLEMS,
    operation_id="scheduleOrientationSession",
    summary="Schedule a Pre-Departure Orientation session (LMCs)",
)
async def schedule_session(
    body: OrientationSessionCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = handlers.ScheduleSession(
        session_date=body.session_date,
        language=body.language,
        trainer_name=body.trainer_name,
        location=body.location,
        topics_covered=frozenset(body.topics_covered),
        capacity=body.capacity,
    )

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        scheduled = await handlers.schedule_session(uow, command)
        location = f"/v1/orientation-sessions/{scheduled.session.id}"
        return Answer(201, session_public(scheduled), {"Location": location})

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.get(
    "",
    response_model=Page[OrientationSessionPublic],
    responses=_PROBLEMS,
    operation_id="listOrientationSessions",
    summary="Sessions by date: an LMC's own; every LMC's for agencies, the ministry and admins",
)
async def list_sessions(
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    on_or_after: date | None = None,
    language: Language | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[OrientationSessionPublic]:
    async with unit_of_work() as uow:
        found = await handlers.list_sessions(
            uow, on_or_after=on_or_after, language=language, after=_after(cursor), limit=limit
        )
    last = found[-1] if len(found) == limit else None
    next_cursor = (
        encode_cursor([last.session.date.isoformat(), str(last.session.id)]) if last else None
    )
    return Page(items=[session_public(s) for s in found], next_cursor=next_cursor)


def _after(cursor: str | None) -> tuple[date, UUID] | None:
    position = decode_cursor(cursor, 2)
    if position is None:
        return None
    try:
        return date.fromisoformat(position[0]), UUID(position[1])
    except (TypeError, ValueError) as error:
        raise InvalidCursor() from error


@router.get(
    "/{session_id}",
    response_model=OrientationSessionPublic,
    responses=_PROBLEMS,
    operation_id="getOrientationSession",
    summary="One orientation session, with the seats left",
)
async def get_session(
    session_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> OrientationSessionPublic:
    async with unit_of_work() as uow:
        return session_public(await handlers.get_session(uow, session_id))
