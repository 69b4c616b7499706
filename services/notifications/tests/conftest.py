"""Fixtures of the notifications service's tests: local SMTP server, SMS provider and webhook
receivers on 127.0.0.1, the service running in-process on the real PostgreSQL and broker, and
partner organisations with API keys (replicated from the registry's events, as in production)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import time
from typing import Any

import pytest

from contracts.base import IntegrationEvent
from notifications.bootstrap import definition
from notifications.config import NotificationsSettings
from notifications.testing.journey import Journey
from notifications.testing.partners import Partner
from notifications.testing.sms_provider import LocalSmsProvider
from notifications.testing.smtp_server import LocalSmtpServer
from servicekit.inbox import Outcome
from servicekit.testing.service import TEST_SETTINGS, ServiceHarness, running_service

MINISTRY_EMAIL = "oversight@mlsp.example.kz"
GLAA_EMAIL = "intake@glaa.example.uk"

StartService = Callable[..., AbstractAsyncContextManager[ServiceHarness]]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sms_provider() -> Iterator[LocalSmsProvider]:
    provider = LocalSmsProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def start_notifications(
    create_database: Callable[..., Awaitable[str]],
    kafka_bootstrap_servers: str,
    smtp_server: LocalSmtpServer,
    sms_provider: LocalSmsProvider,
) -> StartService:
    """``async with start_notifications(**settings) as service``: a fresh database each time."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[ServiceHarness]:
        settings: dict[str, Any] = {
            **TEST_SETTINGS,
            "database_url": await create_database(prefix="notifications"),
            "kafka_bootstrap_servers": kafka_bootstrap_servers,
            "smtp_host": smtp_server.host,
            "smtp_port": smtp_server.port,
            "smtp_starttls": False,
            "smtp_from": "SWS Notifications <notifications@sws.example>",
            "sms_api_base_url": sms_provider.url,
            "sms_api_token": sms_provider.token,
            "ministry_email": MINISTRY_EMAIL,
            "glaa_email": GLAA_EMAIL,
            "sms_quiet_hours_start": time(0, 0),
            "sms_quiet_hours_end": time(0, 0),
            "delivery_poll_interval_seconds": 0.05,
            "delivery_retry_base_seconds": 0.05,
            "delivery_retry_max_seconds": 0.2,
            "delivery_max_attempts": 3,
            "webhook_timeout_seconds": 5.0,
            "delivery_sender_enabled": False,
            **overrides,
        }
        async with running_service(definition(NotificationsSettings(**settings))) as harness:
            yield harness

    return start


@dataclass
class World:
    service: ServiceHarness
    lmc: Partner
    operator: Partner

    def worker(self, language: str = "ru", *, phone: bool = True, email: bool = True) -> Journey:
        serial = uuid.uuid4().int % 10**7
        return Journey(
            language=language,
            organisation=self.lmc.organisation_id,
            operator=self.operator.organisation_id,
            phone=f"+7701{serial:07d}" if phone else None,
            email=f"w{serial}@worker.example" if email else None,
        )

    async def feed(self, journey: Journey, *events: IntegrationEvent) -> None:
        for event in events:
            outcome = await self.service.runtime.processor.process(journey.record(event))
            assert outcome is Outcome.APPLIED

    async def statuses(self, worker: uuid.UUID) -> dict[tuple[str, str], str]:
        rows = await self.service.runtime.pool.fetch(
            "SELECT template, channel, status FROM delivery WHERE worker_id = $1"
            " AND recipient_kind = 'worker'",
            worker,
        )
        return {(row["template"], row["channel"]): row["status"] for row in rows}
