"""Per-key rate limits: a token bucket per API key id, in each service process.

Each key may make ``RATE_LIMIT_BURST`` requests at once and ``RATE_LIMIT_PER_MINUTE`` a minute
on average; beyond that it is answered 429 (problem+json) with ``Retry-After``, before its body
is read. The key id is found from the bearer token's hash (through authentication's key cache), so a
rotated key starts with a full bucket. Requests without a key, or with an unknown or revoked
one, are not counted here: authentication refuses them (401). Health and metrics are exempt.
Limits are per process: with N replicas a key gets up to N times the rate.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.access.principal import hash_key
from servicekit.http.problems import (
    ProblemError,
    problem_response,
)

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
KeyIdLookup = Callable[[Scope, str], Awaitable[str | None]]


class TooManyRequests(ProblemError):
    status, slug, title = 429, "rate-limited", "Too many requests"


@dataclass
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token: 0.0 when there was one, else the seconds until there is one."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.per_second


class RateLimiter:
    """Buckets by key id; the least recently used are forgotten beyond ``max_keys`` (a
    forgotten key starts again with a full bucket)."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0 or burst <= 0:
            raise ValueError("a rate limit needs a positive rate and burst")
        self.per_minute = per_minute
        self.burst = burst
        self._per_second = per_minute / 60.0
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    def wait_for(self, key_id: str) -> float:
        """0.0 when ``key_id`` may make a request now (and counts it), else seconds to wait."""
        now = self._clock()
        bucket = self._buckets.get(key_id)
        if bucket is None:
            bucket = TokenBucket(self.burst, self._per_second, float(self.burst), now)
            self._buckets[key_id] = bucket
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key_id)
        return bucket.take(now)


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


class RateLimit:
    """ASGI middleware answering 429 to a key over its limit, before anything else runs."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        key_id: KeyIdLookup,
        exempt: Collection[str] = EXEMPT_PATHS,
    ) -> None:
        self._app = app
        self._limiter = limiter
        self._key_id = key_id
        self._exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self._exempt:
            token = bearer_token(scope)
            key_id = await self._lookup(scope, token) if token else None
            if key_id is not None:
                wait = self._limiter.wait_for(key_id)
                if wait > 0:
                    await _refuse(scope, send, wait, self._limiter)
                    return
        await self._app(scope, receive, send)

    async def _lookup(self, scope: Scope, token: str) -> str | None:
        try:
            return await self._key_id(scope, hash_key(token))
        except Exception:  # the database is away: authentication will say so
            return None


async def _refuse(scope: Scope, send: Send, wait: float, limiter: RateLimiter) -> None:
    seconds = max(1, math.ceil(wait))
    error = TooManyRequests(
        f"this API key may make {limiter.per_minute} requests a minute ({limiter.burst} at "
        f"once); retry after {seconds} s"
    )
    headers = {"Retry-After": str(seconds)}
    response = problem_response(error.problem(scope["path"]), headers)
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
