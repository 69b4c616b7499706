"""The command line every service shares: ``python -m <service> <command>``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import uvicorn

from servicekit.migrations import apply_migrations
from servicekit.outbox import commands as outbox_commands
from servicekit.service import Runtime, ServiceDefinition, create_app, open_pool

DefinitionFactory = Callable[[], ServiceDefinition[Any]]


def main(factory: DefinitionFactory, argv: Sequence[str] | None = None) -> int:
    definition = factory()
    args = _parser(definition).parse_args(argv)
    if args.command in (None, "serve"):
        return _serve(definition)
    return asyncio.run(_run_command(definition, args))


def _parser(definition: ServiceDefinition[Any]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {definition.name}",
        description="Service commands (configuration from the environment).",
    )
    commands = parser.add_subparsers(dest="command")
    for command in definition.commands:
        command.configure(commands.add_parser(command.name, help=command.help))
    commands.add_parser("serve", help="run the HTTP API, consumers, relay and jobs (default)")
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    outbox = commands.add_parser("outbox", help="outbox commands").add_subparsers(
        dest="action", required=True
    )
    outbox.add_parser("status", help="pending and kept rows")
    republish = outbox.add_parser("republish", help="publish kept rows again (refill a broker)")
    republish.add_argument("--since", type=datetime.fromisoformat, default=None)
    inbox = commands.add_parser("inbox", help="inbox commands").add_subparsers(
        dest="action", required=True
    )
    inbox.add_parser("parked", help="events waiting for a missing earlier version")
    release = inbox.add_parser("release", help="stop waiting: apply a stream's parked events")
    release.add_argument("topic")
    release.add_argument("subject")
    dead = commands.add_parser("dead-letters", help="dead-letter commands").add_subparsers(
        dest="action", required=True
    )
    dead.add_parser("list", help="pending dead letters as JSON lines")
    replay = dead.add_parser("replay", help="apply dead letters again")
    replay.add_argument("ids", nargs="*", type=int, help="ids to replay (default: all pending)")
    discard = dead.add_parser("discard", help="give up on dead letters for good")
    discard.add_argument("ids", nargs="+", type=int)
    return parser


def _serve(definition: ServiceDefinition[Any]) -> int:
    settings = definition.settings
    uvicorn.run(
        create_app(definition),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )
    return 0


async def _run_command(definition: ServiceDefinition[Any], args: argparse.Namespace) -> int:
    pool = await open_pool(definition) if args.command != "migrate" else None
    try:
        if args.command == "migrate":
            return await _migrate(definition)
        assert pool is not None
        runtime: Runtime[Any] = Runtime(definition, pool)
        if args.command == "outbox":
            return await _outbox(runtime, args)
        if args.command == "dead-letters":
            return await _dead_letters(runtime, args)
        if args.command == "inbox":
            return await _inbox(runtime, args)
        command = next(c for c in definition.commands if c.name == args.command)
        return await command.run(runtime, args)
    finally:
        if pool is not None:
            await pool.close()


async def _migrate(definition: ServiceDefinition[Any]) -> int:
    import asyncpg

    conn = await asyncpg.connect(definition.settings.database_url)
    try:
        applied = await apply_migrations(conn, definition.migration_sources())
    finally:
        await conn.close()
    print(f"{definition.name}: {len(applied)} migration(s) applied")
    for name in applied:
        print(f"  {name}")
    return 0


async def _outbox(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    async with runtime.pool.acquire() as conn:
        if args.action == "republish":
            count = await outbox_commands.republish(conn, runtime.definition.name, since=args.since)
            print(f"{count} outbox row(s) queued for publishing again")
        pending, sent = await outbox_commands.backlog(conn)
    print(f"pending: {pending}, sent and kept: {sent}")
    return 0


async def _dead_letters(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    async with runtime.pool.acquire() as conn:
        pending = await runtime.dead_letters.pending(conn, limit=10_000)
        if args.action == "list":
            for letter in pending:
                print(json.dumps(_summary(letter), default=str))
            return 0
        if args.action == "discard":
            for dead_letter_id in args.ids:
                await runtime.dead_letters.resolve(conn, dead_letter_id, "discarded")
            print(f"{len(args.ids)} dead letter(s) discarded")
            return 0
    ids = args.ids or [letter.id for letter in pending]
    failed = [i for i in ids if not await runtime.processor.replay(i)]
    print(f"replayed {len(ids) - len(failed)} of {len(ids)} dead letter(s)")
    if failed:
        print(f"failed again (see 'dead-letters list'): {failed}", file=sys.stderr)
    return 1 if failed else 0


async def _inbox(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    if args.action == "release":
        first = await runtime.processor.release_parked(args.topic, args.subject)
        print("nothing parked there" if first is None else f"applied from version {first} on")
        return 0 if first is not None else 1
    async with runtime.pool.acquire() as conn:
        for row in await runtime.inbox.parked_streams(conn):
            print(json.dumps(dict(row), default=str))
    return 0


def _summary(letter: Any) -> dict[str, Any]:
    return {
        "id": letter.id,
        "event_id": letter.event_id,
        "event_type": letter.event_type,
        "topic": letter.topic,
        "partition": letter.partition,
        "offset": letter.offset,
        "attempts": letter.attempts,
        "error": letter.error,
        "created_at": letter.created_at,
    }
