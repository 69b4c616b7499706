"""Fixtures of the visa service's tests: the service running in-process on the real stack (one
instance per test module, so each module has a database of its own; tests assert on their own
records only), the registry's events fed through its processor, and organisations with keys.

Test helpers live in ``visa.testing`` (importable from every test module and from mypy).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from servicekit.testing.service import TEST_SETTINGS, ServiceHarness, running_service
from visa.bootstrap import definition
from visa.config import VisaSettings
from visa.testing import Party, RegistryFeed


@pytest.fixture(scope="module")
async def visa(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str
) -> AsyncIterator[ServiceHarness]:
    settings = VisaSettings(
        database_url=await create_database(prefix="visa"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        visa_check_interval_seconds=86_400.0,  # the tests run the check themselves
        **TEST_SETTINGS,
    )
    # The registry's events are fed through the processor, so no need to wait for the group.
    async with running_service(definition(settings), wait_for_assignment=False) as harness:
        yield harness


@pytest.fixture(scope="module")
def feed(visa: ServiceHarness) -> RegistryFeed:
    return RegistryFeed(visa.runtime)


@pytest.fixture(scope="module")
async def parties(feed: RegistryFeed) -> dict[str, Party]:
    """Organisations of every kind, each with a key, as the registry announces them."""
    return {
        "lmc": await feed.party("lmc", region="Turkistan"),
        "agency": await feed.party("agency"),
        "operator": await feed.party("operator"),
        "other_operator": await feed.party("operator"),
        "ministry": await feed.party("ministry"),
        "admin": await feed.party("admin"),
    }
