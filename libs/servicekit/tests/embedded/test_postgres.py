"""Throw-away databases: create_database fixture, ensure_database, drop_database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from servicekit.embedded.postgres import database_dsn, drop_database, ensure_database


async def _database_exists(admin_dsn: str, name: str) -> bool:
    connection = await asyncpg.connect(admin_dsn)
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await connection.close()
    return found is not None


def _name_of(dsn: str) -> str:
    return dsn.rsplit("/", 1)[-1]


async def test_create_database_gives_an_empty_usable_database(
    create_database: Callable[..., Awaitable[str]],
) -> None:
    dsn = await create_database(prefix="empty")
    assert _name_of(dsn).startswith("empty_")

    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        assert tables == 0
        await connection.execute("CREATE TABLE note (id int PRIMARY KEY, text text NOT NULL)")
        await connection.execute("INSERT INTO note VALUES (1, 'hello')")
        assert await connection.fetchval("SELECT text FROM note WHERE id = 1") == "hello"
    finally:
        await connection.close()


async def test_create_database_names_are_unique(
    create_database: Callable[..., Awaitable[str]],
) -> None:
    first, second = await create_database(), await create_database()
    assert first != second


async def test_ensure_database_is_idempotent_and_drop_ends_connections(
    postgres_admin_dsn: str, create_database: Callable[..., Awaitable[str]]
) -> None:
    name = _name_of(await create_database(prefix="twice"))
    again = await ensure_database(postgres_admin_dsn, name)
    assert again == database_dsn(postgres_admin_dsn, name)

    open_connection = await asyncpg.connect(again)
    await drop_database(postgres_admin_dsn, name)
    assert not await _database_exists(postgres_admin_dsn, name)
    assert open_connection.is_closed() or not await _still_usable(open_connection)
    await drop_database(postgres_admin_dsn, name)  # dropping a missing database is fine


async def _still_usable(connection: asyncpg.Connection) -> bool:
    try:
        await connection.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        return False
    finally:
        await connection.close()
    return True


def test_database_dsn_keeps_credentials_and_options() -> None:
    admin = "postgresql://user:secret@db.example:6543/postgres?sslmode=disable"
    assert database_dsn(admin, "visa") == (
        "postgresql://user:secret@db.example:6543/visa?sslmode=disable"
    )


async def test_invalid_names_are_refused(postgres_admin_dsn: str) -> None:
    with pytest.raises(ValueError, match="invalid database name"):
        await ensure_database(postgres_admin_dsn, 'x"; DROP DATABASE postgres; --')
