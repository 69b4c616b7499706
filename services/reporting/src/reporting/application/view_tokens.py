"""Short-lived view tokens for the dashboard page.

A browser cannot send an API key when it follows a link, so an authenticated API call
(``POST /v1/dashboard/links``) hands out a token that names the caller's key, organisation and
role and expires within minutes, signed with HMAC-SHA-256. The page accepts only a token whose
signature holds, that has not expired, and whose key is still active (a revoked key's tokens
stop working at once).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from servicekit.access import Principal, Role


class InvalidToken(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ViewTokens:
    def __init__(self, key: bytes, lifetime: timedelta) -> None:
        self._key = key
        self.lifetime = lifetime

    def issue(self, principal: Principal, now: datetime | None = None) -> tuple[str, datetime]:
        expires = (now or datetime.now(UTC)) + self.lifetime
        claims = {
            "k": str(principal.key_id),
            "o": str(principal.organisation_id),
            "r": principal.role.value,
            "e": int(expires.timestamp()),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}", expires

    def verify(self, token: str, now: datetime | None = None) -> Principal:
        """The principal the token was issued to; InvalidToken when forged or expired."""
        body, _, signature = token.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            raise InvalidToken("the view token is not valid")
        try:
            claims = json.loads(_unb64(body))
            principal = Principal(UUID(claims["k"]), UUID(claims["o"]), Role(claims["r"]))
            expires = int(claims["e"])
        except (binascii.Error, ValueError, KeyError, TypeError) as error:
            raise InvalidToken("the view token is not valid") from error
        if (now or datetime.now(UTC)).timestamp() >= expires:
            raise InvalidToken("the view token has expired: ask for a new link")
        return principal

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def token_key(pseudonym_key: str, dashboard_token_key: str | None) -> bytes:
    """The signing key: its own setting, or one derived from the pseudonym key."""
    if dashboard_token_key:
        return dashboard_token_key.encode()
    return hmac.new(pseudonym_key.encode(), b"dashboard view tokens", hashlib.sha256).digest()
