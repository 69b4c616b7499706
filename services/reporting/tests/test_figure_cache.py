"""Figures kept until the projections change: never older than the last committed change,
never one caller's for another, and computed once for many concurrent askers."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from reporting.application.figure_cache import FigureCache, Rows
from reporting.bootstrap import definition
from reporting.testing.fed import reporting_settings
from reporting.testing.history import History, generate
from reporting.testing.truth import Expected, Query, comparable
from servicekit.access.http import forget_cached_keys
from servicekit.testing.service import ServiceHarness, running_service

FUNNEL = ("registered", "screened", "oriented", "matched", "visa_submitted", "visa_granted",
          "departed", "arrived", "returned", "withdrawn")  # fmt: skip
ORGANISATIONS = "registry.organisation.v1"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Computations:
    """A query that counts its runs and answers with the run's number."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self) -> Rows:
        self.runs += 1
        await asyncio.sleep(0)
        return [{"run": self.runs}]


async def test_an_answer_is_kept_while_the_version_stays() -> None:
    cache, compute = FigureCache(max_entries=10, max_age=60), Computations()
    assert await cache.rows("funnel", 1, compute) == [{"run": 1}]
    assert await cache.rows("funnel", 1, compute) == [{"run": 1}]
    assert await cache.rows("funnel", 2, compute) == [{"run": 2}]
    assert await cache.rows("stages", 2, compute) == [{"run": 3}]


async def test_an_answer_expires_after_its_maximum_age() -> None:
    clock = Clock()
    cache, compute = FigureCache(max_entries=10, max_age=5, clock=clock), Computations()
    await cache.rows("funnel", 1, compute)
    clock.now = 4.9
    assert await cache.rows("funnel", 1, compute) == [{"run": 1}]
    clock.now = 5.0
    assert await cache.rows("funnel", 1, compute) == [{"run": 2}]


async def test_a_zero_maximum_age_turns_the_cache_off() -> None:
    cache, compute = FigureCache(max_entries=10, max_age=0), Computations()
    await cache.rows("funnel", 1, compute)
    assert await cache.rows("funnel", 1, compute) == [{"run": 2}]
    assert len(cache) == 0


async def test_the_least_recently_used_answer_goes_first() -> None:
    cache, compute = FigureCache(max_entries=2, max_age=60), Computations()
    for key in ("a", "b", "a", "c"):  # "a" used again, so "b" is the one dropped
        await cache.rows(key, 1, compute)
    assert len(cache) == 2
    assert await cache.rows("a", 1, compute) == [{"run": 1}]
    assert await cache.rows("b", 1, compute) == [{"run": 4}]


async def test_concurrent_askers_share_one_computation() -> None:
    cache, compute = FigureCache(max_entries=10, max_age=60), Computations()
    answers = await asyncio.gather(*(cache.rows("funnel", 1, compute) for _ in range(20)))
    assert compute.runs == 1
    assert all(answer == [{"run": 1}] for answer in answers)


async def test_a_failure_is_not_kept_and_reaches_the_waiters() -> None:
    cache = FigureCache(max_entries=10, max_age=60)

    async def failing() -> Rows:
        await asyncio.sleep(0)
        raise ConnectionError("the database went away")

    results = await asyncio.gather(
        *(cache.rows("funnel", 1, failing) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(result, ConnectionError) for result in results)
    assert await cache.rows("funnel", 1, Computations()) == [{"run": 1}]


async def test_a_waiter_computes_itself_when_the_computing_request_is_cancelled() -> None:
    cache, started = FigureCache(max_entries=10, max_age=60), asyncio.Event()

    async def slow() -> Rows:
        started.set()
        await asyncio.sleep(60)
        return []

    leader = asyncio.create_task(cache.rows("funnel", 1, slow))
    await started.wait()
    waiter = asyncio.create_task(cache.rows("funnel", 1, Computations()))
    await asyncio.sleep(0)
    leader.cancel()
    assert await waiter == [{"run": 1}]
    with pytest.raises(asyncio.CancelledError):
        await leader


# -- through the API, on the real PostgreSQL ----------------------------------------------------


@pytest.fixture
async def service(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str
) -> AsyncIterator[ServiceHarness]:
    settings = reporting_settings(
        await create_database(prefix="reporting_cache"), kafka_bootstrap_servers
    )
    forget_cached_keys()
    async with running_service(dataclasses.replace(definition(settings), consumes=())) as harness:
        yield harness


async def _funnel(harness: ServiceHarness, history: History, label: str, **params: Any) -> Any:
    response = await harness.client.get(
        "/v1/statistics/funnel", params=params, headers=history.organisations[label].headers
    )
    assert response.status_code == 200, response.text
    return response.json()["rows"]


async def test_figures_follow_every_committed_change(service: ServiceHarness) -> None:
    history = generate(seed=5, workers=16)
    records = [event.record() for event in history.delivery_order(random.Random(5))]
    organisations = [r for r in records if r.topic == ORGANISATIONS]
    rest = [r for r in records if r.topic != ORGANISATIONS]
    half = len(rest) // 2
    await service.runtime.processor.process_batch(organisations + rest[:half])

    early = await _funnel(service, history, "ministry", group_by="season")
    assert await _funnel(service, history, "ministry", group_by="season") == early

    for record in rest[half:]:  # one transaction each: every commit must be seen
        await service.runtime.processor.process(record)
    final = await _funnel(service, history, "ministry", group_by="season")
    assert final != early
    truth = Expected(history).funnel(["season"])
    assert comparable(final, FUNNEL) == comparable(truth, FUNNEL)


async def test_cached_figures_are_never_another_callers(service: ServiceHarness) -> None:
    history = generate(seed=6, workers=16)
    await service.runtime.processor.process_batch([e.record() for e in history.events()])
    expected = Expected(history)
    everyone = await _funnel(service, history, "ministry")
    for label in ("lmc_turkistan", "operator_1"):
        org = str(history.organisations[label].id)
        query = Query(operator=org) if label.startswith("operator") else Query(organisation=org)
        rows = await _funnel(service, history, label)
        assert comparable(rows, FUNNEL) == comparable(expected.funnel((), query), FUNNEL)
        assert rows != everyone
