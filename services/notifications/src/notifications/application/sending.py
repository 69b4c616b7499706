"""The delivery sender: takes due deliveries from the queue and sends them.

Safe with several instances: due rows are claimed with ``FOR UPDATE SKIP LOCKED`` and leased
(``lease_until``, ``lease_token``) before the transaction ends, so no two instances send one
delivery at once, and a crashed instance's leases simply expire. The result is recorded under
the same lease, with the attempt, the circuit's state and the outcome event (through the
outbox) in one transaction.

Fairness: each claim takes at most a few rows per endpoint, round-robin; an endpoint has a
bounded number of sends in flight (webhook endpoints fewer than the SMS provider or the mail
server), every send has a timeout, and an endpoint whose circuit is open is not claimed at
all until it closes. A dead or slow partner therefore holds only its own deliveries back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections import Counter as Tally
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from notifications.adapters.deliveries import Attempt
from notifications.application.channels import MessageChannel
from notifications.application.integration import publish_delivered, publish_failed
from notifications.application.preparation import Prepared, Preparer, Ready
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.circuit import CircuitPolicy
from notifications.domain.delivery import Delivery
from notifications.domain.masking import mask_text
from notifications.domain.outcomes import (
    Delivered,
    PermanentFailure,
    SendResult,
    TransientFailure,
    after_attempt,
)
from notifications.domain.preferences import Defer, Skip, Unreachable
from notifications.domain.queue import fair_share
from notifications.domain.retry import RetryPolicy
from notifications.domain.values import Channel, DeliveryStatus, Language

log = logging.getLogger(__name__)

DELIVERY_OUTCOMES = Counter(
    "notification_deliveries_total",
    "Delivery attempts and decisions, by channel and outcome",
    ["channel", "outcome"],  # delivered, failed, retried, skipped, deferred
)


@dataclass(frozen=True)
class SenderLimits:
    batch_size: int
    concurrency: int
    per_endpoint: int  # webhook endpoints
    per_provider: int  # the SMS provider, the mail server
    lease: timedelta
    poll_interval: float


class DeliverySender:
    def __init__(
        self,
        *,
        unit_of_work: Callable[[], NotificationsUnitOfWork],
        channels: Mapping[Channel, MessageChannel],
        preparer: Preparer,
        retry: RetryPolicy,
        circuit: CircuitPolicy,
        limits: SenderLimits,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._unit_of_work = unit_of_work
        self.channels = dict(channels)
        self._preparer = preparer
        self._retry = retry
        self._circuit = circuit
        self.limits = limits
        self._clock = clock
        self._jitter = jitter
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight: Tally[str] = Tally()
        self._wake = asyncio.Event()

    def room_of(self, key: str) -> int:
        limit = self.limits.per_endpoint if key.startswith("webhook:") else self.limits.per_provider
        return limit - self._in_flight[key]

    async def run(self) -> None:
        """Send due deliveries until cancelled; in-flight sends get a moment to finish."""
        try:
            while True:
                try:
                    started = await self.claim()
                except Exception:  # the database may be away: try again after a pause
                    log.exception("claiming deliveries failed")
                    started = 0
                if started == 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.limits.poll_interval)
        finally:
            await self.stop()

    async def drain(self, timeout: float = 60.0) -> None:
        """Send everything due now and wait for it (tests and one-off runs)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = await self.claim()
            if started == 0 and not self._tasks:
                return
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()),
                                   return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        raise TimeoutError("deliveries still due or in flight")

    async def stop(self, grace: float = 5.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for task in set(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def claim(self) -> int:
        """Lease due deliveries within the free places and start sending them."""
        free = min(self.limits.concurrency - len(self._tasks), self.limits.batch_size)
        if free <= 0 or not self.channels:
            return 0
        busy = [key for key in self._in_flight if self.room_of(key) <= 0]
        now = self._clock()
        token = uuid.uuid4()
        async with self._unit_of_work() as uow:
            candidates = await uow.deliveries.claim(
                now=now, channels=list(self.channels), busy_keys=busy,
                per_key=max(self.limits.per_endpoint, self.limits.per_provider),
            )  # fmt: skip
            chosen = fair_share(candidates, free, self.room_of)
            leased = await uow.deliveries.lease(chosen, token, now + self.limits.lease)
        for delivery in leased:
            self._start(delivery)
        return len(leased)

    def _start(self, delivery: Delivery) -> None:
        key = delivery.circuit_key
        self._in_flight[key] += 1
        task = asyncio.create_task(self._process(delivery), name=f"delivery {delivery.id}")
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            self._in_flight[key] -= 1
            if self._in_flight[key] <= 0:
                del self._in_flight[key]
            self._wake.set()

        task.add_done_callback(done)

    async def _process(self, delivery: Delivery) -> None:
        try:
            async with self._unit_of_work() as uow:
                prepared = await self._preparer.prepare(uow, delivery, self._clock())
            await self._act(delivery, prepared)
        except asyncio.CancelledError:
            raise
        except Exception:  # the lease expires and another round tries again
            log.exception("delivery %s could not be processed", delivery.id)

    async def _act(self, delivery: Delivery, prepared: Prepared) -> None:
        if isinstance(prepared, Skip):
            await self._set_aside(delivery, DeliveryStatus.SKIPPED, prepared.reason, None)
        elif isinstance(prepared, Defer):
            await self._set_aside(delivery, DeliveryStatus.PENDING, prepared.reason,
                                  prepared.until)  # fmt: skip
        elif isinstance(prepared, Unreachable):
            await self._record(delivery, TransientFailure(prepared.reason), 0, None, None)
        elif isinstance(prepared, PermanentFailure):
            await self._record(delivery, prepared, 0, None, None)
        else:
            result, duration = await self._send(delivery.channel, prepared)
            await self._record(delivery, result, duration, prepared, prepared.message.language)

    async def _send(self, channel: Channel, ready: Ready) -> tuple[SendResult, int]:
        started = time.perf_counter()
        try:
            result = await self.channels[channel].send(ready.message)
        except Exception as error:  # an adapter should not raise; if it does, retry later
            log.exception("the channel failed on delivery %s", ready.message.delivery_id)
            result = TransientFailure(mask_text(f"{type(error).__name__}: {error}"))
        return result, int((time.perf_counter() - started) * 1000)

    async def _set_aside(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        reason: str,
        until: datetime | None,
    ) -> None:
        """Skip the delivery, or put it off until ``until``, without counting an attempt."""
        async with self._unit_of_work() as uow:
            current = await uow.deliveries.leased(delivery.id, _token(delivery))
            if current is None:
                return
            await uow.deliveries.update(current, status=status, now=self._clock(),
                                        due_at=until, reason=reason)  # fmt: skip
        outcome = "skipped" if status is DeliveryStatus.SKIPPED else "deferred"
        DELIVERY_OUTCOMES.labels(delivery.channel.value, outcome).inc()
        log.info("delivery %s (%s, %s) %s: %s", delivery.id, delivery.template,
                 delivery.channel.value, outcome, reason)  # fmt: skip

    async def _record(
        self,
        delivery: Delivery,
        result: SendResult,
        duration_ms: int,
        ready: Ready | None,
        language: Language | None,
    ) -> None:
        now = self._clock()
        async with self._unit_of_work() as uow:
            current = await uow.deliveries.leased(delivery.id, _token(delivery))
            if current is None:
                log.warning("delivery %s: lease lost before the result was recorded", delivery.id)
                return
            attempts = current.attempts + 1
            step = after_attempt(result, attempts, self._retry, now, self._jitter())
            await uow.deliveries.add_attempt(delivery.id, Attempt(
                attempts, now, _outcome_name(result), _error_of(result), duration_ms))  # fmt: skip
            await uow.deliveries.update(
                current, status=step.status, now=now, due_at=step.due_at, reason=step.error,
                attempts=attempts, language=language,
                address_masked=ready.address_masked if ready else None,
                provider_reference=result.provider_reference
                if isinstance(result, Delivered) else None,
            )  # fmt: skip
            if ready is not None:
                await self._update_circuit(uow, delivery.circuit_key, result, now)
            recorded = current if language is None else _in_language(current, language)
            if step.status is DeliveryStatus.DELIVERED:
                await publish_delivered(uow, recorded, attempts, now)
            elif step.status is DeliveryStatus.FAILED:
                await publish_failed(uow, recorded, attempts, now, step.error or "failed")
        outcome = {DeliveryStatus.DELIVERED: "delivered",
                   DeliveryStatus.FAILED: "failed"}.get(step.status, "retried")  # fmt: skip
        DELIVERY_OUTCOMES.labels(delivery.channel.value, outcome).inc()
        log.info("delivery %s (%s, %s, attempt %d) %s%s", delivery.id, delivery.template,
                 delivery.channel.value, attempts, outcome,
                 f": {step.error}" if step.error else "")  # fmt: skip

    async def _update_circuit(
        self, uow: NotificationsUnitOfWork, key: str, result: SendResult, now: datetime
    ) -> None:
        state = await uow.circuits.locked(key, now)
        if isinstance(result, TransientFailure):
            changed = self._circuit.after_failure(state, now)
            if changed.is_open(now) and not state.is_open(now):
                log.warning("circuit %s opened until %s after %d failures", key,
                            changed.open_until, changed.consecutive_failures)  # fmt: skip
            await uow.circuits.save(key, changed, now, result.error)
        elif state.consecutive_failures or state.open_until:
            await uow.circuits.save(key, self._circuit.after_success(), now, None)


def _token(delivery: Delivery) -> uuid.UUID:
    if delivery.lease_token is None:
        raise ValueError(f"delivery {delivery.id} is not leased")
    return delivery.lease_token


def _in_language(delivery: Delivery, language: Language) -> Delivery:
    return replace(delivery, language=language)


def _outcome_name(result: SendResult) -> str:
    if isinstance(result, Delivered):
        return "delivered"
    return "permanent_failure" if isinstance(result, PermanentFailure) else "transient_failure"


def _error_of(result: SendResult) -> str | None:
    return None if isinstance(result, Delivered) else result.error
