"""Fixtures of the registry's tests: the service running in-process on the real stack, one
instance per test module (tests assert on their own records only), and organisations of every
kind with their API keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from registry_support import Tenants, create_tenants

from registry.bootstrap import definition
from registry.config import RegistrySettings
from servicekit.testing.service import TEST_SETTINGS, ServiceHarness, running_service


@pytest.fixture(scope="module")
async def registry(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str
) -> AsyncIterator[ServiceHarness]:
    settings = RegistrySettings(
        database_url=await create_database(prefix="registry"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        **TEST_SETTINGS,
    )
    async with running_service(definition(settings)) as harness:
        yield harness


@pytest.fixture(scope="module")
async def tenants(registry: ServiceHarness) -> Tenants:
    return await create_tenants(registry)
