"""The committed contract files: JSON Schemas, the catalogue and the AsyncAPI documents.

``generate`` writes them from the models and refuses to overwrite a published event schema
with a breaking change; ``check`` reports files that are missing, stale, extra or breaking.
Both take the directory that holds ``schemas/`` and ``asyncapi/``, so tests can use a
temporary one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.asyncapi import asyncapi_document
from contracts.catalogue import EVENT_MODELS, Models, catalogue_document, event_schema
from contracts.compat import breaking_changes
from contracts.topics import SERVICES

SCHEMA_DIR = "schemas"
ASYNCAPI_DIR = "asyncapi"
CATALOGUE_FILE = f"{SCHEMA_DIR}/catalogue.json"
GENERATE_COMMAND = "python -m contracts generate"


class BreakingChangeError(Exception):
    """Generating would change a published event version incompatibly."""

    def __init__(self, changes: list[str]) -> None:
        self.changes = changes
        listing = "\n".join(f"  - {change}" for change in changes)
        super().__init__(
            "refusing to overwrite published event schemas with breaking changes:\n"
            f"{listing}\n"
            "Publish a new event_version instead: a new class with the same event_name and "
            "event_version + 1 gets its own schema file, and the old version stays until no "
            "consumer needs it. Pass --allow-breaking only if the version was never released."
        )


@dataclass
class Plan:
    """What generating would do to a directory, and what it would break."""

    write: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    breaking: list[str] = field(default_factory=list)


def default_root() -> Path:
    """The ``contracts/`` directory of a source checkout."""
    return Path(__file__).resolve().parents[2]


def render(document: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files(models: Models = EVENT_MODELS) -> dict[str, str]:
    """Every generated file, as a path relative to the root (``/``-separated) and its text."""
    files = {f"{SCHEMA_DIR}/{m.schema_file_name()}": render(event_schema(m)) for m in models}
    files[CATALOGUE_FILE] = render(catalogue_document(models))
    for service in SERVICES:
        files[f"{ASYNCAPI_DIR}/{service}.json"] = render(asyncapi_document(service, models))
    return files


def plan(root: Path, models: Models = EVENT_MODELS) -> Plan:
    expected = expected_files(models)
    present = _present_files(root)
    result = Plan(extra=sorted(present - expected.keys()))
    for path, text in expected.items():
        target = root / path
        if not target.exists():
            result.missing.append(path)
        elif target.read_text(encoding="utf-8") == text:
            continue
        else:
            result.stale.append(path)
            result.breaking.extend(_breaking(path, target, text))
        result.write[path] = text
    result.breaking.extend(
        f"{_label(path)}: the schema would be deleted, but consumers may still receive it"
        for path in result.extra
        if _is_event_schema(path)
    )
    return result


def generate(root: Path, models: Models = EVENT_MODELS, *, allow_breaking: bool = False) -> Plan:
    """Write every stale or missing file and delete extra ones; raises BreakingChangeError."""
    result = plan(root, models)
    if result.breaking and not allow_breaking:
        raise BreakingChangeError(result.breaking)  # nothing written: all or nothing
    for path, text in result.write.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in result.extra:
        (root / path).unlink()
    return result


def check(root: Path, models: Models = EVENT_MODELS) -> list[str]:
    """Every difference between the committed files and freshly generated ones."""
    result = plan(root, models)
    problems = [f"missing: {path}" for path in result.missing]
    problems += [f"stale: {path}" for path in result.stale]
    problems += [f"extra: {path}" for path in result.extra]
    problems += [f"breaking: {change}" for change in result.breaking]
    return problems


def _present_files(root: Path) -> set[str]:
    found: set[str] = set()
    for directory in (SCHEMA_DIR, ASYNCAPI_DIR):
        if (root / directory).is_dir():
            found.update(f"{directory}/{p.name}" for p in (root / directory).glob("*.json"))
    return found


def _is_event_schema(path: str) -> bool:
    return path.startswith(f"{SCHEMA_DIR}/") and path != CATALOGUE_FILE


def _label(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".json")


def _breaking(path: str, committed: Path, text: str) -> list[str]:
    if not _is_event_schema(path):
        return []
    try:
        old = json.loads(committed.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{_label(path)}: the committed schema is not valid JSON"]
    return [f"{_label(path)}: {change}" for change in breaking_changes(old, json.loads(text))]
