"""The asyncpg pool, created in the lifespan, never at import time."""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from servicekit.settings import ServiceSettings

log = logging.getLogger(__name__)

Pool = asyncpg.Pool
Connection = asyncpg.Connection


async def create_pool(settings: ServiceSettings, *, wait_seconds: float = 30.0) -> asyncpg.Pool:
    """Create the pool, waiting for the database to accept connections (it may start after us)."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        try:
            pool: asyncpg.Pool = await asyncpg.create_pool(
                settings.database_url,
                min_size=settings.database_pool_min,
                max_size=settings.database_pool_max,
                command_timeout=60,
                # JIT compilation pays off for hour-long analytics, not for these statements:
                # on the reporting figures it added about 0.45 s to every query.
                server_settings={"jit": "off"},
            )
            return pool
        except (OSError, asyncpg.CannotConnectNowError, asyncpg.PostgresConnectionError) as error:
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning("database not reachable yet: %s", error)
            await asyncio.sleep(0.5)


async def database_ready(pool: asyncpg.Pool, timeout: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout):
            return bool(await pool.fetchval("SELECT 1") == 1)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
