"""The reporting service's own commands (beside the kit's serve, migrate, outbox, dead-letters)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reporting.application.rebuild import rebuild
from servicekit.service import CliCommand, Runtime


def _configure_rebuild(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Empty the read models and the reporting consumer's inbox state, replay every consumed "
        "topic from its beginning (progress on stderr), then publish the journey snapshots "
        "that changed. The figures afterwards are those the events give."
    )


async def _rebuild(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    report = await rebuild(runtime, progress=sys.stderr)
    print(report.summary())
    return 0


REBUILD = CliCommand(
    name="rebuild",
    help="rebuild the read models by replaying the topics from the beginning",
    configure=_configure_rebuild,
    run=_rebuild,
)
