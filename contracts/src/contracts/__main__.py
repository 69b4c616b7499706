"""``python -m contracts generate|check``: keep the committed contract files in step."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.schema_files import (
    GENERATE_COMMAND,
    BreakingChangeError,
    check,
    default_root,
    generate,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root: Path = args.root
    if args.command == "check":
        return _check(root)
    return _generate(root, allow_breaking=args.allow_breaking)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m contracts", description="Generate or check the committed contract files."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write JSON Schemas, catalogue and AsyncAPI files")
    gen.add_argument(
        "--allow-breaking",
        action="store_true",
        help="overwrite published event schemas even with breaking changes",
    )
    commands.add_parser("check", help="exit 1 when committed files differ from the models")
    for sub in commands.choices.values():
        sub.add_argument(
            "--root", type=Path, default=default_root(), help="directory holding schemas/"
        )
    return parser


def _generate(root: Path, *, allow_breaking: bool) -> int:
    try:
        result = generate(root, allow_breaking=allow_breaking)
    except BreakingChangeError as error:
        print(error, file=sys.stderr)
        return 1
    for path in sorted(result.write):
        print(f"wrote {path}")
    for path in result.extra:
        print(f"deleted {path}")
    if not result.write and not result.extra:
        print("contract files are up to date")
    return 0


def _check(root: Path) -> int:
    problems = check(root)
    if not problems:
        print("contract files are up to date")
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(problem.startswith("breaking:") for problem in problems):
        print(
            "a breaking change needs a new event_version (a new class, a new schema file)",
            file=sys.stderr,
        )
    print(f"run `{GENERATE_COMMAND}` (from the repository root) to update them", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
