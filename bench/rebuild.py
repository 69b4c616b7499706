"""Projection rebuild: the reporting service's own test-history generator fills a fresh broker
with N events on the topics reporting consumes (real CloudEvents in Kafka binary mode), then
``python -m reporting rebuild`` replays them into a fresh database, as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from bench.figures import Figure, Report
from bench.system import fresh_database
from contracts.topics import REPORTING
from reporting.testing.history import History, Simulation, Streamed
from servicekit import kafka_admin
from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, drop_database
from servicekit.embedded.tansu import TansuBroker
from servicekit.service import consumed_topics

SEED = 20261123
CHUNK = 20_000  # events generated, then produced, at a time: memory stays bounded
CONSUME_LIMIT = "raw: aiokafka consume (1 KB)"
_SUMMARY = re.compile(r"rebuilt from (\d+) record\(s\) in ([\d.]+)s \(([^)]*)\)")


@dataclass(frozen=True)
class Filled:
    """What was produced: the events, and the secret of the ministry's API key (its
    ApiKeyIssued event is among them, so a replica learns the key from the topics)."""

    events: int
    ministry_key: str


@dataclass(frozen=True)
class RebuildRun:
    records: int
    seconds: float
    outcomes: Counter[str]


def history_chunks(events: int, seed: int = SEED) -> tuple[Simulation, Iterator[list[Streamed]]]:
    """One simulation (one set of organisations) run a worker at a time; yields about CHUNK
    consumed events at a time, each stream in order, streams interleaved as producers would."""
    simulation = Simulation(seed, workers=0)
    simulation.run()  # the organisations and their keys; no worker yet
    consumed = set(consumed_topics(REPORTING))
    order = random.Random(seed)

    def chunks() -> Iterator[list[Streamed]]:
        produced = 0
        while produced < events:
            chunk = _drain(simulation, consumed, order)  # the organisations' events first
            while produced + len(chunk) < events and len(chunk) < CHUNK:
                simulation.worker()
                chunk += _drain(simulation, consumed, order)
            produced += len(chunk)
            yield chunk

    return simulation, chunks()


def _drain(simulation: Simulation, consumed: set[str], order: random.Random) -> list[Streamed]:
    """The simulation's new events (reporting's topics only), then forget them: the streams
    of a finished worker get no more events."""
    history = History(simulation.organisations, [], [], simulation.streams)
    events = [e for e in history.delivery_order(order, duplicates=0.0) if e.topic in consumed]
    simulation.streams = {}
    simulation.workers.clear()
    simulation.deliveries.clear()
    return events


async def fill_topics(bootstrap: str, events: int) -> Filled:
    """Create the catalogue's topics and produce about ``events`` events (whole workers)."""
    await kafka_admin.ensure_all_topics(bootstrap)
    simulation, chunks = history_chunks(events)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=256 * 1024
    )
    await producer.start()
    produced, started, shown = 0, time.perf_counter(), 0
    try:
        for chunk in chunks:
            sent = [await _send(producer, event) for event in chunk]
            await asyncio.gather(*sent)
            produced += len(chunk)
            if produced * 10 // events > shown or produced >= events:
                shown = produced * 10 // events
                elapsed = time.perf_counter() - started
                print(f"  produced {produced:,} events ({elapsed:.0f}s)", flush=True)
    finally:
        await producer.stop()
    return Filled(produced, simulation.organisations["ministry"].api_key)


async def _send(producer: AIOKafkaProducer, event: Streamed) -> asyncio.Future[object]:
    record = event.record()
    future: asyncio.Future[object] = await producer.send(
        record.topic, record.value, key=record.key, headers=list(record.headers)
    )
    return future


def reporting_environment(database_url: str, bootstrap: str) -> dict[str, str]:
    """The environment ``python -m reporting`` reads its settings from."""
    return dict(os.environ) | {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "LOG_LEVEL": "WARNING",
        "LOG_JSON": "false",
        "PYTHONUNBUFFERED": "1",
    }


async def run_rebuild(database_url: str, bootstrap: str) -> RebuildRun:
    """``python -m reporting rebuild`` (it migrates a fresh database first); the seconds are
    those the command reports for the rebuild itself, process start and migration excluded."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reporting", "rebuild",
        env=reporting_environment(database_url, bootstrap),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    tail: deque[str] = deque(maxlen=30)
    out, _ = await asyncio.gather(_lines(process.stdout, tail), _lines(process.stderr, tail))
    if await process.wait() != 0:
        raise RuntimeError("reporting rebuild failed:\n" + "\n".join(tail))
    found = _SUMMARY.search("\n".join(out))
    if found is None:
        raise RuntimeError("no summary from reporting rebuild:\n" + "\n".join(tail))
    outcomes: Counter[str] = Counter()
    for part in found.group(3).split(", "):
        name, _, count = part.rpartition(" ")
        if name:
            outcomes[name] = int(count)
    return RebuildRun(int(found.group(1)), float(found.group(2)), outcomes)


async def _lines(stream: asyncio.StreamReader, tail: deque[str]) -> list[str]:
    """Every line of a child's stream; its progress lines are shown as they come."""
    lines, shown = [], ""
    async for raw in stream:
        line = raw.decode(errors="replace").rstrip()
        lines.append(line)
        tail.append(line)
        if line.startswith("rebuild: [") and line != shown:
            print(f"  {line}", flush=True)
            shown = line
    return lines


async def projection_rebuild(report: Report, events: int) -> None:
    """Rebuild from ``events`` events; events/s against the raw consume limit."""
    database = "bench_rebuild"
    dsn = await fresh_database(database)
    try:
        with TansuBroker() as broker:
            filled = await fill_topics(broker.bootstrap_servers, events)
            print(f"  rebuilding from {filled.events:,} events", flush=True)
            run = await run_rebuild(dsn, broker.bootstrap_servers)
    finally:
        await drop_database(LOCAL_ADMIN_DSN, database)
    report.add(Figure(f"reporting: rebuild from {events:,} events", run.records / run.seconds,
                      "events/s", CONSUME_LIMIT, "≥ 25% of raw consume"))  # fmt: skip
    report.add(Figure("reporting: rebuild time", run.seconds, "s"))
    failed = sum(n for outcome, n in run.outcomes.items() if outcome != "applied")
    if failed:
        outcomes = ", ".join(f"{name} {n}" for name, n in sorted(run.outcomes.items()))
        report.add(Figure(f"reporting: records not applied ({outcomes})", failed, "records"))
