"""Computed figures kept for reuse until the projections change.

Dashboards and partner systems ask the same few questions again and again, while a figure scans
every journey in the caller's scope. An entry is keyed by the question (the query, its filters,
grouping and the caller's scope: one caller's figures are never another's) and stamped with the
projections' change counter read before computing it; it is served only while the counter still
has that value. The counter is advanced after each commit, so an answer is never older than the
last change committed before the request began. An entry also expires after ``max_age``, a bound
for the one case the counter misses: a process that died between its commit and the advance.
Concurrent requests for the same missing entry share one computation.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from reporting.adapters import projection_changes
from reporting.application.datasets import Filters, Scope

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class _Entry:
    version: int
    stored_at: float
    rows: Rows


class FigureCache:
    def __init__(
        self,
        *,
        max_entries: int,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._computing: dict[tuple[Hashable, int], asyncio.Future[Rows]] = {}

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def __len__(self) -> int:
        return len(self._entries)

    async def rows(
        self, key: Hashable, version: int, compute: Callable[[], Awaitable[Rows]]
    ) -> Rows:
        """The rows for ``key`` at ``version``: kept ones if still current, else computed."""
        if not self.enabled:
            return await compute()
        entry = self._entries.get(key)
        if entry is not None and self._current(entry, version):
            self._entries.move_to_end(key)
            return entry.rows
        shared = self._computing.get((key, version))
        if shared is None:
            return await self._compute(key, version, compute)
        try:
            return await asyncio.shield(shared)
        except asyncio.CancelledError:
            if _being_cancelled() or not shared.cancelled():
                raise
            # the request computing it went away, not this one: compute it here
            return await self.rows(key, version, compute)

    def _current(self, entry: _Entry, version: int) -> bool:
        return entry.version == version and self._clock() - entry.stored_at < self.max_age

    async def _compute(
        self, key: Hashable, version: int, compute: Callable[[], Awaitable[Rows]]
    ) -> Rows:
        future: asyncio.Future[Rows] = asyncio.get_running_loop().create_future()
        self._computing[key, version] = future
        try:
            rows = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as error:
            # the waiters get the error too; nothing is kept, the next request computes again
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._computing[key, version]
        future.set_result(rows)
        self._store(key, _Entry(version, self._clock(), rows))
        return rows

    def _store(self, key: Hashable, entry: _Entry) -> None:
        kept = self._entries.get(key)
        if kept is not None and kept.version > entry.version:
            return  # a newer answer got there first
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


Query = Callable[[Any, Filters, Scope, Sequence[str]], Awaitable[Rows]]


class FigureReader:
    """Answers figures through the cache, all at the change counter read when it was opened:
    the figures of one page or response are of the same state."""

    def __init__(self, cache: FigureCache, conn: Any, version: int) -> None:
        self._cache = cache
        self._conn = conn
        self._version = version

    @classmethod
    async def open(cls, cache: FigureCache, conn: Any) -> FigureReader:
        version = await projection_changes.current(conn) if cache.enabled else 0
        return cls(cache, conn, version)

    async def __call__(
        self, query: Query, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
    ) -> Rows:
        key = (query.__name__, filters, scope, tuple(group_by))
        return await self._cache.rows(
            key, self._version, lambda: query(self._conn, filters, scope, group_by)
        )
