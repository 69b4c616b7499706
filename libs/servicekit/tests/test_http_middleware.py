"""The kit's HTTP middlewares: correlation ids and per-route metrics."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request

from servicekit.http.correlation import HEADER, correlation_id, install_correlation_id
from servicekit.http.observability import install_request_metrics
from servicekit.telemetry import metrics


def app_with_middlewares(service: str) -> FastAPI:
    app = FastAPI()
    install_request_metrics(app, service)
    install_correlation_id(app)

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str, request: Request) -> dict[str, str]:
        return {"correlation": correlation_id(request)}

    return app


async def test_a_callers_correlation_id_is_kept_and_echoed_and_a_bad_one_replaced() -> None:
    transport = httpx.ASGITransport(app=app_with_middlewares("middleware-1"))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        kept = await client.get("/v1/things/1", headers={HEADER: "partner-42"})
        replaced = await client.get("/v1/things/1", headers={HEADER: "bad id with spaces"})

    assert kept.json() == {"correlation": "partner-42"}
    assert kept.headers[HEADER] == "partner-42"
    assert replaced.headers[HEADER] != "bad id with spaces"
    assert replaced.json()["correlation"] == replaced.headers[HEADER]


async def test_requests_are_counted_by_route_template_not_by_path() -> None:
    transport = httpx.ASGITransport(app=app_with_middlewares("middleware-2"))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for thing_id in ("1", "2", "3"):
            await client.get(f"/v1/things/{thing_id}")
        await client.get("/elsewhere")

    counted = metrics.HTTP_REQUESTS.labels("middleware-2", "GET", "/v1/things/{thing_id}", 200)
    unmatched = metrics.HTTP_REQUESTS.labels("middleware-2", "GET", "unmatched", 404)
    assert counted._value.get() == 3
    assert unmatched._value.get() == 1
