"""A stack the fault tests control, built on the embedded stack: kill and restart one service
as a crash would (SIGKILL to its process group, then the same command, environment, log and
port again), kill and restart the broker (on durable storage, or swapped for an empty one in
memory), restart the local PostgreSQL, and run the services' own commands (outbox republish,
dead-letters list) with the environment the stack gave each service."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from contracts.topics import all_topic_names
from servicekit.embedded.probe import LOCALHOST, free_port, kafka_metadata_answers, port_accepts
from servicekit.embedded.process import ManagedProcess
from servicekit.embedded.services import SERVICE_NAMES, ServiceSpec
from servicekit.embedded.stack import Stack, StackOptions
from servicekit.embedded.tansu import StorageKind, TansuBroker
from servicekit.kafka_admin import admin_client, wait_for_broker

# Settings for a stack under faults: quick group settling, frequent relay polls, and small
# relay batches, so that a backlog takes several batches and a kill can land between them.
FAULT_SETTINGS = {
    "CONSUMER_SESSION_TIMEOUT_MS": "6000",
    "CONSUMER_HEARTBEAT_INTERVAL_MS": "500",
    "CONSUMER_RETRY_BACKOFF_SECONDS": "0.05",
    "OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
    "OUTBOX_MAX_BACKOFF_SECONDS": "2",
    "LOG_LEVEL": "INFO",
    # Partners share a key per organisation here; the limit is tested on its own.
    "RATE_LIMIT_PER_MINUTE": "0",
    "ENVIRONMENT": "test",
}


@dataclass
class FaultLog:
    """What was done to the system, for the summary line."""

    kills: Counter[str] = field(default_factory=Counter)
    mid_batch: Counter[str] = field(default_factory=Counter)
    broker_restarts: Counter[str] = field(default_factory=Counter)
    postgres_restarts: int = 0
    republished: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(f"{time.strftime('%H:%M:%S')} {text}")

    def summary(self) -> str:
        kills = ", ".join(f"{name} {count}" for name, count in sorted(self.kills.items()))
        brokers = ", ".join(f"{k} {v}" for k, v in sorted(self.broker_restarts.items()))
        mid = ", ".join(f"{name} {count}" for name, count in sorted(self.mid_batch.items()))
        return (
            f"kills: {sum(self.kills.values())} ({kills}); mid-batch: {mid or 'none'}; "
            f"broker restarts: {brokers or 'none'}; postgres restarts: {self.postgres_restarts}"
        )


class FaultStack(Stack):
    """The embedded stack, with each part killable on its own."""

    def __init__(self, options: StackOptions) -> None:
        super().__init__(options)
        self.faults = FaultLog()
        self.databases = {spec.name: self.envs[spec.name]["DATABASE_URL"] for spec in self.specs}

    # -- where things are ---------------------------------------------------------------------

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers

    @property
    def urls(self) -> dict[str, str]:
        return {spec.name: f"http://{LOCALHOST}:{spec.port}" for spec in self.specs}

    def spec(self, name: str) -> ServiceSpec:
        return next(spec for spec in self.specs if spec.name == name)

    def log_files(self) -> list[Path]:
        return [self.log_file(spec) for spec in self.specs]

    # -- services -----------------------------------------------------------------------------

    def kill_service(self, name: str) -> None:
        """SIGKILL the service's whole process group, as a crash would."""
        process = self.processes[name]
        process.kill()
        self.faults.kills[name] += 1

    async def start_service(self, name: str) -> None:
        """Start the service again with the command, environment, log and port it had."""
        process = self.processes[name]
        if not process.running:
            process.start()
        await self._wait_ready(self.spec(name))

    async def restart_service(self, name: str, *, down_for: float = 0.0) -> None:
        self.kill_service(name)
        if down_for:
            await asyncio.sleep(down_for)
        await self.start_service(name)

    # -- the broker ---------------------------------------------------------------------------

    def kill_broker(self) -> None:
        self.broker.kill()

    async def start_broker(self, storage: StorageKind | None = None) -> None:
        """Start the broker on the same port; ``storage`` swaps in a broker on other storage
        (memory: an empty one). Spawned from this (the event loop's) thread and polled without
        blocking, so that the load keeps running meanwhile."""
        storage = storage or self.broker.storage
        if storage != self.broker.storage or self.broker.running:
            self.broker.stop()
            self.broker = TansuBroker(
                self.broker.port,
                storage=storage,
                s3_endpoint=self.s3.endpoint if storage == "s3" else None,
                log_file=self.broker.log_file,
            )
        await _start_without_blocking(self.broker)
        await wait_for_broker(self.bootstrap_servers, timeout=60)
        self.faults.broker_restarts[storage] += 1

    async def topic_partitions(self) -> dict[str, int]:
        async with admin_client(self.bootstrap_servers) as client:
            names = sorted(await client.list_topics())
            found = {}
            for name in names:
                (description,) = await client.describe_topics([name])
                found[name] = len(description["partitions"])
        return found

    # -- PostgreSQL ---------------------------------------------------------------------------

    def postgres_restartable(self) -> bool:
        """Only the machine's own cluster, through Debian's tools."""
        hosts = {urlsplit(dsn).hostname for dsn in self.databases.values()}
        ports = {urlsplit(dsn).port or 5432 for dsn in self.databases.values()}
        return (
            hosts == {LOCALHOST}
            and ports == {5432}
            and shutil.which("pg_ctlcluster") is not None
            and Path("/etc/postgresql").is_dir()
        )

    async def restart_postgres(self, timeout: float = 120.0) -> float:
        """Restart the local cluster once; return the seconds until it answered again."""
        versions = sorted(await asyncio.to_thread(os.listdir, "/etc/postgresql"))
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            versions[-1],
            "main",
            "restart",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster restart failed: {output.decode(errors='replace')}")
        deadline = time.monotonic() + timeout
        dsn = next(iter(self.databases.values()))
        while True:
            try:
                connection = await asyncpg.connect(dsn, timeout=2)
                await connection.close()
                break
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        self.faults.postgres_restarts += 1
        return time.monotonic() - started

    # -- the services' own commands -----------------------------------------------------------

    async def command(self, name: str, *args: str, timeout: float = 120.0) -> tuple[int, str]:
        """``python -m <name> <args>`` with the service's environment: (exit code, output)."""
        process = await asyncio.create_subprocess_exec(
            self.options.python,
            "-m",
            name,
            *args,
            env=self.envs[name],
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout)
        assert process.returncode is not None
        return process.returncode, out.decode() + err.decode()

    async def recreate_topics(self) -> str:
        """The runbook's ``python -m servicekit.embedded topics`` against the stack's broker."""
        env = dict(self.options.environ) | {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        process = await asyncio.create_subprocess_exec(
            self.options.python,
            "-m",
            "servicekit.embedded",
            "topics",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"topics failed: {out.decode(errors='replace')}")
        return out.decode()

    # -- databases ----------------------------------------------------------------------------

    async def query(self, service: str, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(self.databases[service])
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()


async def _start_without_blocking(broker: TansuBroker, timeout: float = 60.0) -> None:
    """LocalServer.start without its blocking wait (its readiness probe runs in a thread;
    the process itself is spawned here, in the event loop's thread, so that it lives on)."""
    if port_accepts(LOCALHOST, broker.port):
        raise RuntimeError(f"port {broker.port} is still in use")
    broker._prepare()
    process = ManagedProcess(
        broker.name, broker._argv(), log_file=broker.log_file, env=broker._environment()
    )
    broker._process = process
    process.start()
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(kafka_metadata_answers, LOCALHOST, broker.port):
        if not process.running:
            raise RuntimeError(f"the broker exited: {process.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the broker did not answer within {timeout:.0f}s")
        await asyncio.sleep(0.1)


def fault_stack_options(
    work: Path, databases: Mapping[str, str], *, durable: bool, extra: Mapping[str, str]
) -> StackOptions:
    """Options of a stack on its own ports and databases, with FAULT_SETTINGS."""
    environ = dict(os.environ) | FAULT_SETTINGS | dict(extra)
    for name, dsn in databases.items():
        environ[f"{name.upper()}_DATABASE_URL"] = dsn
    return StackOptions(
        durable=durable,
        data_dir=work / "data",
        log_dir=work / "logs",
        kafka_port=free_port(),
        services=tuple(ServiceSpec(name, free_port()) for name in SERVICE_NAMES),
        environ=environ,
        python=sys.executable,
    )


@asynccontextmanager
async def running_fault_stack(
    work: Path,
    create_database: Callable[..., Any],
    *,
    durable: bool,
    prefix: str,
    extra: Mapping[str, str] | None = None,
) -> AsyncIterator[FaultStack]:
    databases = {name: await create_database(prefix=f"{prefix}_{name}") for name in SERVICE_NAMES}
    options = fault_stack_options(work, databases, durable=durable, extra=extra or {})
    stack = FaultStack(options)
    try:
        await stack.start()
        yield stack
    finally:
        stack.stop()


def catalogue_partitions() -> dict[str, int]:
    return dict(all_topic_names())


# -- no event lost, none applied twice ---------------------------------------------------------


@dataclass
class Ledger:
    """What the databases say about every event: produced (outboxes) and applied (inboxes)."""

    produced: dict[str, int]  # topic -> events in the producer's outbox
    applied: dict[str, int]  # "consumer <- topic" -> inbox rows
    problems: list[str]

    @property
    def events(self) -> int:
        return sum(self.produced.values())


async def ledger(stack: FaultStack) -> Ledger:
    """Every outbox row sent; every consumer's inbox holds each event of each topic it
    consumes exactly once (the primary key), applied, nothing parked or dead-lettered, and
    each stream's last applied version is the producer's last version."""
    from contracts.topics import TOPICS

    problems: list[str] = []
    produced_ids: dict[str, set[str]] = {}
    produced_versions: dict[tuple[str, str], int] = {}
    for service in SERVICE_NAMES:
        rows = await stack.query(
            service,
            "SELECT topic, event_id, subject, aggregate_version, sent_at IS NOT NULL AS sent"
            " FROM outbox",
        )
        pending = [row for row in rows if not row["sent"]]
        if pending:
            problems.append(f"{service}: {len(pending)} outbox rows never sent")
        for row in rows:
            ids = produced_ids.setdefault(row["topic"], set())
            if row["event_id"] in ids:
                problems.append(f"{service}: event {row['event_id']} twice in the outbox")
            ids.add(row["event_id"])
        for row in await stack.query(service, "SELECT topic, subject, version FROM outbox_stream"):
            produced_versions[(row["topic"], row["subject"])] = row["version"]
    applied: dict[str, int] = {}
    for topic in TOPICS:
        for consumer in topic.consumers:
            rows = await stack.query(
                consumer,
                "SELECT event_id, outcome FROM inbox_event WHERE consumer = $1 AND topic = $2",
                consumer,
                topic.name,
            )
            applied[f"{consumer} <- {topic.name}"] = len(rows)
            seen = {row["event_id"] for row in rows}
            missing = produced_ids.get(topic.name, set()) - seen
            unknown = seen - produced_ids.get(topic.name, set())
            outcomes = Counter(row["outcome"] for row in rows)
            if missing:
                problems.append(f"{consumer} never applied {len(missing)} events of {topic.name}")
            if unknown:
                problems.append(f"{consumer} applied {len(unknown)} unknown events of {topic.name}")
            if set(outcomes) - {"applied"}:
                problems.append(f"{consumer} <- {topic.name}: outcomes {dict(outcomes)}")
            streams = await stack.query(
                consumer,
                "SELECT subject, version FROM inbox_stream WHERE consumer = $1 AND topic = $2",
                consumer,
                topic.name,
            )
            behind = [
                row["subject"]
                for row in streams
                if produced_versions.get((topic.name, row["subject"])) != row["version"]
            ]
            if behind:
                problems.append(
                    f"{consumer} <- {topic.name}: {len(behind)} streams not at the "
                    "producer's last version"
                )
    for service in SERVICE_NAMES:
        parked = await stack.query(service, "SELECT count(*) AS n FROM inbox_parked")
        dead = await stack.query(service, "SELECT consumer, topic, error FROM dead_letter")
        if parked[0]["n"]:
            problems.append(f"{service}: {parked[0]['n']} events parked")
        if dead:
            problems.append(f"{service}: dead letters {[dict(row) for row in dead][:5]}")
    produced = {topic: len(ids) for topic, ids in produced_ids.items()}
    return Ledger(produced, applied, problems)


async def settled_ledger(stack: FaultStack, timeout: float = 180.0) -> Ledger:
    """The ledger once it balances (consumers may still be catching up), or as it stands
    when ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        found = await ledger(stack)
        if not found.problems or time.monotonic() > deadline:
            return found
        await asyncio.sleep(1.0)
