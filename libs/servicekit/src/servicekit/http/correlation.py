"""Correlation ids: taken from the caller's X-Correlation-ID (or made), echoed back, and carried
on every event the request causes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

HEADER = "X-Correlation-ID"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def install_correlation_id(app: FastAPI) -> None:
    @app.middleware("http")
    async def _correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get(HEADER, "")
        request.state.correlation_id = given if _ACCEPTABLE.match(given) else str(uuid.uuid4())
        response = await call_next(request)
        response.headers[HEADER] = request.state.correlation_id
        return response


def correlation_id(request: Request) -> str:
    value: str = getattr(request.state, "correlation_id", None) or str(uuid.uuid4())
    return value
