"""Correlation ids: taken from the caller's X-Correlation-ID (or made), echoed back, and carried
on every event the request causes."""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Correlation-ID"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class CorrelationId:
    """Pure ASGI middleware (no task per request): keeps or makes the id, and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        given = Headers(scope=scope).get(HEADER, "")
        correlation = given if _ACCEPTABLE.match(given) else str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation

        async def echo(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = correlation
            await send(message)

        await self._app(scope, receive, echo)


def install_correlation_id(app: FastAPI) -> None:
    app.add_middleware(CorrelationId)


def correlation_id(request: Request) -> str:
    value: str = getattr(request.state, "correlation_id", None) or str(uuid.uuid4())
    return value
