"""A circuit breaker per endpoint: after repeated failures the endpoint is left alone for a
while, so that its queue does not take the sender's time from everyone else's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CircuitState:
    consecutive_failures: int = 0
    open_until: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.open_until is not None and self.open_until > now


@dataclass(frozen=True)
class CircuitPolicy:
    failure_threshold: int
    open_for: timedelta

    def after_success(self) -> CircuitState:
        return CircuitState()

    def after_failure(self, state: CircuitState, now: datetime) -> CircuitState:
        """One more failure; at the threshold (and on each failure beyond it, i.e. a failed
        trial once the pause is over) the circuit opens for ``open_for``."""
        failures = state.consecutive_failures + 1
        if failures < self.failure_threshold:
            return CircuitState(failures, state.open_until)
        return CircuitState(failures, now + self.open_for)
