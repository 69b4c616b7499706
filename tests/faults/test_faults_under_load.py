"""Faults while the journey load runs. The stack starts on the durable broker storage; while
workers go through their journeys:

1. each service is killed (SIGKILL to its process group) and restarted as the stack started it:
   the registry while its outbox relay is draining a burst of bulk registrations, the three
   consumers while they are applying such a burst (mid-batch), then each again at a random
   moment (more rounds at full size);
2. PostgreSQL is restarted once;
3. the broker is killed and restarted on its durable storage: nothing may be lost, the
   services catch up by themselves;
4. the broker is killed together with the services (a machine lost) and comes back on memory
   storage, with its log gone: the runbook's recovery (recreate the topics, ``python -m
   <service> outbox republish`` for every producer) refills it while the services restart;
5. a last round of kills.

Requests that fail meanwhile are retried with the same Idempotency-Key. At the end every
service agrees with the ground truth, every produced event was applied once by each consumer
(inboxes against outboxes), nothing is parked, the dead-letter tables and topics are empty.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from faults.fault_support import (
    FaultStack,
    catalogue_partitions,
    running_fault_stack,
    settled_ledger,
)
from faults.scale_journey import (
    FULL,
    SEED,
    WORKERS,
    Api,
    Driver,
    Load,
    Stats,
    WorkerTruth,
    set_up_parties,
    settled,
    summary_line,
)
from system_support import admin_key_from

from servicekit.testing.support import read_topic

pytestmark = [pytest.mark.faults, pytest.mark.scale, pytest.mark.slow]

ROUNDS = 3 if FULL else 1  # rounds of kills at random moments, in each phase
BURST = 12  # workers registered at once to catch a relay or a consumer mid-batch
CONSUMERS = ("visa", "notifications", "reporting")
EXTRA_SETTINGS = {
    # Small relay batches: a burst takes several, so a kill lands between them.
    "OUTBOX_BATCH_SIZE": "8",
    # Short send timeouts, so a lease held by a killed sender expires soon (2 x 3 + 30 s).
    "WEBHOOK_TIMEOUT_SECONDS": "3",
    "SMS_TIMEOUT_SECONDS": "3",
    "SMTP_TIMEOUT_SECONDS": "3",
}


class Injector:
    def __init__(self, stack: FaultStack, load: Load, rng: random.Random) -> None:
        self.stack = stack
        self.load = load
        self.rng = rng
        self.relay_backlog_at_kill: list[int] = []

    async def _watch(self, service: str, sql: str, args: tuple[Any, ...], total: int) -> bool:
        """Poll ``sql`` (a count) until it is part-way to ``total``: True; False when it
        reached ``total`` before we saw it part-way (or never moved within a minute)."""
        connection = await asyncpg.connect(self.stack.databases[service])
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                value = int(await connection.fetchval(sql, *args))
                if 0 < value < total:
                    return True
                if value >= total:
                    return False
                await asyncio.sleep(0.005)
            return False
        finally:
            await connection.close()

    async def kill_relay_mid_batch(self, service: str = "registry") -> None:
        """A burst of bulk registrations, then SIGKILL while the relay is part-way."""
        first = await self.stack.query(service, "SELECT coalesce(max(id), 0) AS id FROM outbox")
        workers = await self.load.burst(BURST)
        total = await self.stack.query(
            service, "SELECT count(*) AS n FROM outbox WHERE id > $1", first[0]["id"]
        )
        mid = await self._watch(
            service,
            "SELECT count(*) FROM outbox WHERE id > $1 AND sent_at IS NOT NULL",
            (first[0]["id"],),
            int(total[0]["n"]),
        )
        self.stack.kill_service(service)
        pending = await self.stack.query(
            service, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL"
        )
        self.relay_backlog_at_kill.append(int(pending[0]["n"]))
        if mid:
            self.stack.faults.mid_batch[f"{service} relay"] += 1
        self.stack.faults.note(f"{service} killed; relay mid-batch: {mid}; burst {len(workers)}")
        await asyncio.sleep(self.rng.uniform(0.5, 2.0))
        await self.stack.start_service(service)

    async def kill_consumer_mid_batch(self, service: str) -> None:
        """A burst of registrations, then SIGKILL while the consumer is applying them."""
        workers = await self.load.burst(BURST)
        ids = [w.id for w in workers]
        mid = await self._watch(
            service,
            "SELECT count(*) FROM inbox_event WHERE consumer = $1 AND topic = "
            "'registry.worker.v1' AND subject = ANY($2::text[])",
            (service, ids),
            len(ids),
        )
        pending = await self.stack.query(
            service, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL"
        )
        self.stack.kill_service(service)
        self.relay_backlog_at_kill.append(int(pending[0]["n"]))
        if mid:
            self.stack.faults.mid_batch[f"{service} consumer"] += 1
        self.stack.faults.note(f"{service} killed; consumer mid-batch: {mid}")
        await asyncio.sleep(self.rng.uniform(0.5, 2.0))
        await self.stack.start_service(service)

    async def kill_at_random(self) -> None:
        """Each service once, at a random moment of the next few seconds (so that at times
        two or more are down together), down for a random while."""
        moments = {
            name: (self.rng.uniform(0.0, 4.0), self.rng.uniform(0.2, 2.0))
            for name in self.stack.processes
        }

        async def kill(name: str, after: float, down_for: float) -> None:
            await asyncio.sleep(after)
            self.stack.faults.note(f"{name} killed at random")
            await self.stack.restart_service(name, down_for=down_for)

        await asyncio.gather(*(kill(name, *when) for name, when in moments.items()))

    async def restart_postgres(self) -> None:
        if not self.stack.postgres_restartable():
            self.stack.faults.note("PostgreSQL is not the local cluster: not restarted")
            return
        seconds = await self.stack.restart_postgres()
        self.stack.faults.note(f"PostgreSQL restarted, answering again after {seconds:.1f}s")

    async def restart_durable_broker(self) -> None:
        self.stack.kill_broker()
        self.stack.faults.note("broker (durable) killed")
        await asyncio.sleep(self.rng.uniform(1.0, 3.0))
        await self.stack.start_broker("s3")
        self.stack.faults.note("broker (durable) restarted")

    async def lose_the_broker(self) -> None:
        """The machine is lost: services and broker die; the broker comes back empty (memory);
        the runbook's recovery; the services start again."""
        for name in self.stack.processes:
            self.stack.kill_service(name)
        self.stack.kill_broker()
        self.stack.faults.note("services and broker killed; broker back on memory storage")
        await self.stack.start_broker("memory")
        await self.stack.recreate_topics()
        for name in self.stack.processes:
            code, output = await self.stack.command(name, "outbox", "republish")
            assert code == 0, output
            self.stack.faults.republished[name] = int(output.split()[0])
        await asyncio.gather(*(self.stack.start_service(n) for n in self.stack.processes))
        self.stack.faults.note(f"republished {self.stack.faults.republished}")


