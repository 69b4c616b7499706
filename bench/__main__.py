"""``python -m bench``: run the whole system embedded and print every figure beside its ratio
to the machine's raw limit, measured first in the same run."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import queries, raw_limits, rebuild, scenarios
from bench.cpu import CpuMeter
from bench.figures import Figure, Report, percentile
from bench.system import fresh_database, peak_memory_mb, recruiter_key, start_system
from servicekit.embedded.postgres import ensure_server_running
from servicekit.embedded.stack import Stack
from servicekit.embedded.tansu import TansuBroker

CATCH_UP_SECONDS = 3
CPU_CEILING = "derived: registrations/s the cores allow at the measured CPU per registration"


async def measure_raw_limits(report: Report, quick: bool) -> None:
    print("raw limits", flush=True)
    dsn = await fresh_database("bench_raw")
    report.limit(await raw_limits.single_row_commits(dsn, seconds=3 if quick else 8))
    report.limit(await raw_limits.copy_rows(dsn, rows=100_000 if quick else 500_000))
    await measure_kafka_limits(report, quick)


async def measure_kafka_limits(report: Report, quick: bool) -> None:
    with TansuBroker() as broker:
        messages = 30_000 if quick else 200_000
        produced, consumed = await raw_limits.kafka_produce_and_consume(
            broker.bootstrap_servers, messages=messages
        )
    report.limit(produced)
    report.limit(consumed)


async def measure_system(report: Report, quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="sws-bench-") as work:
        stack, urls = await start_system(Path(work))
        try:
            key = await recruiter_key(stack, urls["registry"])
            print("registry API", flush=True)
            await registrations(report, stack, urls["registry"], key, 8 if quick else 20)
            print("end to end", flush=True)
            await scenarios.end_to_end_latency(report, urls["registry"], key, stack, quick)
            print("bulk import", flush=True)
            await scenarios.bulk_import(report, urls["registry"], key, 20_000 if quick else 100_000)
            for name, process in stack.processes.items():
                if process.pid is not None:
                    report.add(Figure(f"{name}: peak memory", peak_memory_mb(process.pid), "MB",
                                      target="< 200 MB"))  # fmt: skip
        finally:
            stack.stop()


async def measure_rebuild(report: Report, events: int) -> None:
    print(f"projection rebuild ({events:,} events)", flush=True)
    await rebuild.projection_rebuild(report, events)


async def measure_queries(report: Report, workers: int, quick: bool) -> None:
    print(f"reporting queries ({workers:,} workers)", flush=True)
    await queries.reporting_queries(report, workers, quick)


async def registrations(report: Report, stack: Stack, url: str, key: str, seconds: float) -> None:
    """Registrations/s at a fixed concurrency, the load coming from a separate process, and
    the CPU each process of the system spent on them."""
    meter = CpuMeter(_system_pids(stack))
    meter.start()
    command = [sys.executable, "-m", "bench.load", url, key, "32", str(seconds)]
    result = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, check=True
    )
    await asyncio.sleep(CATCH_UP_SECONDS)  # the consumers' share of the work is counted too
    spent = meter.stop()
    run = json.loads(result.stdout)
    latencies = [seconds_ * 1000 for seconds_ in run["latencies"]]
    rate = run["requests"] / run["elapsed"]
    limit = "raw: asyncpg single-row commits (16 connections)"
    report.add(Figure("registry: registrations (32 clients)", rate,
                      "req/s", limit, "≥ 40% of raw commits"))  # fmt: skip
    report.add(Figure("registry: registration latency p50", percentile(latencies, 0.5), "ms"))
    report.add(Figure("registry: registration latency p99", percentile(latencies, 0.99), "ms"))
    if run["errors"]:
        failures = ", ".join(f"{kind} x{n}" for kind, n in run["failures"].items())
        report.add(
            Figure(f"registry: failed registrations ({failures})", run["errors"], "requests")
        )
    spent["load generator"] = run["cpu_seconds"]
    cpu_budget(report, spent, run["requests"], rate)


def cpu_budget(report: Report, spent: dict[str, float], registrations: int, rate: float) -> None:
    """Milliseconds of CPU per registration, by process; the rate the machine's cores could
    sustain at that cost, and the registrations/s measured against it."""
    if not registrations:
        return
    for name, seconds in spent.items():
        if name != "machine":
            report.add(Figure(f"CPU per registration: {name}", seconds * 1000 / registrations,
                              "ms"))  # fmt: skip
    machine_ms = spent["machine"] * 1000 / registrations
    report.add(Figure("CPU per registration: the whole machine", machine_ms, "ms"))
    ceiling = Figure(CPU_CEILING, (os.cpu_count() or 1) * 1000 / machine_ms, "req/s")
    report.limit(ceiling)
    report.add(Figure("registry: registrations against the CPU ceiling", rate, "req/s",
                      CPU_CEILING))  # fmt: skip


def _system_pids(stack: Stack) -> dict[str, int]:
    pids = {name: process.pid for name, process in stack.processes.items()}
    pids["broker"] = stack.broker.pid
    return {name: pid for name, pid in pids.items() if pid is not None}


async def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter runs")
    parser.add_argument(
        "--only", choices=["raw", "system", "rebuild", "queries"], help="one part only"
    )
    parser.add_argument("--events", type=int, help="events to rebuild from (default 1,000,000;"
                        " 50,000 with --quick)")  # fmt: skip
    parser.add_argument("--workers", type=int, help="workers to query over (default 1,000,000;"
                        " 100,000 with --quick)")  # fmt: skip
    args = parser.parse_args()
    events = args.events or (50_000 if args.quick else 1_000_000)
    workers = args.workers or (100_000 if args.quick else 1_000_000)
    ensure_server_running()
    report = Report()
    if args.only in (None, "raw"):
        await measure_raw_limits(report, args.quick)
    elif args.only == "rebuild":
        print("raw limits (broker only)", flush=True)
        await measure_kafka_limits(report, args.quick)  # the rebuild is read against consume
    if args.only in (None, "system"):
        await measure_system(report, args.quick)
    if args.only in (None, "rebuild"):
        await measure_rebuild(report, events)
    if args.only in (None, "queries"):
        await measure_queries(report, workers, args.quick)
    print(report.table())
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
