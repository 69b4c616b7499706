"""``python -m visa rules list|add|check``: the dated visa rules, and the scheduled check, from a
shell (the command line acts as an admin)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from servicekit.service import CliCommand, Runtime
from visa.application.checks import run_checks
from visa.application.rules import add_rule
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.errors import DomainError
from visa.domain.rules import VisaRules


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every dated rule, oldest first")
    add = actions.add_parser("add", help="add a rule from a future date (others carried over)")
    add.add_argument("--effective-from", type=date.fromisoformat, required=True)
    for name in (
        "cos-validity-months", "application-window-months", "max-stay-days", "stay-window-days",
        "minimum-age",
    ):  # fmt: skip
        add.add_argument(f"--{name}", type=int)
    add.add_argument("--application-fee", type=Decimal)
    add.add_argument("--fee-currency")
    add.add_argument("--note")
    check = actions.add_parser("check", help="run the scheduled check once (lapses, notices)")
    check.add_argument("--today", type=date.fromisoformat, default=None)


async def _run(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    if args.action == "check":
        print(await run_checks(runtime, args.today))
        return 0
    uow: VisaUnitOfWork
    async with runtime.unit_of_work("rules-cli") as uow:
        book = await uow.rules.book()
        if args.action == "list":
            for rule in book.rules:
                print(_line(asdict(rule)))
            return 0
        base = asdict(book.in_force(args.effective_from))
        changes = {
            name: getattr(args, name)
            for name in base
            if name != "effective_from" and getattr(args, name, None) is not None
        }
        rule = VisaRules(**(base | changes | {"effective_from": args.effective_from}))
        try:
            await add_rule(uow, rule, args.note)
        except DomainError as error:
            print(f"refused: {error}")
            return 1
    print(f"added: {_line(asdict(rule))}")
    return 0


def _line(values: dict[str, Any]) -> str:
    return " ".join(f"{name}={value}" for name, value in values.items())


RULES_COMMAND = CliCommand(
    name="rules", help="dated visa rules; run the scheduled check", configure=_configure, run=_run
)
