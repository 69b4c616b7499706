"""Authentication of API calls: ``Authorization: Bearer <API key>`` on every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servicekit.access.principal import Principal, Role, hash_key
from servicekit.access.store import cached_principal, forget_cached_keys
from servicekit.http.problems import Forbidden, Unauthorized
from servicekit.service import runtime_of

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key issued by the registry: `Authorization: Bearer sws_…`.",
)
__all__ = ["CurrentPrincipal", "authenticate", "forget_cached_keys", "require_role"]


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send an API key: Authorization: Bearer <key>")
    principal = await cached_principal(runtime_of(request).pool, hash_key(credentials.credentials))
    if principal is None:
        raise Unauthorized("the API key is unknown or was revoked")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only callers with one of ``roles``."""
    allowed = ", ".join(sorted(roles))

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"this needs one of the roles: {allowed}")
        return principal

    return check
