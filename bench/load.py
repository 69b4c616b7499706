"""A load generator run as its own process, so that it does not share the services' cores'
event loop: N concurrent clients register workers for a fixed time.

Usage: python -m bench.load URL API_KEY CONCURRENCY SECONDS  (prints one JSON line)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections import Counter
from datetime import date, timedelta

import httpx

from registry.domain.iin import check_digit

_serial = itertools.count(os.getpid() * 100_000)


def iin() -> str:
    """A valid IIN unique to this process: a birth date and a 4-digit serial per date."""
    while True:
        n = next(_serial)
        born = date(1970, 1, 1) + timedelta(days=(n // 10_000) % 15_000)
        first = f"{born:%y%m%d}3{n % 10_000:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


def body() -> dict[str, object]:
    return {
        "iin": iin(),
        "given_name": "Load",
        "family_name": "Test",
        "date_of_birth": "1990-01-01",  # unlike the IIN's: a warning, not a refusal
        "sex": "male",
        "region": "Turkistan",
        "phone": "+77011234567",
        "preferred_language": "kk",
        "passport_number": "N12345678",
        "passport_expiry": "2035-01-01",
        "consent": {"given_at": "2026-01-01T00:00:00Z", "text_version": "2025-01"},
    }


async def run(url: str, key: str, concurrency: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    errors = 0
    failures: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=30,
        trust_env=False,
    ) as client:  # fmt: skip

        async def client_loop() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/workers", json=body())
                except httpx.TransportError as error:
                    failures[type(error).__name__] += 1
                    errors += 1
                    continue
                if response.status_code == 201:
                    latencies.append(time.perf_counter() - started)
                else:
                    failures[str(response.status_code)] += 1
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "failures": dict(failures),
            "elapsed": elapsed, "latencies": latencies,
            "cpu_seconds": time.process_time()}  # fmt: skip


if __name__ == "__main__":
    url, key, concurrency, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    print(json.dumps(asyncio.run(run(url, key, concurrency, seconds))))
