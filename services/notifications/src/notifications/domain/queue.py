"""Which of the due deliveries to start now: fair between endpoints, within their limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def fair_share(
    candidates: Sequence[tuple[T, str]],
    free: int,
    room_of: Callable[[str], int],
) -> list[T]:
    """Up to ``free`` items, taken round-robin across endpoints (in the candidates' order
    within each), at most ``room_of(endpoint)`` per endpoint: one endpoint's backlog cannot
    take the places of the others'."""
    queues: dict[str, list[T]] = {}
    for item, key in candidates:
        queues.setdefault(key, []).append(item)
    room = {key: max(0, room_of(key)) for key in queues}
    chosen: list[T] = []
    while len(chosen) < free:
        progressed = False
        for key, queue in queues.items():
            if len(chosen) >= free:
                break
            if queue and room[key] > 0:
                chosen.append(queue.pop(0))
                room[key] -= 1
                progressed = True
        if not progressed:
            break
    return chosen
