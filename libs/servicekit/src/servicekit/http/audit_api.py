"""The audit log's route, the same in every service: admins read who changed what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from servicekit import audit
from servicekit.access import Principal, Role
from servicekit.access.http import require_role
from servicekit.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from servicekit.http.problems import Problem
from servicekit.service import runtime_of


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


def audit_router(summary: str) -> APIRouter:
    """``GET /v1/audit`` (admins), filtered by entity, in pages; ``summary`` says what this
    service audits."""
    router = APIRouter(prefix="/v1", tags=["audit"])

    @router.get(
        "/audit",
        response_model=Page[AuditEntryPublic],
        responses={code: {"model": Problem} for code in (401, 403, 422)},
        operation_id="listAuditEntries",
        summary=summary,
    )
    async def list_audit_entries(
        request: Request,
        admin: Annotated[Principal, Depends(require_role(Role.ADMIN))],
        entity_type: str | None = None,
        entity_id: str | None = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Page[AuditEntryPublic]:
        position = decode_cursor(cursor, 1)
        after_id = int(str(position[0])) if position else 0
        async with runtime_of(request).pool.acquire() as conn:
            found = await audit.entries(
                conn, entity_type=entity_type, entity_id=entity_id, after_id=after_id, limit=limit
            )
        next_cursor = encode_cursor([found[-1].id]) if len(found) == limit else None
        items = [AuditEntryPublic(**vars(entry)) for entry in found]
        return Page(items=items, next_cursor=next_cursor)

    return router
