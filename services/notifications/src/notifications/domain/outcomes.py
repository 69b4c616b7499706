"""What one delivery attempt gave, and what happens to the delivery next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from notifications.domain.retry import RetryPolicy
from notifications.domain.values import DeliveryStatus


@dataclass(frozen=True)
class Delivered:
    provider_reference: str | None = None


@dataclass(frozen=True)
class TransientFailure:
    """Worth trying again: a timeout, a refused connection, a 5xx, a 429."""

    error: str
    retry_after: float | None = None


@dataclass(frozen=True)
class PermanentFailure:
    """Trying again would give the same answer: an invalid number, a rejected address."""

    error: str


SendResult = Delivered | TransientFailure | PermanentFailure


@dataclass(frozen=True)
class Transition:
    status: DeliveryStatus
    due_at: datetime | None = None  # the next attempt, while pending
    error: str | None = None


def after_attempt(
    result: SendResult,
    attempts: int,
    policy: RetryPolicy,
    now: datetime,
    random_fraction: float,
) -> Transition:
    """The delivery's next state after its ``attempts``-th attempt gave ``result``."""
    if isinstance(result, Delivered):
        return Transition(DeliveryStatus.DELIVERED)
    if isinstance(result, PermanentFailure):
        return Transition(DeliveryStatus.FAILED, error=result.error)
    if policy.exhausted(attempts):
        return Transition(
            DeliveryStatus.FAILED, error=f"gave up after {attempts} attempts: {result.error}"
        )
    delay = policy.delay(attempts, random_fraction, result.retry_after)
    return Transition(DeliveryStatus.PENDING, now + timedelta(seconds=delay), result.error)
