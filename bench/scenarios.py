"""The system's figures: end-to-end latency at a steady rate, and bulk import."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import timedelta

import asyncpg
import httpx

from bench.figures import Figure, Report, percentile
from bench.load import body
from servicekit.embedded.stack import Stack


async def end_to_end_latency(
    report: Report, registry_url: str, key: str, stack: Stack, quick: bool
) -> None:
    """Registrations at a steady rate; latency from the registry's commit to the visa and
    reporting consumers applying the event (database timestamps of one server clock)."""
    for rate in (200, 400, 800):
        seconds = 5 if quick else 15
        achieved = await _steady(registry_url, key, rate, seconds)
        kept = achieved >= rate * 0.9
        # when the registry cannot take the rate, requests queue: the figures are then those of
        # the highest rate it took
        label = f"{rate}/s" if kept else f"{rate}/s offered, {achieved:.0f}/s taken"
        behind = []
        for consumer in ("visa", "reporting"):
            latencies = await _consumer_latencies(stack, consumer, since_rate=rate)
            p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
            report.add(Figure(f"end to end at {label}: registry → {consumer} p50", p50, "ms"))
            report.add(Figure(f"end to end at {label}: registry → {consumer} p99", p99, "ms",
                              target="≤ 250 ms at 200/s" if rate == 200 else None))  # fmt: skip
            behind.append(p99 > 2000)
        if not kept or any(behind):
            break
        report.add(Figure("end to end: highest steady rate tried with lag bounded", rate, "req/s"))


async def _steady(url: str, key: str, rate: int, seconds: float) -> float:
    """Send ``rate`` registrations a second for ``seconds``; returns the rate the registry
    took (registrations that succeeded, over the time until the last one was answered)."""
    sent = 0
    interval = 1 / rate
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, trust_env=False, timeout=30,
        limits=httpx.Limits(max_connections=64),
    ) as client:  # fmt: skip

        async def one() -> None:
            nonlocal sent
            try:
                answer = await client.post("/v1/workers", json=body())
            except httpx.TransportError:  # counted as not sent: the rate is then "not kept"
                return
            if answer.status_code == 201:
                sent += 1

        tasks = []
        started = time.perf_counter()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + n * interval - time.perf_counter()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        taken = sent / (time.perf_counter() - started)
    await asyncio.sleep(3)  # let the consumers catch up before reading their timestamps
    return taken


async def _consumer_latencies(stack: Stack, consumer: str, since_rate: int) -> list[float]:
    registry = await asyncpg.connect(stack.envs["registry"]["DATABASE_URL"])
    other = await asyncpg.connect(stack.envs[consumer]["DATABASE_URL"])
    try:
        registered = {
            str(row["id"]): row["registered_at"]
            for row in await registry.fetch(
                "SELECT id, registered_at FROM worker WHERE registered_at > now() - $1::interval",
                timedelta(seconds=30),
            )
        }
        applied = await other.fetch(
            "SELECT subject, processed_at FROM inbox_event"
            " WHERE topic = 'registry.worker.v1' AND subject = ANY($1)",
            list(registered),
        )
    finally:
        await registry.close()
        await other.close()
    return [
        (row["processed_at"] - registered[row["subject"]]).total_seconds() * 1000 for row in applied
    ]


async def bulk_import(report: Report, registry_url: str, key: str, rows: int) -> None:
    batch = 10_000
    payloads = [_csv(min(batch, rows - start)) for start in range(0, rows, batch)]
    async with httpx.AsyncClient(
        base_url=registry_url, trust_env=False, timeout=600,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
    ) as client:  # fmt: skip
        started = time.perf_counter()
        registered = 0
        for payload in payloads:
            response = await client.post("/v1/workers/bulk", content=payload)
            registered += response.json()["registered"]
        elapsed = time.perf_counter() - started
    report.add(Figure(f"registry: bulk import of {rows:,} workers", registered / elapsed,
                      "rows/s", "raw: asyncpg COPY", "≥ 30% of raw COPY"))  # fmt: skip


def _csv(rows: int) -> bytes:
    out = io.StringIO()
    columns = ["iin", "given_name", "family_name", "date_of_birth", "sex", "region", "phone",
               "preferred_language", "passport_number", "passport_expiry", "consent_given_at",
               "consent_text_version"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for _ in range(rows):
        row = body()
        consent = row.pop("consent")
        assert isinstance(consent, dict)
        writer.writerow(row | {"consent_given_at": consent["given_at"],
                               "consent_text_version": consent["text_version"]})  # fmt: skip
    return out.getvalue().encode()
