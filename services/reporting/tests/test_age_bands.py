"""Figures by age band (the worker's age at the start of the season the fact belongs to) equal
the ground truth, whichever of a worker's topics is projected first; and the SQL age_band gives
the truth's band for any two days."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest

from reporting.application import statistics
from reporting.application.datasets import Filters, Scope
from reporting.bootstrap import definition
from reporting.testing.fed import Fed, reporting_settings
from reporting.testing.history import History, Streamed, generate
from reporting.testing.truth import VISAS, Expected, age_band, comparable, grouped
from servicekit.testing.service import running_service

MEASURES = tuple(VISAS)


class Statements:
    """A connection that records the statements it is given and answers nothing."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def fetch(self, statement: str, *args: Any) -> list[Any]:
        self.seen.append(statement)
        return []


@pytest.mark.parametrize(
    ("filters", "group_by", "joined"),
    [
        (Filters(), [], False),
        (Filters(season=2025), ["region", "sector"], False),
        (Filters(), ["age_band"], True),
        (Filters(age_band="25_34"), ["month"], True),
    ],
)
async def test_visa_figures_join_journeys_only_for_the_age_band(
    filters: Filters, group_by: list[str], joined: bool
) -> None:
    conn = Statements()
    await statistics.visas(conn, filters, Scope.everything(), group_by)
    assert ("FROM journey" in conn.seen[0]) is joined


async def test_visas_by_age_band_equal_the_ground_truth(fed: Fed) -> None:
    async with fed.harness.runtime.pool.acquire() as conn:
        rows = await statistics.visas(conn, Filters(), Scope.everything(), ["age_band"])
    assert len(rows) > 1, "the history has several bands"
    assert comparable(rows, MEASURES) == comparable(fed.expected.visas(["age_band"]), MEASURES)


async def test_visas_filtered_by_age_band_equal_the_ground_truth(fed: Fed) -> None:
    band = "25_34"
    async with fed.harness.runtime.pool.acquire() as conn:
        rows = await statistics.visas(conn, Filters(age_band=band), Scope.everything(), ["sex"])
    kept = [r for r in fed.expected.visa_facts if r["age_band"] == band]
    assert kept, "the history has visa facts in the band"
    assert comparable(rows, MEASURES) == comparable(grouped(kept, ["sex"], VISAS), MEASURES)


async def test_grievances_by_age_band_equal_the_ground_truth(fed: Fed) -> None:
    measures = ("grievances", "open", "referred_to_glaa", "resolved")
    async with fed.harness.runtime.pool.acquire() as conn:
        rows = await statistics.grievances(conn, Filters(), Scope.everything(), ["age_band"])
    expected = fed.expected.grievances(["age_band"])
    assert comparable(rows, measures) == comparable(expected, measures)


async def test_the_sql_age_band_is_the_truths(fed: Fed) -> None:
    """Birthdays around leap days and band limits, on days either side of them."""
    births = [date(1970, 2, 28) + timedelta(days=d) for d in range(0, 12_000, 37)]
    births += [date(1996, 2, 29), date(2000, 2, 29), date(2007, 3, 1)]
    days = [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28),
            date(2025, 3, 1), date(2025, 6, 15), date(2026, 12, 31)]  # fmt: skip
    pairs = [(born, day) for born in births for day in days]
    rows = await fed.harness.runtime.pool.fetch(
        "SELECT age_band(b, d) AS band FROM unnest($1::date[], $2::date[]) WITH ORDINALITY"
        " AS t(b, d, n) ORDER BY n",
        [born for born, _ in pairs],
        [day for _, day in pairs],
    )
    assert [row["band"] for row in rows] == [age_band(born, day) for born, day in pairs]
    assert await fed.harness.runtime.pool.fetchval("SELECT age_band(NULL, NULL)") == "unknown"


def _topic_first(history: History, topic: str) -> list[Streamed]:
    """Every stream in order, all of ``topic``'s streams before the others'."""
    streams = sorted(history.streams.items(), key=lambda item: item[0][0] != topic)
    return [event for _, stream in streams for event in stream]


@pytest.mark.parametrize("first", ["visa.case.v1", "registry.worker.v1"])
async def test_visa_age_bands_do_not_depend_on_which_topic_comes_first(
    create_database: Callable[..., Awaitable[str]], kafka_bootstrap_servers: str, first: str
) -> None:
    history = generate(seed=5, workers=30)
    settings = reporting_settings(
        await create_database(prefix="reporting_order"), kafka_bootstrap_servers
    )
    service = dataclasses.replace(definition(settings), consumes=())  # fed here, not consumed
    async with running_service(service) as harness:
        for event in _topic_first(history, first):
            await harness.runtime.processor.process(event.record())
        async with harness.runtime.pool.acquire() as conn:
            rows = await statistics.visas(conn, Filters(), Scope.everything(), ["age_band"])
    expected = Expected(history).visas(["age_band"])
    assert comparable(rows, MEASURES) == comparable(expected, MEASURES)
