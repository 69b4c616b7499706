"""Exactly-once effect, retries, failure, and several senders at once, on the real database,
broker, SMTP server and SMS provider. Each test drives its own sender (the service's
background sender is off in this module)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from contracts.envelope import from_kafka
from notifications import wiring
from notifications.testing.partners import register_partner
from notifications.testing.sms_provider import LocalSmsProvider
from notifications.testing.smtp_server import LocalSmtpServer
from servicekit.inbox import Outcome
from servicekit.testing.service import ServiceHarness
from servicekit.testing.support import read_topic, wait_until

from .conftest import StartService, World


@pytest.fixture(scope="module")
async def service(start_notifications: StartService) -> AsyncIterator[ServiceHarness]:
    async with start_notifications(circuit_open_seconds=0.2) as harness:
        yield harness


@pytest.fixture(scope="module")
async def world(service: ServiceHarness) -> World:
    lmc = await register_partner(service.runtime, "Shymkent LMC", "lmc")
    operator = await register_partner(service.runtime, "Orchard Staffing Ltd", "operator")
    return World(service, lmc, operator)


async def test_a_redelivered_or_replayed_event_sends_nothing_twice(
    world: World, sms_provider: LocalSmsProvider, smtp_server: LocalSmtpServer
) -> None:
    journey = world.worker()
    await world.feed(journey, journey.contact())
    record = journey.record(journey.granted())
    processor = world.service.runtime.processor

    assert await processor.process(record) is Outcome.APPLIED
    assert await processor.process(record) is Outcome.DUPLICATE
    # A replay that bypasses the inbox (a dead letter replayed) queues nothing new either.
    envelope = from_kafka(record.key, record.value, record.headers)
    planner = wiring.planner(world.service.runtime.settings)  # type: ignore[arg-type]
    async with world.service.runtime.unit_of_work("test") as uow:
        assert await planner.plan(uow, journey.granted(), envelope) == []

    sender = wiring.sender(world.service.runtime)
    await sender.drain()
    await sender.drain()

    assert journey.phone is not None
    assert journey.email is not None
    assert len(sms_provider.to(journey.phone)) == 1
    assert len(smtp_server.to(journey.email)) == 1
    assert await world.statuses(journey.worker) == {
        ("visa_granted", "sms"): "delivered",
        ("visa_granted", "email"): "delivered",
    }


async def _until_settled(world: World, worker: uuid.UUID, channel: str) -> str:
    """Drain (retries come due within a fraction of a second) until the delivery is final."""
    sender = wiring.sender(world.service.runtime)
    status = "pending"

    async def final() -> bool:
        nonlocal status
        await sender.drain()
        row = await world.service.runtime.pool.fetchrow(
            "SELECT status FROM delivery WHERE worker_id = $1 AND channel = $2", worker, channel
        )
        status = row["status"]
        return bool(status != "pending")

    await wait_until(final, timeout=30, every=0.05)
    return status


async def _failure_published(world: World, worker: uuid.UUID, channel: str) -> dict[str, object]:
    row = await world.service.runtime.pool.fetchrow(
        "SELECT id FROM delivery WHERE worker_id = $1 AND channel = $2", worker, channel
    )
    servers = world.service.runtime.settings.kafka_bootstrap_servers
    records = await read_topic(servers, "notifications.delivery.v1", expected=1, timeout=20)
    for record in records:
        event = from_kafka(record.key, record.value, record.headers)
        if event.subject == str(row["id"]) and event.type == "sws.NotificationFailed.v1":
            payload: dict[str, object] = event.data_json()
            return payload
    raise AssertionError("no NotificationFailed on the topic")


async def test_smtp_failures_are_retried_then_the_delivery_fails_and_it_is_published(
    world: World, smtp_server: LocalSmtpServer
) -> None:
    journey = world.worker(phone=False)
    await world.feed(journey, journey.contact())
    smtp_server.refuse_always("451 4.3.0 Mailbox busy, try again later")
    try:
        await world.feed(journey, journey.registered())
        assert await _until_settled(world, journey.worker, "email") == "failed"
    finally:
        smtp_server.refuse_always(None)

    attempts = await world.service.runtime.pool.fetch(
        "SELECT a.outcome, a.error FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id"
        " WHERE d.worker_id = $1 AND d.channel = 'email' ORDER BY a.attempt",
        journey.worker,
    )
    assert [a["outcome"] for a in attempts] == ["transient_failure"] * 3
    assert "451" in attempts[0]["error"]
    failed = await _failure_published(world, journey.worker, "email")
    assert failed["attempts"] == 3
    assert failed["recipient_kind"] == "worker"
    assert failed["template"] == "worker_registered"
    assert str(failed["error"]).startswith("gave up after 3 attempts: SMTP 451")
    assert journey.email is not None
    assert journey.email not in str(failed["error"])


async def test_a_refused_address_fails_at_once(world: World, smtp_server: LocalSmtpServer) -> None:
    journey = world.worker(phone=False)
    await world.feed(journey, journey.contact())
    smtp_server.refuse_always("550 5.1.1 No such mailbox")
    try:
        await world.feed(journey, journey.registered())
        assert await _until_settled(world, journey.worker, "email") == "failed"
    finally:
        smtp_server.refuse_always(None)
    failed = await _failure_published(world, journey.worker, "email")
    assert failed["attempts"] == 1
    assert str(failed["error"]).startswith("SMTP 550")


async def test_sms_failures_are_retried_then_the_delivery_fails_and_it_is_published(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    journey = world.worker(email=False)
    await world.feed(journey, journey.contact())
    sms_provider.fail_always(503)
    try:
        await world.feed(journey, journey.registered())
        assert await _until_settled(world, journey.worker, "sms") == "failed"
    finally:
        sms_provider.fail_always(None)
    failed = await _failure_published(world, journey.worker, "sms")
    assert failed["attempts"] == 3
    assert "HTTP 503" in str(failed["error"])
    assert journey.phone is not None
    assert not sms_provider.to(journey.phone)


async def test_an_sms_that_fails_twice_is_delivered_on_the_third_attempt(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    journey = world.worker(email=False)
    await world.feed(journey, journey.contact())
    sms_provider.fail_next(2, status=500)
    await world.feed(journey, journey.registered())

    assert await _until_settled(world, journey.worker, "sms") == "delivered"
    assert journey.phone is not None
    [sms] = sms_provider.to(journey.phone)
    row = await world.service.runtime.pool.fetchrow(
        "SELECT id, attempts, provider_reference, address_masked FROM delivery"
        " WHERE worker_id = $1 AND channel = 'sms'",
        journey.worker,
    )
    assert row["attempts"] == 3
    assert sms.reference == sms.idempotency_key == str(row["id"])
    assert row["provider_reference"].startswith("sms-")
    assert row["address_masked"] == journey.phone[:5] + "*****" + journey.phone[-2:]


async def test_an_sms_the_provider_refuses_fails_at_once(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    journey = world.worker(email=False)
    await world.feed(journey, journey.contact())
    sms_provider.fail_next(1, status=400)
    await world.feed(journey, journey.registered())
    assert await _until_settled(world, journey.worker, "sms") == "failed"
    failed = await _failure_published(world, journey.worker, "sms")
    assert failed["attempts"] == 1


async def test_two_senders_at_once_send_each_message_exactly_once(
    world: World, sms_provider: LocalSmsProvider, smtp_server: LocalSmtpServer
) -> None:
    workers = [world.worker() for _ in range(12)]
    for journey in workers:
        await world.feed(journey, journey.contact(), journey.registered())

    first, second = wiring.sender(world.service.runtime), wiring.sender(world.service.runtime)
    await asyncio.gather(first.drain(), second.drain())

    for journey in workers:
        assert journey.phone is not None
        assert journey.email is not None
        assert len(sms_provider.to(journey.phone)) == 1
        assert len(smtp_server.to(journey.email)) == 1
    references = [sms.reference for sms in sms_provider.received]
    assert len(references) == len(set(references))
