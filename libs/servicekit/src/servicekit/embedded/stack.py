"""The whole system on one machine: local PostgreSQL, Tansu, topics, the four services."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka.errors import KafkaError

from contracts.topics import all_topic_names
from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, ensure_database, ensure_server_running
from servicekit.embedded.probe import LOCALHOST, port_accepts
from servicekit.embedded.process import ManagedProcess
from servicekit.embedded.s3 import LocalS3
from servicekit.embedded.services import (
    DEFAULT_BASE_PORT,
    ServiceSpec,
    default_services,
    reachable_host,
    service_environment,
    uses_local_database,
)
from servicekit.embedded.tansu import TansuBroker
from servicekit.kafka_admin import ensure_topics, wait_for_broker

DEFAULT_KAFKA_PORT = 9092


class StackError(RuntimeError):
    """Start-up failed; the message says what and where to look."""


@dataclass
class StackOptions:
    durable: bool = False
    data_dir: Path = Path(".run/data")
    log_dir: Path = Path(".run/logs")
    base_port: int = DEFAULT_BASE_PORT
    kafka_port: int = DEFAULT_KAFKA_PORT
    ready_timeout: float = 120.0
    migrate_timeout: float = 300.0
    stop_timeout: float = 15.0
    services: tuple[ServiceSpec, ...] | None = None
    python: str = field(default_factory=lambda: sys.executable)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


class Stack:
    """Starts everything in order and stops it in reverse; no child outlives it."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.log_dir = options.log_dir.resolve()
        self.specs = options.services or default_services(options.base_port)
        self.s3 = LocalS3(options.data_dir / "s3", log_file=self.log_dir / "s3.log")
        self.broker = TansuBroker(
            options.kafka_port,
            storage="s3" if options.durable else "memory",
            s3_endpoint=self.s3.endpoint if options.durable else None,
            log_file=self.log_dir / "broker.log",
        )
        bootstrap = self.broker.bootstrap_servers
        self.envs = {s.name: service_environment(s, bootstrap, options.environ) for s in self.specs}
        self.processes: dict[str, ManagedProcess] = {}
        self._children: list[ManagedProcess] = []  # migrations too, in spawn order

    def log_file(self, spec: ServiceSpec) -> Path:
        return self.log_dir / f"{spec.name}.log"

    async def start(self) -> None:
        self._check_ports_free()
        await self._prepare_databases()
        await self._start_broker()
        await _all_or_nothing(*(self._migrate(spec) for spec in self.specs))
        for spec in self.specs:
            self.processes[spec.name] = self._spawn(spec, "serve")
        await _all_or_nothing(*(self._wait_ready(spec) for spec in self.specs))

    def stop(self) -> None:
        """Services first (SIGTERM to all at once, then wait), then the broker, then S3."""
        for process in self._children:
            process.terminate()
        deadline = time.monotonic() + self.options.stop_timeout
        for process in self._children:
            process.stop(max(deadline - time.monotonic(), 0.1))
        self.broker.stop()
        self.s3.stop()

    def dead_child(self) -> tuple[str, Path] | None:
        """The name and log of a child that exited although nobody asked it to."""
        for process in self.processes.values():
            if not process.running:
                return process.name, process.log_file
        if not self.broker.running:
            return "broker", self.broker.log_file
        if self.options.durable and not self.s3.running:
            return "localbucket", self.s3.log_file
        return None

    def _check_ports_free(self) -> None:
        ports = {"broker": self.options.kafka_port}
        if self.options.durable:
            ports["localbucket"] = self.s3.port
        ports.update({s.name: int(self.envs[s.name]["HTTP_PORT"]) for s in self.specs})
        for owner, port in ports.items():
            if port_accepts(LOCALHOST, port):
                raise StackError(
                    f"port {port} (for {owner}) is already in use: is another stack running? "
                    "Stop it, or choose other ports (--base-port, --kafka-port)."
                )

    async def _prepare_databases(self) -> None:
        local = [s for s in self.specs if uses_local_database(s, self.envs[s.name])]
        if not local:
            return
        try:
            ensure_server_running()
            for spec in local:
                await ensure_database(LOCAL_ADMIN_DSN, spec.name)
        except (RuntimeError, OSError, asyncpg.PostgresError) as error:
            raise StackError(f"PostgreSQL: {error}") from error

    async def _start_broker(self) -> None:
        try:
            if self.options.durable:
                self.s3.start()
            self.broker.start()
            await wait_for_broker(self.broker.bootstrap_servers, timeout=30.0)
            await ensure_topics(self.broker.bootstrap_servers, all_topic_names())
        except (RuntimeError, TimeoutError, KafkaError) as error:
            raise StackError(f"broker: {error}") from error

    def _spawn(self, spec: ServiceSpec, command: str) -> ManagedProcess:
        argv = [self.options.python, "-m", spec.module, command]
        process = ManagedProcess(
            f"{spec.name} {command}", argv, log_file=self.log_file(spec), env=self.envs[spec.name]
        )
        self._children.append(process)
        process.start()
        return process

    async def _migrate(self, spec: ServiceSpec) -> None:
        process = self._spawn(spec, "migrate")
        try:
            code = await asyncio.to_thread(process.wait, self.options.migrate_timeout)
        except subprocess.TimeoutExpired:
            process.stop()
            raise StackError(
                self._failure(spec, process, "migrate did not finish in time")
            ) from None
        if code != 0:
            raise StackError(self._failure(spec, process, f"migrate exited with code {code}"))

    async def first_admin_key(self) -> str | None:
        """On a fresh database, the registry's first admin key (its CLI prints it once), so that
        a developer can call the APIs at once; None when an admin exists already."""
        spec = next((s for s in self.specs if s.name == "registry"), None)
        if spec is None:
            return None
        argv = [self.options.python, "-m", "registry", "admin", "bootstrap"]
        result = await asyncio.to_thread(
            subprocess.run, argv, env=self.envs[spec.name], capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
        return result.stdout.strip() if result.returncode == 0 else None

    async def _wait_ready(self, spec: ServiceSpec) -> None:
        process = self.processes[spec.name]
        env = self.envs[spec.name]
        url = f"http://{reachable_host(env)}:{env['HTTP_PORT']}/readyz"
        deadline = time.monotonic() + self.options.ready_timeout
        async with httpx.AsyncClient(trust_env=False, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not process.running:
                    message = f"exited with code {process.returncode} before it was ready"
                    raise StackError(self._failure(spec, process, message))
                try:
                    if (await client.get(url)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass  # not listening yet
                await asyncio.sleep(0.25)
        message = f"GET {url} did not answer 200 within {self.options.ready_timeout:.0f}s"
        raise StackError(self._failure(spec, process, message))

    def _failure(self, spec: ServiceSpec, process: ManagedProcess, what: str) -> str:
        return f"{spec.name}: {what}; last lines of {process.log_file}:\n{process.tail()}"


async def _all_or_nothing(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Run concurrently; on the first failure cancel the rest and raise that failure."""
    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in coroutines:
                group.create_task(coroutine)
    except ExceptionGroup as errors:
        raise errors.exceptions[0] from None
