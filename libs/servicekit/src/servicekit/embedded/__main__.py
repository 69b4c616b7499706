"""`python -m servicekit.embedded run|broker|topics|databases`: the system without Docker."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from servicekit.embedded.services import DEFAULT_BASE_PORT
from servicekit.embedded.stack import DEFAULT_KAFKA_PORT, StackOptions

ENVIRONMENT_HELP = """\
Each service inherits this environment; the launcher then sets DATABASE_URL,
KAFKA_BOOTSTRAP_SERVERS, HTTP_HOST and HTTP_PORT for it, and <SERVICE>_<VAR> sets VAR
for one service only (e.g. REGISTRY_DATABASE_URL, VISA_LOG_LEVEL=DEBUG).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m servicekit.embedded", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="PostgreSQL databases, Tansu, topics and the four services",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_broker_options(run)
    run.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT, help="first API port")
    run.add_argument("--kafka-port", type=int, default=DEFAULT_KAFKA_PORT)
    run.add_argument("--log-dir", type=Path, default=Path(".run/logs"))
    run.add_argument("--ready-timeout", type=float, default=120.0, help="seconds per service")
    broker = commands.add_parser("broker", help="only a Tansu broker, with every topic")
    _add_broker_options(broker)
    broker.add_argument("--port", type=int, default=DEFAULT_KAFKA_PORT)
    broker.add_argument("--log-dir", type=Path, default=Path(".run/logs"))
    commands.add_parser("topics", help="create every topic on KAFKA_BOOTSTRAP_SERVERS")
    commands.add_parser(
        "databases", help="start the local PostgreSQL if down; create the services' databases"
    )
    return parser


def _add_broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--durable", action="store_true", help="keep broker data on disk (local S3 server)"
    )
    parser.add_argument("--data-dir", type=Path, default=Path(".run/data"))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Deferred so that `--help` stays instant.
    from servicekit.embedded import runner

    if args.command == "run":
        options = StackOptions(
            durable=args.durable,
            data_dir=args.data_dir,
            log_dir=args.log_dir,
            base_port=args.base_port,
            kafka_port=args.kafka_port,
            ready_timeout=args.ready_timeout,
        )
        return asyncio.run(runner.run_stack(options))
    if args.command == "broker":
        data_dir, log_dir = args.data_dir.resolve(), args.log_dir.resolve()
        broker = runner.run_broker(args.port, args.durable, data_dir, log_dir)
        return asyncio.run(broker)
    if args.command == "databases":
        return asyncio.run(runner.create_databases())
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{DEFAULT_KAFKA_PORT}")
    return asyncio.run(runner.create_topics(bootstrap))


if __name__ == "__main__":
    sys.exit(main())
