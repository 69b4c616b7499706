"""The audit log of the notifications service (webhook endpoints, preferences)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from notifications.entrypoints.api.dependencies import Admin, UnitOfWorkFactory
from servicekit import audit
from servicekit.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/v1", tags=["audit"])


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor_key_id: str | None
    actor_organisation_id: str | None
    actor_role: str | None
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    correlation_id: str | None


@router.get(
    "/audit",
    response_model=Page[AuditEntryPublic],
    operation_id="listAuditEntries",
    summary="Who changed which endpoint or preference, when, before and after (admins)",
)
async def list_audit_entries(
    admin: Admin,
    unit_of_work: UnitOfWorkFactory,
    entity_type: str | None = None,
    entity_id: str | None = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Page[AuditEntryPublic]:
    position = decode_cursor(cursor, 1)
    async with unit_of_work() as uow:
        found = await audit.entries(
            uow.conn,
            entity_type=entity_type,
            entity_id=entity_id,
            after_id=int(position[0]) if position else 0,
            limit=limit,
        )
    next_cursor = encode_cursor([found[-1].id]) if len(found) == limit else None
    return Page(items=[AuditEntryPublic(**vars(e)) for e in found], next_cursor=next_cursor)
