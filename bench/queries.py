"""Reporting queries over N workers: a small real history is projected by the service's own
rebuild, its rows are cloned in SQL (new ids, the same relations) up to N workers, then the
reporting service answers the statistics and journey-list endpoints over HTTP to a load
generator in a process of its own.

The load generator: python -m bench.queries URL API_KEY CONCURRENCY REQUESTS SECONDS
(prints one JSON line: latencies in seconds per endpoint, errors, elapsed seconds).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx

from bench.figures import Figure, Report, percentile
from bench.rebuild import fill_topics, run_rebuild
from bench.system import QUIET, fresh_database
from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, drop_database
from servicekit.embedded.probe import free_port
from servicekit.embedded.services import ServiceSpec
from servicekit.embedded.stack import Stack, StackOptions
from servicekit.embedded.tansu import TansuBroker

DATABASE = "bench_reporting_queries"
BASE_EVENTS = 7_000  # about 500 workers (14 events each): the real history that is cloned
TARGET = "p99 ≤ 50 ms"

# Each endpoint with the query strings a dashboard would send, used in turn.
FILTERS = ("", "season=2025", "group_by=region", "region=Turkistan&group_by=season")
STATISTICS = ("funnel", "stages", "visas", "travel", "orientation", "grievances", "compliance")
# Registrations take no season and no grouping: a region, a sex or a date range instead.
REGISTRATION_FILTERS = ("", "region=Turkistan", "sex=female", "from=2025-01-01&to=2025-12-31")


def _url(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


ENDPOINTS: dict[str, list[str]] = {
    **{name: [_url(f"/v1/statistics/{name}", q) for q in FILTERS] for name in STATISTICS},
    "registrations": [_url("/v1/statistics/registrations", q) for q in REGISTRATION_FILTERS],
    "journeys": [
        f"/v1/journeys?limit=50{query}"
        for query in ("", "&season=2025", "&region=Turkistan", "&stage=returned")
    ],
}

# Cloned per table: the columns that take a new value (the others are copied). ``m`` is the
# worker's clone (old_id, copy, new_id), ``t`` the row copied; _new() derives a child's id
# the same way in every table, so the relations between clones stay consistent.


def _new(column: str) -> str:
    return f"md5({column}::text || ':' || m.copy)::uuid"


CLONES: dict[str, tuple[str, dict[str, str]]] = {
    "worker": ("worker t JOIN clone m ON m.old_id = t.worker_id",
               {"worker_id": "m.new_id", "pseudonym": "md5(m.new_id::text)"}),
    "placement": ("placement t JOIN clone m ON m.old_id = t.worker_id",
                  {"placement_id": _new("t.placement_id"), "worker_id": "m.new_id"}),
    "journey": ("journey t JOIN clone m ON m.old_id = t.worker_id",
                {"worker_id": "m.new_id", "placement_id": _new("t.placement_id")}),
    "grievance": ("grievance t JOIN clone m ON m.old_id = t.worker_id",
                  {"grievance_id": _new("t.grievance_id"), "worker_id": "m.new_id"}),
    "fee_report": ("fee_report t JOIN clone m ON m.old_id = t.worker_id",
                   {"event_id": "md5(t.event_id || ':' || m.copy)", "worker_id": "m.new_id"}),
    "visa_case": ("visa_case t JOIN clone m ON m.old_id = t.worker_id",
                  {"case_id": _new("t.case_id"), "worker_id": "m.new_id",
                   "placement_id": _new("t.placement_id")}),
    "visa_fact": ("visa_fact t JOIN visa_case c ON c.case_id = t.case_id"
                  " JOIN clone m ON m.old_id = c.worker_id",
                  {"event_id": "md5(t.event_id || ':' || m.copy)", "case_id": _new("t.case_id")}),
    "delivery": ("delivery t JOIN clone m ON m.old_id = t.worker_id",
                 {"delivery_id": _new("t.delivery_id"), "worker_id": "m.new_id",
                  "recipient_id": "CASE WHEN t.recipient_id = t.worker_id::text"
                                  " THEN m.new_id::text ELSE t.recipient_id END"}),
}  # fmt: skip


async def project_base(dsn: str) -> str:
    """A small real history through the service's own projections (its rebuild command);
    returns the ministry's API key, which the replica learnt from ApiKeyIssued."""
    with TansuBroker() as broker:
        filled = await fill_topics(broker.bootstrap_servers, BASE_EVENTS)
        run = await run_rebuild(dsn, broker.bootstrap_servers)
    print(f"  projected {run.records:,} events in {run.seconds:.1f}s", flush=True)
    return filled.ministry_key


