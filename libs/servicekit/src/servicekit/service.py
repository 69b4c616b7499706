"""A service's definition, its runtime (built in the lifespan) and the app factory.

A service's bootstrap describes itself with a ServiceDefinition; ``create_app`` gives the
FastAPI application whose lifespan creates the pool, applies migrations, creates topics,
starts the Kafka broker (subscriber + relay publisher), the outbox relay and the service's
background jobs, and stops them in reverse order on shutdown (SIGTERM via uvicorn).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from faststream.kafka import KafkaBroker

from contracts.topics import (
    dead_letter_topic,
    topic_named,
    topics_consumed_by,
    topics_produced_by,
)
from servicekit import kafka_admin
from servicekit.access.principal import Principal
from servicekit.access.store import cached_principal
from servicekit.db import create_pool, database_ready
from servicekit.http import idempotency
from servicekit.http.correlation import install_correlation_id
from servicekit.http.limits import BodyLimit
from servicekit.http.observability import install_request_metrics, observability_router
from servicekit.http.openapi import serve_problem_document
from servicekit.http.problems import install_problem_handlers
from servicekit.http.rate_limit import RateLimit, RateLimiter
from servicekit.inbox import Inbox
from servicekit.messaging import (
    ConsumerConfig,
    DeadLetterStore,
    EventProcessor,
    EventRouter,
    subscribe,
)
from servicekit.messaging.lag import sample_lag
from servicekit.migrations import MigrationSource, apply_migrations, kit_migrations
from servicekit.outbox import KafkaRecordPublisher, OutboxRelay, OutboxWriter, RelayConfig
from servicekit.settings import ServiceSettings
from servicekit.telemetry import configure_telemetry, metrics
from servicekit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)
BackgroundJob = Callable[["Runtime[Any]"], Awaitable[None]]


@dataclass(frozen=True)
class CliCommand:
    """A command of the service's own, beside the kit's (``python -m <service> <name>``)."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Runtime[Any], argparse.Namespace], Awaitable[int]]


@dataclass(frozen=True)
class ServiceDefinition(Generic[U]):
    name: str
    title: str
    description: str
    settings: ServiceSettings
    migrations: MigrationSource
    unit_of_work: type[U]
    router: EventRouter[U] = field(default_factory=EventRouter)
    consumes: Sequence[str] = ()
    produces: Sequence[str] = ()
    api_routers: Sequence[APIRouter] = ()
    background_jobs: Sequence[BackgroundJob] = ()
    asyncapi: Callable[[], dict[str, Any]] | None = None
    # Extra set-up of the FastAPI app, e.g. the service's domain-error handler.
    app_setup: Sequence[Callable[[FastAPI], None]] = ()
    commands: Sequence[CliCommand] = ()
    # Paths that accept bodies larger than MAX_REQUEST_BYTES (e.g. bulk uploads), in bytes.
    body_limits: Mapping[str, int] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"/sws/{self.name}"

    def migration_sources(self) -> list[MigrationSource]:
        return [kit_migrations(), self.migrations]

    def topics(self) -> list[tuple[str, int]]:
        names = {*self.consumes, *self.produces}
        topics = [(name, topic_named(name).partitions) for name in sorted(names)]
        if self.consumes:
            topics.append((dead_letter_topic(self.name), 1))
        return topics


def consumed_topics(service: str) -> tuple[str, ...]:
    """The topics the catalogue in contracts says ``service`` consumes."""
    return tuple(topic.name for topic in topics_consumed_by(service))


def produced_topics(service: str) -> tuple[str, ...]:
    return tuple(topic.name for topic in topics_produced_by(service))


