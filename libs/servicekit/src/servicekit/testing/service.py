"""Running one service in the test process, with its real lifespan: pool, migrations,
broker, outbox relay and consumer, against the real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from servicekit.messaging import assigned_partitions
from servicekit.service import Runtime, ServiceDefinition, create_app
from servicekit.testing.support import wait_until

# Settings that make a service quick to settle in tests (a group joins in about 5 s).
TEST_SETTINGS: dict[str, Any] = {
    "environment": "test",
    "consumer_session_timeout_ms": 6000,
    "consumer_heartbeat_interval_ms": 500,
    "consumer_retry_backoff_seconds": 0.01,
    "outbox_poll_interval_seconds": 0.2,
    "log_json": False,
    # Tests make requests far faster than partners do; the rate limit's own tests turn it on.
    "rate_limit_per_minute": 0,
}


@dataclass
class ServiceHarness:
    app: FastAPI
    client: httpx.AsyncClient
    runtime: Runtime[Any]


@asynccontextmanager
async def running_service(
    definition: ServiceDefinition[Any], *, wait_for_assignment: bool = True
) -> AsyncIterator[ServiceHarness]:
    """Start the service's lifespan and yield an HTTP client bound to its app."""
    app = create_app(definition)
    async with app.router.lifespan_context(app):
        runtime: Runtime[Any] = app.state.runtime
        if wait_for_assignment and runtime.subscriber is not None:
            await wait_until(lambda: assigned_partitions(runtime.subscriber) > 0, timeout=60)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield ServiceHarness(app, client, runtime)
