"""The local PostgreSQL server (Debian's cluster tools) and per-service databases on it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from servicekit.embedded.probe import LOCALHOST, port_accepts
from servicekit.embedded.process import wait_until

DEFAULT_PORT = 5432
LOCAL_ADMIN_DSN = f"postgresql://postgres@{LOCALHOST}:{DEFAULT_PORT}/postgres"
CLUSTER_CONFIG_ROOT = Path("/etc/postgresql")  # Debian's layout: /etc/postgresql/<version>/<name>
_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _local_clusters() -> list[tuple[str, str]]:
    """(version, name) of every cluster configured on this machine, newest version first."""
    if not CLUSTER_CONFIG_ROOT.is_dir():
        return []
    clusters = [
        (version_dir.name, cluster_dir.name)
        for version_dir in CLUSTER_CONFIG_ROOT.iterdir()
        if version_dir.is_dir()
        for cluster_dir in version_dir.iterdir()
        if (cluster_dir / "postgresql.conf").is_file()
    ]
    return sorted(clusters, key=lambda item: (-_as_number(item[0]), item[1] != "main"))


def _as_number(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 0.0


def ensure_server_running(
    host: str = LOCALHOST, port: int = DEFAULT_PORT, timeout: float = 30.0
) -> None:
    """Return when PostgreSQL accepts connections, starting the local cluster if it is down."""
    if port_accepts(host, port):
        return
    tool = shutil.which("pg_ctlcluster")
    clusters = _local_clusters()
    if tool is None or not clusters:
        raise RuntimeError(
            f"PostgreSQL is not listening on {host}:{port} and no local cluster can be started "
            "(needs Debian's pg_ctlcluster and a cluster under /etc/postgresql)"
        )
    version, name = clusters[0]
    command = [tool, "--skip-systemctl-redirect", version, name, "start"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 and not port_accepts(host, port):
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}"
        )
    if not wait_until(lambda: port_accepts(host, port), timeout=timeout, interval=0.2):
        raise TimeoutError(f"PostgreSQL did not listen on {host}:{port} within {timeout:.0f}s")


def database_dsn(admin_dsn: str, name: str) -> str:
    """The admin DSN pointed at another database on the same server."""
    parts = urlsplit(admin_dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _checked_name(name: str) -> str:
    # Identifiers cannot be bound as parameters, so only plain names are accepted.
    if not _DATABASE_NAME.match(name):
        raise ValueError(f"invalid database name {name!r}: use lower-case letters, digits, _")
    return name


async def ensure_database(admin_dsn: str, name: str) -> str:
    """Create the database if it is missing; return a DSN for it."""
    import asyncpg  # deferred: keeps `import servicekit.embedded` cheap

    _checked_name(name)
    connection = await asyncpg.connect(admin_dsn)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.exceptions.DuplicateDatabaseError:
                pass  # created concurrently by someone else: just as good
            except asyncpg.exceptions.UniqueViolationError:
                pass  # the same race, seen while inserting into pg_database
    finally:
        await connection.close()
    return database_dsn(admin_dsn, name)


async def drop_database(admin_dsn: str, name: str) -> None:
    """Drop the database if it exists, ending its open connections first."""
    import asyncpg

    _checked_name(name)
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
