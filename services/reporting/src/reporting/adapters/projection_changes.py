"""The projections' change counter (migration 0005): advanced after each commit that changed
them, read by the statistics cache to tell whether a cached figure is still current."""

from __future__ import annotations

from typing import Any


async def mark_changed(conn: Any) -> None:
    """Call after the change is committed: a reader that sees the new value then sees it."""
    await conn.execute("SELECT nextval('projection_changes')")


async def current(conn: Any) -> int:
    value: int = await conn.fetchval("SELECT last_value FROM projection_changes")
    return value
