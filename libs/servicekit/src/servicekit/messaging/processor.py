"""Applying received events: inbox, retries with backoff, dead letters, parked successors."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from contracts.envelope import CloudEvent, MalformedEventError, from_kafka, to_kafka_headers
from servicekit.inbox import Inbox, Outcome
from servicekit.messaging.dead_letters import DeadLetterStore
from servicekit.messaging.records import ReceivedRecord
from servicekit.messaging.router import EventRouter
from servicekit.telemetry import metrics
from servicekit.telemetry.propagation import context_from_headers
from servicekit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)

U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T", Outcome, Outcome | None)

# Failures of the infrastructure, not of the event: retried until they pass, never dead-lettered,
# so that a database outage pauses consumption instead of discarding events.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.AdminShutdownError,
)


@dataclass(frozen=True)
class ConsumerConfig:
    service: str
    max_attempts: int = 5
    retry_backoff: float = 0.2
    max_infrastructure_backoff: float = 30.0


class EventProcessor(Generic[U]):
    def __init__(
        self,
        *,
        config: ConsumerConfig,
        router: EventRouter[U],
        unit_of_work: Callable[[str | None], U],
        inbox: Inbox,
        dead_letters: DeadLetterStore,
    ) -> None:
        self.config = config
        self.router = router
        self._unit_of_work = unit_of_work
        self._inbox = inbox
        self._dead_letters = dead_letters

    async def process(self, record: ReceivedRecord) -> Outcome:
        """Apply one record at most once; returns what happened to it. Never raises for a bad
        event (it is dead-lettered); waits out infrastructure failures."""
        started = time.perf_counter()
        with self._span(record) as span:
            outcome = await self._process(record)
            span.set_attribute("sws.inbox.outcome", outcome.value)
        self._count(record.topic, outcome, time.perf_counter() - started)
        return outcome

    async def process_batch(self, records: Sequence[ReceivedRecord]) -> list[Outcome]:
        """Apply a fetched batch (each partition's records in offset order) in one transaction.

        When any record of the batch is malformed or fails, the transaction is rolled back and
        every record goes through ``process`` on its own, with its retries and dead letters:
        the fast path never decides an event's fate by itself."""
        started = time.perf_counter()
        try:
            events = [from_kafka(r.key, r.value, r.headers) for r in records]
        except MalformedEventError:
            return [await self.process(record) for record in records]
        try:
            outcomes, blocked = await self._apply_together(records, events)
        except Exception as error:  # any failure at all takes the careful path
            log.info("batch of %d failed (%r); applying one by one", len(records), error)
            return [await self.process(record) for record in records]
        for topic, subject in blocked:
            await self._drain_parked(topic, subject)
        share = (time.perf_counter() - started) / len(records)
        for record, outcome in zip(records, outcomes, strict=True):
            self._count(record.topic, outcome, share)
        return outcomes

    async def _apply_together(
        self, records: Sequence[ReceivedRecord], events: Sequence[CloudEvent]
    ) -> tuple[list[Outcome], list[tuple[str, str]]]:
        """Admit and apply ``events`` in one transaction: (outcomes, streams to drain). The
        inbox admits the whole batch in one statement and advances its streams in another."""
        outcomes: list[Outcome] = []
        applied: list[tuple[CloudEvent, str]] = []
        async with self._unit_of_work(None) as uow:
            arrivals = [
                (event, record.topic) for record, event in zip(records, events, strict=True)
            ]
            admissions = await self._inbox.admit_batch(uow.conn, arrivals)
            for record, event, admission in zip(records, events, admissions, strict=True):
                with self._span(record) as span:
                    if admission.apply:
                        uow.correlation_id = event.correlationid
                        await self.router.dispatch(uow, event)
                        applied.append((event, record.topic))
                    span.set_attribute("sws.inbox.outcome", admission.outcome.value)
                outcomes.append(admission.outcome)
            blocked = await self._inbox.advance_batch(uow.conn, applied)
        return outcomes, blocked

    def _span(self, record: ReceivedRecord) -> Any:
        return _tracer.start_as_current_span(
            f"{record.topic} process",
            context=context_from_headers(record.text_headers()),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.config.service,
                "sws.service": self.config.service,
            },
        )

    def _count(self, topic: str, outcome: Outcome, seconds: float) -> None:
        metrics.EVENTS_CONSUMED.labels(self.config.service, topic, outcome.value).inc()
        metrics.EVENT_HANDLING_SECONDS.labels(self.config.service, topic).observe(seconds)

    async def _process(self, record: ReceivedRecord) -> Outcome:
        try:
            event = from_kafka(record.key, record.value, record.headers)
        except MalformedEventError as error:
            log.error("malformed record on %s: %s", record.topic, error)
            await self._dead_letter(record, None, error, attempts=1)
            return Outcome.DEAD_LETTERED
        parked = False

        async def apply() -> Outcome:
            nonlocal parked
            async with self._unit_of_work(event.correlationid) as uow:
                outcome, parked = await self._admit_and_apply(uow, event, record.topic)
            return outcome

        outcome = await self._with_retries(apply, lambda: (record, event))
        # a dead letter releases the version it held: its successors may now follow
        drain = parked or outcome is Outcome.DEAD_LETTERED
        if drain and event.subject is not None:
            await self._drain_parked(record.topic, event.subject)
        return outcome

    async def _admit_and_apply(self, uow: U, event: CloudEvent, topic: str) -> tuple[Outcome, bool]:
        """(what happened, whether successors of the event are parked), in ``uow``."""
        admission = await self._inbox.admit(uow.conn, event, topic)
        if not admission.apply:
            return admission.outcome, False
        await self.router.dispatch(uow, event)
        parked = await self._inbox.advance_and_check_parked(uow.conn, event, topic)
        return Outcome.APPLIED, parked

    async def _drain_parked(self, topic: str, subject: str) -> None:
        """Apply, in version order, the parked events that the stream has now caught up with."""
        taken: list[CloudEvent] = []

        async def apply_next() -> Outcome | None:
            taken.clear()
            async with self._unit_of_work(None) as uow:
                parked = await self._inbox.take_next_parked(uow.conn, topic, subject)
                if parked is None:
                    return None
                taken.append(parked.event)
                uow.correlation_id = parked.event.correlationid
                await self.router.dispatch(uow, parked.event)
                await self._inbox.complete(uow.conn, parked.event, topic, Outcome.APPLIED)
            return Outcome.APPLIED

        def failing() -> tuple[ReceivedRecord, CloudEvent]:
            return _record_of(taken[0], topic), taken[0]

        while await self._with_retries(apply_next, failing) is not None:
            metrics.EVENTS_CONSUMED.labels(self.config.service, topic, "unparked").inc()

    async def _with_retries(
        self,
        attempt: Callable[[], Awaitable[T]],
        failing: Callable[[], tuple[ReceivedRecord, CloudEvent]],
    ) -> T | Outcome:
        """Run ``attempt`` until it succeeds; after ``max_attempts`` failures of the event's
        own making, dead-letter what ``failing`` names. Infrastructure failures do not count."""
        attempts = 0
        infrastructure_failures = 0
        while True:
            try:
                return await attempt()
            except INFRASTRUCTURE_ERRORS as error:
                infrastructure_failures += 1
                delay = self._backoff(
                    infrastructure_failures, self.config.max_infrastructure_backoff
                )
                log.warning("infrastructure failure, retrying in %.1fs: %r", delay, error)
                await asyncio.sleep(delay)
            except Exception as error:
                attempts += 1
                if attempts < self.config.max_attempts:
                    await asyncio.sleep(self.config.retry_backoff * 2 ** (attempts - 1))
                    continue
                record, event = failing()
                log.error(
                    "giving up on %s %s after %d attempts: %r",
                    event.type,
                    event.id,
                    attempts,
                    error,
                )
                await self._dead_letter(record, event, error, attempts)
                return Outcome.DEAD_LETTERED

    async def _dead_letter(
        self,
        record: ReceivedRecord,
        event: CloudEvent | None,
        error: BaseException,
        attempts: int,
    ) -> None:
        failures = 0
        while True:
            try:
                async with self._unit_of_work(None) as uow:
                    await self._dead_letters.add(uow.conn, record, event, error, attempts)
                metrics.DEAD_LETTERS.labels(self.config.service).inc()
                return
            except INFRASTRUCTURE_ERRORS as infrastructure_error:
                failures += 1
                log.warning("cannot store dead letter yet: %r", infrastructure_error)
                await asyncio.sleep(self._backoff(failures, self.config.max_infrastructure_backoff))

    async def release_parked(self, topic: str, subject: str) -> int | None:
        """Stop waiting for a missing version of (topic, subject): apply its parked events in
        order from the first one. Returns the first version applied (None: nothing parked)."""
        async with self._unit_of_work(None) as uow:
            first = await self._inbox.skip_gap(uow.conn, topic, subject)
        if first is not None:
            await self._drain_parked(topic, subject)
        return first

    async def replay(self, dead_letter_id: int) -> bool:
        """Apply a dead letter again (ignoring version order: it was skipped on purpose);
        returns True when it applied, False when it failed again (the error is kept)."""
        async with self._unit_of_work(None) as uow:
            dead_letter = await self._dead_letters.get(uow.conn, dead_letter_id)
        if dead_letter is None or dead_letter.status != "pending":
            raise LookupError(f"no pending dead letter {dead_letter_id}")
        record = dead_letter.record
        try:
            event = from_kafka(record.key, record.value, record.headers)
            async with self._unit_of_work(event.correlationid) as uow:
                await self.router.dispatch(uow, event)
                await self._inbox.record_dead_letter(uow.conn, event, record.topic)
                await self._inbox.complete(uow.conn, event, record.topic, Outcome.REPLAYED)
                await self._dead_letters.resolve(uow.conn, dead_letter_id, "replayed")
        except INFRASTRUCTURE_ERRORS:
            raise
        except Exception as error:
            async with self._unit_of_work(None) as uow:
                await self._dead_letters.record_failure(uow.conn, dead_letter_id, error)
            return False
        return True

    @staticmethod
    def _backoff(failures: int, ceiling: float) -> float:
        upper = min(ceiling, 0.1 * 2**failures)
        return random.uniform(upper / 2, upper)


def _record_of(event: CloudEvent, topic: str) -> ReceivedRecord:
    key = event.partitionkey.encode() if event.partitionkey is not None else None
    headers = tuple((name, value.encode()) for name, value in to_kafka_headers(event).items())
    return ReceivedRecord(topic, key, event.data, headers)
