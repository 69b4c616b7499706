"""The per-key token bucket and the middleware answering 429 (pure logic: a fake clock and a
fake key lookup; the limit on the running services is tested in tests/access)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Scope

from servicekit.access.principal import hash_key
from servicekit.http.problems import install_problem_handlers
from servicekit.http.rate_limit import RateLimit, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_burst_then_one_request_per_refill_interval() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)

    assert [limiter.wait_for("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_for("k") == pytest.approx(1.0)
    clock.now = 0.5
    assert limiter.wait_for("k") == pytest.approx(0.5)
    clock.now = 1.0
    assert limiter.wait_for("k") == 0.0


def test_keys_have_buckets_of_their_own() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, clock=Clock())

    assert limiter.wait_for("busy") == 0.0
    assert limiter.wait_for("busy") > 0
    assert limiter.wait_for("calm") == 0.0


def test_a_forgotten_key_starts_again_with_a_full_bucket() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, max_keys=2, clock=Clock())
    limiter.wait_for("a")
    limiter.wait_for("b")
    limiter.wait_for("c")  # "a" is the least recently used: forgotten

    assert limiter.wait_for("a") == 0.0
    assert limiter.wait_for("c") > 0


def test_a_limit_without_rate_or_burst_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(per_minute=0, burst=10)


def limited_app(known: dict[str, str]) -> FastAPI:
    async def key_id(scope: Scope, key_hash: str) -> str | None:
        return known.get(key_hash)

    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RateLimit, limiter=RateLimiter(per_minute=6, burst=2), key_id=key_id)

    @app.get("/v1/things")
    async def things() -> list[str]:
        return []

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def test_a_key_over_its_limit_gets_429_problem_with_retry_after() -> None:
    app = limited_app({hash_key("secret"): "key-1"})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        auth = {"Authorization": "Bearer secret"}
        answers = [await client.get("/v1/things", headers=auth) for _ in range(3)]
        unknown = [await client.get("/v1/things", headers={"Authorization": "Bearer x"})
                   for _ in range(3)]  # fmt: skip
        health = await client.get("/healthz", headers=auth)

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["Retry-After"] == "10"
    assert refused.json()["status"] == 429
    assert "6 requests a minute" in refused.json()["detail"]
    # unknown keys are left to authentication, and health checks are never limited
    assert [a.status_code for a in unknown] == [200, 200, 200]
    assert health.status_code == 200
