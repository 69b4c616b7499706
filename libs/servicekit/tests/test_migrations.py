"""Versioned migrations on the real database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from servicekit.migrations import MigrationError, MigrationSource, apply_migrations


async def test_pending_migrations_apply_in_order_and_an_edited_one_is_refused(
    create_database: Callable[..., Awaitable[str]], tmp_path: Path
) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE first (id int);")
    (tmp_path / "0002_second.sql").write_text("CREATE TABLE second (id int);")
    source = MigrationSource("demo", tmp_path)
    conn = await asyncpg.connect(await create_database(prefix="migrations"))
    try:
        assert await apply_migrations(conn, [source]) == ["demo/0001_first", "demo/0002_second"]
        assert await apply_migrations(conn, [source]) == []

        (tmp_path / "0001_first.sql").write_text("CREATE TABLE first (id bigint);")
        with pytest.raises(MigrationError, match="edited after it was applied"):
            await apply_migrations(conn, [source])
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_behind(
    create_database: Callable[..., Awaitable[str]], tmp_path: Path
) -> None:
    (tmp_path / "0001_broken.sql").write_text("CREATE TABLE half (id int); SELECT nonsense;")
    conn = await asyncpg.connect(await create_database(prefix="migrations"))
    try:
        with pytest.raises(asyncpg.PostgresError):
            await apply_migrations(conn, [MigrationSource("demo", tmp_path)])
        assert await conn.fetchval("SELECT to_regclass('half')") is None
        assert await conn.fetchval("SELECT count(*) FROM schema_migration") == 0
    finally:
        await conn.close()