async def clone_workers(dsn: str, workers: int, slices: int = 10) -> None:
    """Clone the projected workers (and everything hanging off them) up to ``workers``."""
    conn = await asyncpg.connect(dsn)
    try:
        base = await conn.fetchval("SELECT count(*) FROM worker")
        copies = math.ceil(workers / base) - 1
        # copy c of the worker ranked r (from 0) is worker number c * base + r: keep < workers
        await conn.execute(
            "CREATE TEMP TABLE clone AS"
            " SELECT w.worker_id AS old_id, c.copy,"
            "   md5(w.worker_id::text || ':' || c.copy)::uuid AS new_id"
            " FROM (SELECT worker_id, row_number() OVER (ORDER BY worker_id) - 1 AS rank"
            "   FROM worker) w"
            f" CROSS JOIN generate_series(1, {copies}) AS c(copy)"
            f" WHERE c.copy * {base} + w.rank < {workers}"
        )
        statements = [await _clone_statement(conn, table) for table in CLONES]
        started, step = time.perf_counter(), max(1, math.ceil(copies / slices))
        for first in range(1, copies + 1, step):
            last = min(first + step - 1, copies)
            async with conn.transaction():
                for statement in statements:
                    await conn.execute(statement, first, last)
            done = min(workers, base * (last + 1))
            elapsed = time.perf_counter() - started
            print(f"  cloned up to {done:,} workers ({elapsed:.0f}s)", flush=True)
    finally:
        await conn.close()
    await _analyze(dsn)


async def _clone_statement(conn: asyncpg.Connection, table: str) -> str:
    """INSERT … SELECT for one table and a range of copies ($1..$2), every column named."""
    source, changed = CLONES[table]
    columns = [
        row["column_name"]
        for row in await conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
    ]
    values = ", ".join(changed.get(column, f"t.{column}") for column in columns)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {source}"
        " WHERE m.copy BETWEEN $1 AND $2"
    )


async def _analyze(dsn: str) -> None:
    """The journey_snapshot table the figures read, copied from its live view as the service
    keeps it (the clones bypassed the service); then VACUUM ANALYZE: planner statistics and the
    visibility map, as autovacuum would leave them on a database that has lived with these
    rows."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        await conn.execute("TRUNCATE journey_snapshot")
        await conn.execute("INSERT INTO journey_snapshot SELECT * FROM journey_snapshot_live")
        await conn.execute(f"VACUUM ANALYZE {', '.join(CLONES)}, organisation, journey_snapshot")
        counts = {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in CLONES}
    finally:
        await conn.close()
    rows = ", ".join(f"{table} {count:,}" for table, count in counts.items())
    print(f"  analysed in {time.perf_counter() - started:.0f}s: {rows}", flush=True)


async def start_reporting(work: Path, dsn: str) -> tuple[Stack, str]:
    """The reporting service as a real HTTP server process (its own broker, no other
    service), on the filled database; no rate limit, or the load would be answered 429."""
    environ = dict(os.environ) | QUIET
    environ["REPORTING_DATABASE_URL"] = dsn
    spec = ServiceSpec("reporting", free_port())
    stack = Stack(
        StackOptions(
            data_dir=work / "data",
            log_dir=work / "logs",
            kafka_port=free_port(),
            services=(spec,),
            environ=environ,
        )
    )
    try:
        await stack.start()
    except BaseException:
        stack.stop()
        raise
    return stack, f"http://127.0.0.1:{spec.port}"


async def measure_queries(url: str, key: str, requests: int, seconds: float) -> dict[str, object]:
    """The load, from a process of its own so that it does not share this event loop."""
    command = [sys.executable, "-m", "bench.queries", url, key, "8", str(requests), str(seconds)]
    result = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, check=True
    )
    run: dict[str, object] = json.loads(result.stdout)
    return run


async def registered_total(url: str, key: str) -> int:
    """The funnel's registered count over everything: the clones are seen by the service."""
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, trust_env=False, timeout=600
    ) as client:
        response = await client.get("/v1/statistics/funnel")
        response.raise_for_status()
    return sum(int(row["registered"]) for row in response.json()["rows"])


