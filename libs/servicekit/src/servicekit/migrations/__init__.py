"""Versioned SQL migrations, applied at start-up and by the ``migrate`` command.

Each component (the kit itself, then the service) has a folder of files named
``NNNN_description.sql``. Applied files are recorded with a checksum; an edited applied file
is an error, because the database would silently differ from what the code expects.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import asyncpg

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant shared by all services: migrations of one database never run concurrently.
_LOCK_KEY = 0x5357_4D49  # "SWMI"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True)
class MigrationSource:
    component: str
    folder: Traversable

    def migrations(self) -> list[Migration]:
        found = []
        for entry in self.folder.iterdir():
            match = _FILE_NAME.match(entry.name)
            if match:
                found.append(
                    Migration(self.component, int(match[1]), match[2], entry.read_text("utf-8"))
                )
        found.sort(key=lambda migration: migration.version)
        versions = [migration.version for migration in found]
        if len(set(versions)) != len(versions):
            raise MigrationError(f"{self.component}: two migrations share a version number")
        return found


def kit_migrations() -> MigrationSource:
    """The kit's own tables (outbox, inbox, dead letters), applied before a service's."""
    return MigrationSource("servicekit", resources.files("servicekit.migrations") / "sql")


async def apply_migrations(conn: asyncpg.Connection, sources: list[MigrationSource]) -> list[str]:
    """Apply every pending migration in order; returns the names applied."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migration (
                   component text NOT NULL,
                   version integer NOT NULL,
                   name text NOT NULL,
                   checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (component, version))"""
        )
        applied: list[str] = []
        for source in sources:
            applied += await _apply_source(conn, source)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def _apply_source(conn: asyncpg.Connection, source: MigrationSource) -> list[str]:
    rows = await conn.fetch(
        "SELECT version, checksum FROM schema_migration WHERE component = $1", source.component
    )
    done = {row["version"]: row["checksum"] for row in rows}
    applied = []
    for migration in source.migrations():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                raise MigrationError(
                    f"{source.component} migration {migration.version} ({migration.name}) was "
                    "edited after it was applied; add a new migration instead"
                )
            continue
        async with conn.transaction():
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migration (component, version, name, checksum)"
                " VALUES ($1, $2, $3, $4)",
                migration.component,
                migration.version,
                migration.name,
                migration.checksum,
            )
        label = f"{migration.component}/{migration.version:04d}_{migration.name}"
        log.info("applied migration %s", label)
        applied.append(label)
    return applied
