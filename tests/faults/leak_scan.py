"""Looking for the generated workers' personal data where it must never be: the services' log
files, the reporting service's exports and the analytics stream."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from faults.scale_journey import WorkerTruth


@dataclass(frozen=True)
class Leak:
    where: str
    what: str
    worker: int
    context: str


def identifiers(worker: WorkerTruth, *, with_worker_id: bool) -> dict[str, str]:
    """What names or reaches the person (and, outside the registry, the worker id)."""
    person = worker.person
    found = {
        "iin": person.iin,
        "given name": person.given_name,
        "family name": person.family_name,
        "phone": person.phone,
        "phone digits": person.phone.lstrip("+"),
        "e-mail": person.email,
        "passport": person.passport_number,
    }
    if with_worker_id and worker.id:
        found["worker id"] = worker.id
    return found


def scan_text(
    where: str, text: str, workers: Sequence[WorkerTruth], *, with_worker_id: bool = False
) -> list[Leak]:
    leaks = []
    for worker in workers:
        for what, value in identifiers(worker, with_worker_id=with_worker_id).items():
            if value not in text:  # the quick test first
                continue
            for match in re.finditer(rf"(?<![\w@.+-]){re.escape(value)}(?![\w@-])", text):
                start = max(match.start() - 80, 0)
                context = text[start : match.end() + 80].replace("\n", " ")
                leaks.append(Leak(where, what, worker.number, context))
                break
    return leaks


def scan_files(paths: Iterable[Path], workers: Sequence[WorkerTruth]) -> tuple[list[Leak], int]:
    """Leaks in the files, and how many bytes were read."""
    leaks: list[Leak] = []
    size = 0
    for path in paths:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        size += len(text)
        leaks += scan_text(path.name, text, workers)
    return leaks, size