async def test_no_event_is_lost_or_applied_twice_under_faults(
    create_database: Callable[..., Any], tmp_path: Path
) -> None:
    started = time.monotonic()
    async with running_fault_stack(
        tmp_path, create_database, durable=True, prefix="faults", extra=EXTRA_SETTINGS
    ) as stack:
        stats = Stats()
        api = Api(stack.urls, stats)
        parties = await set_up_parties(
            api, admin_key_from(await stack.first_admin_key()), uuid.uuid4().hex[:6]
        )
        try:
            driver = Driver(api, parties, seed=SEED + 1)
            load = Load(driver, concurrency=64)
            injector = Injector(stack, load, random.Random(SEED))
            waves = [driver.plan_workers(WORKERS // 3) for _ in range(2)]
            waves.append(driver.plan_workers(WORKERS - 2 * (WORKERS // 3)))

            # Phase 1, durable broker: a relay and each consumer killed mid-batch.
            await load.launch(waves[0])
            await injector.kill_relay_mid_batch("registry")
            for name in CONSUMERS:
                await injector.kill_consumer_mid_batch(name)
            for _ in range(ROUNDS):
                await injector.kill_at_random()

            # Phase 2: PostgreSQL restarted; the durable broker killed and restarted.
            await load.launch(waves[1])
            await asyncio.sleep(2)
            await injector.restart_postgres()
            await asyncio.sleep(2)
            await injector.restart_durable_broker()
            for _ in range(ROUNDS):
                await injector.kill_at_random()

            # Phase 3: the broker's log lost; recovery by the runbook; more kills after it.
            await load.launch(waves[2])
            await asyncio.sleep(2)
            await injector.lose_the_broker()
            partitions = await stack.topic_partitions()
            for _ in range(ROUNDS):
                await injector.kill_at_random()

            await load.finish()
            workers: list[WorkerTruth] = driver.workers
            left = await settled(api, parties, workers, timeout=420)
            found = await settled_ledger(stack, timeout=120)
            dead_letter_records = {
                name: len(
                    await read_topic(
                        stack.bootstrap_servers, f"{name}.dead-letter.v1", expected=0, timeout=3
                    )
                )
                for name in ("registry", *CONSUMERS)
            }
            listed = {
                name: (await stack.command(name, "dead-letters", "list"))[1].strip()
                for name in ("registry", *CONSUMERS)
            }
        finally:
            for receiver in parties.receivers.values():
                receiver.stop()
            await api.close()
        elapsed = time.monotonic() - started
        republished = sum(stack.faults.republished.values())
        print("\n" + "\n".join(stack.faults.notes))
        print(
            summary_line(
                "faults under load",
                workers,
                stats,
                found.events,
                f"{stack.faults.summary()}; relay backlog at kills"
                f" {injector.relay_backlog_at_kill}; republished {republished}; {elapsed:.0f}s",
            )
        )

    assert not left, "\n".join(left[:40])
    assert not found.problems, "\n".join(found.problems)
    assert dead_letter_records == dict.fromkeys(dead_letter_records, 0)
    assert listed == dict.fromkeys(listed, "")
    assert partitions == catalogue_partitions(), "topics recreated with other partition counts"
    assert all(stack.faults.kills[name] >= 3 for name in stack.processes), stack.faults.kills
    assert stack.faults.broker_restarts == {"s3": 1, "memory": 1}
    # Faults were felt: the partner-side retries happened, and still no duplicate.
    assert stats.retries > 0
