"""Health, readiness and metrics endpoints, and per-request metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.telemetry import metrics

ReadinessCheck = Callable[[], Awaitable[bool]]


def observability_router(checks: Callable[[Request], dict[str, ReadinessCheck]]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: database and broker reachable")
    async def readyz(request: Request) -> JSONResponse:
        results = {name: await check() for name, check in checks(request).items()}
        ready = all(results.values())
        body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": results}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


class RequestMetrics:
    """Pure ASGI middleware: requests and latency by method, route template and status."""

    def __init__(self, app: ASGIApp, service: str, routes: FastAPI) -> None:
        self._app = app
        self._service = service
        self._routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, observe)
        finally:
            route = _route_template(self._routes, scope)
            method = scope["method"]
            metrics.HTTP_REQUESTS.labels(self._service, method, route, status).inc()
            metrics.HTTP_LATENCY.labels(self._service, method, route).observe(
                time.perf_counter() - started
            )


def install_request_metrics(app: FastAPI, service: str) -> None:
    app.add_middleware(RequestMetrics, service=service, routes=app)


def _route_template(app: FastAPI, scope: Scope) -> str:
    """The matched path template, so that ids do not explode the label's cardinality."""
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "unmatched"))
    return "unmatched"