class Runtime(Generic[U]):
    """Everything a running service holds; created in the lifespan, reachable from requests."""

    def __init__(self, definition: ServiceDefinition[U], pool: asyncpg.Pool) -> None:
        self.definition = definition
        self.settings = definition.settings
        self.pool = pool
        self.outbox = OutboxWriter(definition.name)
        self.inbox = Inbox(definition.name)
        self.dead_letters = DeadLetterStore(definition.name, self.outbox, self.inbox)
        self.processor = EventProcessor(
            config=ConsumerConfig(
                service=definition.name,
                max_attempts=self.settings.consumer_max_attempts,
                retry_backoff=self.settings.consumer_retry_backoff_seconds,
            ),
            router=definition.router,
            unit_of_work=self.unit_of_work,
            inbox=self.inbox,
            dead_letters=self.dead_letters,
        )
        self.broker: KafkaBroker | None = None
        self.relay: OutboxRelay | None = None
        self.subscriber: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    def unit_of_work(self, correlation_id: str | None = None, actor: Principal | None = None) -> U:
        return self.definition.unit_of_work(
            self.pool,
            self.outbox,
            source=self.definition.source,
            correlation_id=correlation_id,
            actor=actor,
        )

    def relay_config(self) -> RelayConfig:
        return RelayConfig(
            service=self.definition.name,
            dsn=self.settings.database_url,
            batch_size=self.settings.outbox_batch_size,
            poll_interval=self.settings.outbox_poll_interval_seconds,
            max_backoff=self.settings.outbox_max_backoff_seconds,
            retention=timedelta(days=self.settings.outbox_retention_days),
        )

    async def start_messaging(self) -> None:
        settings = self.settings
        await kafka_admin.wait_for_broker(settings.kafka_bootstrap_servers)
        if settings.create_topics_on_start:
            await kafka_admin.ensure_topics(
                settings.kafka_bootstrap_servers, self.definition.topics()
            )
        # Our logger (no handler of its own) so FastStream's lines come out as JSON too;
        # per-message lines only at DEBUG.
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            acks="all",
            logger=logging.getLogger("sws.broker"),
            log_level=logging.DEBUG,
        )
        if self.definition.consumes:
            self.subscriber = subscribe(
                self.broker, self.processor, self.definition.consumes, settings
            )
        await self.broker.start()
        self.relay = OutboxRelay(self.pool, KafkaRecordPublisher(self.broker), self.relay_config())
        self.spawn(self.relay.run(), "outbox relay")
        if self.subscriber is not None:
            self.spawn(sample_lag(self.definition.name, self.subscriber), "consumer lag")
            self.spawn(self._sample_parked(), "parked events")
        self.spawn(self._prune_idempotency_records(), "idempotency pruning")
        for job in self.definition.background_jobs:
            self.spawn(job(self), getattr(job, "__name__", "background job"))

    async def _sample_parked(self) -> None:
        """Keep ``inbox_parked`` current: events waiting for a missing version (alerted on)."""
        while True:
            try:
                async with self.pool.acquire() as conn:
                    parked = await self.inbox.parked_count(conn)
                metrics.INBOX_PARKED.labels(self.definition.name).set(parked)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.debug("could not count parked events: %r", error)
            await asyncio.sleep(30)

    async def _prune_idempotency_records(self) -> None:
        while True:
            await idempotency.prune(self.pool, self.settings.idempotency_retention_hours)
            await asyncio.sleep(3600)

    def spawn(self, work: Awaitable[None], name: str) -> None:
        async def guarded() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s stopped with an error", name)

        self._tasks.append(asyncio.create_task(guarded(), name=name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.broker is not None:
            await self.broker.stop()

    async def database_ready(self) -> bool:
        return await database_ready(self.pool)

    async def broker_ready(self) -> bool:
        return self.broker is not None and bool(await self.broker.ping(timeout=2.0))


async def open_pool(definition: ServiceDefinition[Any]) -> asyncpg.Pool:
    pool = await create_pool(definition.settings)
    if definition.settings.migrate_on_start:
        async with pool.acquire() as conn:
            await apply_migrations(conn, definition.migration_sources())
    return pool


def create_app(definition: ServiceDefinition[Any]) -> FastAPI:
    settings = definition.settings
    telemetry = configure_telemetry(
        definition.name,
        otlp_endpoint=settings.otel_exporter_otlp_endpoint,
        log_level=settings.log_level,
        json_logs=settings.log_json,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await open_pool(definition)
        runtime = Runtime(definition, pool)
        app.state.runtime = runtime
        try:
            await runtime.start_messaging()
            log.info(
                "%s listening on %s:%s", definition.name, settings.http_host, settings.http_port
            )
            yield
        finally:
            await runtime.stop()
            await pool.close()
            telemetry.shutdown()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_url="/v1/openapi.json",
        docs_url="/docs",
    )
    app.add_middleware(
        BodyLimit, default=settings.max_request_bytes, per_path=definition.body_limits
    )
    limited = settings.rate_limit_per_minute > 0
    if limited:  # added last: runs first, before the body is read
        limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        app.add_middleware(RateLimit, limiter=limiter, key_id=_api_key_id)
    install_problem_handlers(app)
    install_request_metrics(app, definition.name)
    install_correlation_id(app)
    app.include_router(observability_router(_readiness_checks))
    for router in definition.api_routers:
        app.include_router(router)
    for setup in definition.app_setup:
        setup(app)
    if definition.asyncapi is not None:
        document = definition.asyncapi

        @app.get("/v1/asyncapi.json", tags=["operations"], summary="AsyncAPI document")
        async def asyncapi() -> dict[str, Any]:
            return document()

    serve_problem_document(app, rate_limited=limited)
    _instrument(app)
    return app


async def _api_key_id(scope: Any, key_hash: str) -> str | None:
    """The id of the active API key with this hash (for the rate limit; cached as for
    authentication)."""
    runtime: Runtime[Any] = scope["app"].state.runtime
    principal = await cached_principal(runtime.pool, key_hash)
    return str(principal.key_id) if principal is not None else None


def _readiness_checks(request: Request) -> dict[str, Callable[[], Awaitable[bool]]]:
    runtime: Runtime[Any] = request.app.state.runtime
    return {"database": runtime.database_ready, "broker": runtime.broker_ready}


def _instrument(app: FastAPI) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")


def runtime_of(request: Request) -> Runtime[Any]:
    runtime: Runtime[Any] = request.app.state.runtime
    return runtime
