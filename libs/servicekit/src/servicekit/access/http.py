"""Authentication of API calls: ``Authorization: Bearer <API key>`` on every request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servicekit.access.principal import Principal, Role, hash_key
from servicekit.access.store import ApiKeyStore
from servicekit.http.problems import Forbidden, Unauthorized
from servicekit.service import runtime_of

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key issued by the registry: `Authorization: Bearer sws_…`.",
)
# A revoked key stops working within this many seconds in every instance.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Principal | None]] = {}


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send an API key: Authorization: Bearer <key>")
    principal = await _principal(request, hash_key(credentials.credentials))
    if principal is None:
        raise Unauthorized("the API key is unknown or was revoked")
    request.state.principal = principal
    return principal


async def _principal(request: Request, key_hash: str) -> Principal | None:
    now = time.monotonic()
    cached = _cache.get(key_hash)
    if cached is not None and cached[0] > now:
        return cached[1]
    principal = await ApiKeyStore(runtime_of(request).pool).principal_for(key_hash)
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[key_hash] = (now + CACHE_SECONDS, principal)
    return principal


def forget_cached_keys() -> None:
    """Drop cached lookups (after a revocation in this process, and in tests)."""
    _cache.clear()


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only callers with one of ``roles``."""
    allowed = ", ".join(sorted(roles))

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"this needs one of the roles: {allowed}")
        return principal

    return check
