"""When to try a failed delivery again: exponential backoff with jitter, up to a limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay(
        self, attempts: int, random_fraction: float, retry_after: float | None = None
    ) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt.

        Equal jitter: half of the exponential step is fixed, half random, so retries of many
        deliveries that failed together spread out but never come back sooner than half the
        step. A provider's Retry-After is honoured up to ``max_seconds``.
        """
        if not 0.0 <= random_fraction <= 1.0:
            raise ValueError("random_fraction must be within [0, 1]")
        step = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        delay: float = step / 2 + step / 2 * random_fraction
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_seconds))
        return delay
