"""Idempotent POSTs: a retry with the same Idempotency-Key replays the first answer.

The key is claimed inside the unit of work's transaction, before the change, and the answer is
stored in that same transaction: a concurrent retry waits on the claim and then replays; a
change that rolled back leaves no claim, so its retry runs again. Reusing a key for a
different request is refused (422), as the IETF Idempotency-Key draft recommends.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response

from servicekit.http.problems import FieldProblem, ProblemError
from servicekit.unit_of_work import UnitOfWork

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,255}$",
        description="Makes a retry safe: the same key with the same request replays the first "
        "answer (header Idempotent-Replayed: true) and changes nothing. Keys are kept 48 hours.",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(ProblemError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency-Key used for another request"


@dataclass
class Answer:
    status_code: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, payload: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), payload])).hexdigest()


async def answer_once(
    uow: UnitOfWork,
    *,
    key: str | None,
    scope: str,
    request_fingerprint: str,
    produce: Callable[[], Awaitable[Answer]],
) -> Response:
    """Run ``produce`` in ``uow`` unless ``key`` was seen in ``scope``; then replay its answer."""
    if key is None:
        return _response(await produce())
    stored = await _claim(uow.conn, scope, key, request_fingerprint)
    if stored is not None:
        return stored
    answer = await produce()
    response = _response(answer)
    await uow.conn.execute(
        "UPDATE idempotency_record SET status = $3, body = $4, headers = $5::jsonb"
        " WHERE scope = $1 AND key = $2",
        scope,
        key,
        answer.status_code,
        response.body,
        json.dumps(answer.headers),
    )
    return response


U = TypeVar("U", bound=UnitOfWork)


async def run_once(
    request: Request,
    key: str | None,
    unit_of_work: Callable[[], U],
    produce: Callable[[U], Awaitable[Answer]],
) -> Response:
    """Run ``produce`` in a new unit of work, once per Idempotency-Key of the caller's
    organisation (so a retry with a rotated key is still recognised)."""
    principal = getattr(request.state, "principal", None)
    scope = str(principal.organisation_id) if principal is not None else "anonymous"
    request_fingerprint = fingerprint(request.method, request.url.path, await request.body())
    async with unit_of_work() as uow:
        return await answer_once(
            uow,
            key=key,
            scope=scope,
            request_fingerprint=request_fingerprint,
            produce=lambda: produce(uow),
        )


async def prune(pool: asyncpg.Pool, retention_hours: float) -> int:
    status = await pool.execute(
        "DELETE FROM idempotency_record WHERE created_at < now() - make_interval(hours => $1)",
        retention_hours,
    )
    return int(status.split()[-1])


async def _claim(
    conn: asyncpg.Connection, scope: str, key: str, request_fingerprint: str
) -> Response | None:
    claimed = await conn.fetchval(
        "INSERT INTO idempotency_record (scope, key, fingerprint) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING true",
        scope,
        key,
        request_fingerprint,
    )
    if claimed:
        return None
    row = await conn.fetchrow(
        "SELECT fingerprint, status, body, headers FROM idempotency_record"
        " WHERE scope = $1 AND key = $2",
        scope,
        key,
    )
    if row["fingerprint"] != request_fingerprint:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used for a different request; use a new key",
            errors=[FieldProblem(field="header.Idempotency-Key", message="reused")],
        )
    headers = json.loads(row["headers"]) | {REPLAYED_HEADER: "true"}
    return Response(
        row["body"], status_code=row["status"], headers=headers, media_type="application/json"
    )


def _response(answer: Answer) -> Response:
    body = json.dumps(jsonable_encoder(answer.body), ensure_ascii=False).encode()
    return Response(
        body, status_code=answer.status_code, headers=answer.headers, media_type="application/json"
    )
