"""Fixtures of the reporting service's tests.

``fed`` (one per test session) is the service running in-process on the real PostgreSQL and
the session's broker, with a generated history (duplicates and redeliveries included, each
aggregate's events in order) fed through its own event processor. Its consumer is not
subscribed: the session broker carries other test modules' events too, and the figures must
come from this history only. The rebuild test fills a broker of its own and lets the consumer
read it.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from reporting.bootstrap import definition
from reporting.testing.fed import SEED, Fed, reporting_settings
from reporting.testing.history import generate
from reporting.testing.truth import Expected
from servicekit.access.http import forget_cached_keys
from servicekit.inbox import Outcome
from servicekit.testing.service import running_service


@pytest.fixture(scope="session")
async def fed(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str
) -> AsyncIterator[Fed]:
    settings = reporting_settings(
        await create_database(prefix="reporting"), kafka_bootstrap_servers
    )
    service = dataclasses.replace(definition(settings), consumes=())
    history = generate(seed=SEED, workers=120)
    forget_cached_keys()
    async with running_service(service) as harness:
        outcomes: dict[str, int] = {}
        for event in history.delivery_order(random.Random(SEED)):
            outcome = await harness.runtime.processor.process(event.record())
            outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
        assert outcomes.get(Outcome.DEAD_LETTERED.value, 0) == 0, outcomes
        yield Fed(harness, history, Expected(history), outcomes, settings)
