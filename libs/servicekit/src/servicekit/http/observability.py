"""Health, readiness and metrics endpoints, and per-request metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Match

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


def install_request_metrics(app: FastAPI, service: str) -> None:
    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        route = _route_template(app, request)
        response = await call_next(request)
        metrics.HTTP_REQUESTS.labels(service, request.method, route, response.status_code).inc()
        metrics.HTTP_LATENCY.labels(service, request.method, route).observe(
            time.perf_counter() - started
        )
        return response


def _route_template(app: FastAPI, request: Request) -> str:
    """The matched path template, so that ids do not explode the label's cardinality."""
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "unmatched"))
    return "unmatched"
