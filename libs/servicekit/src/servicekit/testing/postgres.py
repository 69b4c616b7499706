"""Which PostgreSQL the tests use, and throw-away databases on it."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from servicekit.embedded.postgres import (
    LOCAL_ADMIN_DSN,
    drop_database,
    ensure_database,
    ensure_server_running,
)
from servicekit.testing.kafka import docker_available

POSTGRES_IMAGE = "postgres:16-alpine"
_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@contextmanager
def postgres_for_tests() -> Iterator[str]:
    """An admin DSN: a PostgreSQL container when Docker is present, else the local server."""
    if docker_available():
        with postgres_container() as dsn:
            yield dsn
    else:
        ensure_server_running()
        yield LOCAL_ADMIN_DSN


@contextmanager
def postgres_container(image: str | None = None) -> Iterator[str]:
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(
        image or os.environ.get("TEST_POSTGRES_IMAGE", POSTGRES_IMAGE),
        username="postgres",
        password="postgres",
        dbname="postgres",
        driver=None,
    )
    container.start()
    try:
        yield str(container.get_connection_url())
    finally:
        container.stop()


class DatabaseFactory:
    """`await factory(prefix="t")` creates a fresh, empty database and returns its DSN."""

    def __init__(self, admin_dsn: str) -> None:
        self.admin_dsn = admin_dsn
        self.created: list[str] = []

    async def __call__(self, prefix: str = "t") -> str:
        if not _PREFIX.match(prefix):
            raise ValueError(f"prefix {prefix!r}: use lower-case letters, digits and _")
        name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        dsn = await ensure_database(self.admin_dsn, name)
        self.created.append(name)
        return dsn

    async def drop_all(self) -> None:
        while self.created:
            await drop_database(self.admin_dsn, self.created.pop())
