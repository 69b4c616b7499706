"""API keys in the service's database (the issuing registry's, or a replica)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

import asyncpg

from servicekit.access.principal import Principal, Role


class ApiKeyStore:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def add(
        self, *, key_id: uuid.UUID, organisation_id: uuid.UUID, role: Role, key_hash: str
    ) -> None:
        """Idempotent: a replayed ApiKeyIssued event changes nothing."""
        await self._conn.execute(
            "INSERT INTO api_key (key_id, organisation_id, role, key_hash)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING",
            key_id,
            organisation_id,
            role.value,
            key_hash,
        )

    async def revoke(self, key_id: uuid.UUID, at: datetime) -> bool:
        status = await self._conn.execute(
            "UPDATE api_key SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
            key_id,
            at,
        )
        return str(status).endswith(" 1")

    async def principal_for(self, key_hash: str) -> Principal | None:
        row = await self._conn.fetchrow(
            "SELECT key_id, organisation_id, role FROM api_key"
            " WHERE key_hash = $1 AND revoked_at IS NULL",
            key_hash,
        )
        if row is None:
            return None
        return Principal(row["key_id"], row["organisation_id"], Role(row["role"]))

    async def owner_of(self, key_id: uuid.UUID) -> uuid.UUID | None:
        """The organisation of an active key."""
        owner: uuid.UUID | None = await self._conn.fetchval(
            "SELECT organisation_id FROM api_key WHERE key_id = $1 AND revoked_at IS NULL", key_id
        )
        return owner

    async def keys_of(self, organisation_id: uuid.UUID) -> list[asyncpg.Record]:
        rows = await self._conn.fetch(
            "SELECT key_id, role, created_at, revoked_at FROM api_key"
            " WHERE organisation_id = $1 ORDER BY created_at",
            organisation_id,
        )
        return list(rows)


# A revoked key stops working within this many seconds in every instance.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Principal | None]] = {}


async def cached_principal(pool: asyncpg.Pool, key_hash: str) -> Principal | None:
    """The active key's principal, remembered for CACHE_SECONDS: authentication and the rate
    limit look a key up once per few seconds, not per request."""
    now = time.monotonic()
    cached = _cache.get(key_hash)
    if cached is not None and cached[0] > now:
        return cached[1]
    principal = await ApiKeyStore(pool).principal_for(key_hash)
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[key_hash] = (now + CACHE_SECONDS, principal)
    return principal


def forget_cached_keys() -> None:
    """Drop cached lookups (after a revocation in this process, and in tests)."""
    _cache.clear()
