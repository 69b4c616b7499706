"""The whole system for cross-service tests: a broker of its own, fresh databases and the four
services as real processes (the embedded stack), started once per test session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from otlp_receiver import OtlpReceiver
from system_support import RunningSystem

from servicekit.embedded.probe import free_port
from servicekit.embedded.services import SERVICE_NAMES, ServiceSpec
from servicekit.embedded.stack import Stack, StackOptions

# Quick settling for tests: short consumer-group timeouts, frequent relay polling.
FAST_SETTINGS = {
    "CONSUMER_SESSION_TIMEOUT_MS": "6000",
    "CONSUMER_HEARTBEAT_INTERVAL_MS": "500",
    "CONSUMER_RETRY_BACKOFF_SECONDS": "0.05",
    "OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
    "LOG_LEVEL": "INFO",
}


@pytest.fixture(scope="session")
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """Where every service of the system exports its traces."""
    receiver = OtlpReceiver().start()
    yield receiver
    receiver.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def system(
    create_database: Callable[..., Awaitable[str]],
    tmp_path_factory: object,
    otlp_receiver: OtlpReceiver,
) -> AsyncIterator[RunningSystem]:
    work = Path(tmp_path_factory.mktemp("system"))  # type: ignore[attr-defined]
    environ = dict(os.environ) | FAST_SETTINGS
    environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp_receiver.endpoint
    environ["OTEL_BSP_SCHEDULE_DELAY"] = "200"  # export spans promptly
    databases = {}
    for name in SERVICE_NAMES:
        databases[name] = await create_database(prefix=f"e2e_{name}")
        environ[f"{name.upper()}_DATABASE_URL"] = databases[name]
    specs = tuple(ServiceSpec(name, free_port()) for name in SERVICE_NAMES)
    options = StackOptions(
        data_dir=work / "data",
        log_dir=work / "logs",
        kafka_port=free_port(),
        services=specs,
        environ=environ,
    )
    stack = Stack(options)
    try:
        await stack.start()
        urls = {spec.name: f"http://127.0.0.1:{spec.port}" for spec in specs}
        yield RunningSystem(stack, urls, databases, options.log_dir)
    finally:
        stack.stop()