def add_figures(report: Report, run: dict[str, object]) -> None:
    latencies = run["latencies"]
    assert isinstance(latencies, dict)
    everything: list[float] = []
    for name, samples in latencies.items():
        ms = [s * 1000 for s in samples]
        everything += ms
        path = "/v1/journeys?limit=50" if name == "journeys" else f"/v1/statistics/{name}"
        report.add(Figure(f"reporting: {path} p50", percentile(ms, 0.5), "ms"))
        report.add(Figure(f"reporting: {path} p99", percentile(ms, 0.99), "ms", target=TARGET))
    report.add(Figure("reporting: all queries p50", percentile(everything, 0.5), "ms"))
    report.add(Figure("reporting: all queries p99", percentile(everything, 0.99), "ms",
                      target=TARGET))  # fmt: skip
    errors = run["errors"]
    assert isinstance(errors, dict)
    for name, count in errors.items():
        report.add(Figure(f"reporting: failed requests ({name})", count, "requests"))


async def reporting_queries(report: Report, workers: int, quick: bool) -> None:
    """Fill, clone, serve, then time the endpoints at a fixed concurrency of 8."""
    dsn = await fresh_database(DATABASE)
    try:
        key = await project_base(dsn)
        await clone_workers(dsn, workers)
        with tempfile.TemporaryDirectory(prefix="sws-bench-queries-") as work:
            stack, url = await start_reporting(Path(work), dsn)
            try:
                print(f"  funnel: {await registered_total(url, key):,} journeys", flush=True)
                # a time cap too: at 1,000,000 workers a figure may take seconds to compute
                requests, seconds = (360, 90.0) if quick else (900, 600.0)
                run = await measure_queries(url, key, requests, seconds)
            finally:
                stack.stop()
    finally:
        await drop_database(LOCAL_ADMIN_DSN, DATABASE)
    requests, elapsed = int(str(run["requests"])), float(str(run["elapsed"]))
    each = requests // len(ENDPOINTS)
    print(f"  {requests} requests in {elapsed:.1f}s (about {each} per endpoint)", flush=True)
    add_figures(report, run)


# -- the load generator (its own process) ---------------------------------------------------


def _schedule() -> Iterator[tuple[str, str]]:
    """Endpoints in turn, each with its query strings in turn."""
    variants = {name: itertools.cycle(paths) for name, paths in ENDPOINTS.items()}
    for name in itertools.cycle(ENDPOINTS):
        yield name, next(variants[name])


async def load(url: str, key: str, concurrency: int, requests: int, seconds: float) -> object:
    latencies: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=120,
        trust_env=False,
    ) as client:  # fmt: skip
        for paths in ENDPOINTS.values():  # warm-up: connections, plans, caches; not counted
            for path in paths:
                await client.get(path)
        schedule = itertools.islice(_schedule(), requests)
        deadline = time.perf_counter() + seconds

        async def client_loop() -> None:
            for name, path in schedule:  # shared: each request is taken by one client
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                response = await client.get(path)
                if response.status_code == 200:
                    latencies[name].append(time.perf_counter() - started)
                else:
                    key_ = f"{name} {response.status_code}"
                    errors[key_] = errors.get(key_, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    done = sum(len(samples) for samples in latencies.values())
    return {"requests": done, "errors": errors, "elapsed": elapsed, "latencies": latencies}


if __name__ == "__main__":
    url, key, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    requests, seconds = int(sys.argv[4]), float(sys.argv[5])
    print(json.dumps(asyncio.run(load(url, key, concurrency, requests, seconds))))
