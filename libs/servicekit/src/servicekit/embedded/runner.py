"""Long-running commands: run until Ctrl-C or SIGTERM, then stop every child in order."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, ensure_database, ensure_server_running
from servicekit.embedded.process import tail_file
from servicekit.embedded.report import describe
from servicekit.embedded.s3 import LocalS3
from servicekit.embedded.services import default_services
from servicekit.embedded.stack import Stack, StackError, StackOptions
from servicekit.embedded.tansu import TansuBroker
from servicekit.kafka_admin import ensure_all_topics, wait_for_broker

_WATCH_INTERVAL = 0.5


def say(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


async def _start_unless_stopped(stack: Stack, stop: asyncio.Event) -> bool:
    """Start the stack; False when a signal arrived first (start-up is then cancelled)."""
    startup = asyncio.create_task(stack.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({startup, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not startup.done():
        startup.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await startup
        return False
    startup.result()
    return True


async def _watch(stack: Stack, stop: asyncio.Event) -> int:
    """0 when asked to stop; 1 when a child died on its own."""
    while not stop.is_set():
        dead = stack.dead_child()
        if dead is not None:
            name, log_file = dead
            say(f"{name} exited unexpectedly; last lines of {log_file}:\n{tail_file(log_file)}")
            return 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), _WATCH_INTERVAL)
    return 0


async def run_stack(options: StackOptions) -> int:
    stack = Stack(options)
    stop = asyncio.Event()
    with stop_on_signals(stop):
        try:
            say(f"Starting the embedded system; logs go to {stack.log_dir}")
            if not await _start_unless_stopped(stack, stop):
                say("Interrupted during start-up.")
                return 130
            say(describe(stack))
            admin_key = await stack.first_admin_key()
            if admin_key:
                say("A first admin organisation and API key were created:\n" + admin_key)
            return await _watch(stack, stop)
        except StackError as error:
            print(f"Start-up failed: {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            say("Stopping services, then the broker...")
            stack.stop()
            say("Stopped.")


async def run_broker(port: int, durable: bool, data_dir: Path, log_dir: Path) -> int:
    """Just a broker (plus local S3 when durable), with every topic created.

    Pass absolute directories: resolving paths here would block the event loop.
    """
    s3 = LocalS3(data_dir / "s3", log_file=log_dir / "s3.log")
    broker = TansuBroker(
        port,
        storage="s3" if durable else "memory",
        s3_endpoint=s3.endpoint if durable else None,
        log_file=log_dir / "broker.log",
    )
    stop = asyncio.Event()
    with stop_on_signals(stop):
        try:
            if durable:
                s3.start()
            broker.start()
            await wait_for_broker(broker.bootstrap_servers)
            await ensure_all_topics(broker.bootstrap_servers)
            say(f"Tansu listening on {broker.bootstrap_servers} (log {broker.log_file}).")
            say(f"export KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap_servers}   # Ctrl-C stops it")
            while not stop.is_set() and broker.running:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _WATCH_INTERVAL)
            if stop.is_set():
                return 0
            say(f"Tansu exited on its own; last lines of {broker.log_file}:\n{broker.tail()}")
            return 1
        except (RuntimeError, TimeoutError) as error:
            print(f"Broker failed: {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            broker.stop()
            s3.stop()


async def create_topics(bootstrap_servers: str) -> int:
    try:
        await wait_for_broker(bootstrap_servers)
    except TimeoutError as error:
        print(error, file=sys.stderr, flush=True)
        return 1
    created = await ensure_all_topics(bootstrap_servers)
    say(f"Created: {', '.join(created)}" if created else "All topics exist already.")
    return 0


async def create_databases() -> int:
    """The local server up, with one database per service (as `run` would leave it)."""
    try:
        ensure_server_running()
        for spec in default_services():
            await ensure_database(LOCAL_ADMIN_DSN, spec.name)
    except (RuntimeError, OSError) as error:
        print(f"PostgreSQL: {error}", file=sys.stderr, flush=True)
        return 1
    say(f"Databases ready: {', '.join(spec.name for spec in default_services())}")
    return 0
