"""A dead partner endpoint and a slow one hold back only their own webhooks: everyone else's
messages are all delivered while the slow endpoint still holds its requests, and the dead
endpoint's circuit opens so that its queue is not tried again and again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from notifications import wiring
from notifications.testing.partners import Partner, register_partner
from notifications.testing.sms_provider import LocalSmsProvider
from notifications.testing.smtp_server import LocalSmtpServer
from notifications.testing.webhook_receiver import WebhookReceiver
from servicekit.embedded.probe import free_port
from servicekit.testing.service import ServiceHarness
from servicekit.testing.support import wait_until

from .conftest import StartService, World


@pytest.fixture(scope="module")
async def service(start_notifications: StartService) -> AsyncIterator[ServiceHarness]:
    async with start_notifications(
        webhook_timeout_seconds=60.0,
        circuit_failure_threshold=2,
        circuit_open_seconds=300.0,
        delivery_concurrency=8,
        delivery_concurrency_per_endpoint=2,
    ) as harness:
        yield harness


async def _endpoint(service: ServiceHarness, partner: Partner, url: str) -> str:
    created = await service.client.post(
        "/v1/webhook-endpoints", json={"url": url}, headers=partner.headers
    )
    assert created.status_code == 201, created.text
    secret: str = created.json()["secret"]
    return secret


async def test_a_dead_and_a_slow_endpoint_do_not_hold_back_the_other_deliveries(
    service: ServiceHarness, sms_provider: LocalSmsProvider, smtp_server: LocalSmtpServer
) -> None:
    runtime = service.runtime
    operator = await register_partner(runtime, "Any Operator Ltd", "operator")
    dead, slow, fast = [
        await register_partner(runtime, f"{name} LMC", "lmc") for name in ("Dead", "Slow", "Fast")
    ]
    slow_receiver, fast_receiver = WebhookReceiver().start(), WebhookReceiver().start()
    try:
        await _endpoint(service, dead, f"http://127.0.0.1:{free_port()}/hooks")
        slow_receiver.secret = await _endpoint(service, slow, slow_receiver.url)
        fast_receiver.secret = await _endpoint(service, fast, fast_receiver.url)
        slow_receiver.hold()

        workers = {}
        for partner in (dead, slow, fast):
            world = World(service, partner, operator)
            workers[partner.name] = [world.worker() for _ in range(4)]
            for journey in workers[partner.name]:
                await world.feed(journey, journey.contact(), journey.registered())
        everyone = [journey for group in workers.values() for journey in group]

        sender = wiring.sender(runtime)
        running = asyncio.create_task(sender.run())
        try:

            def others_all_delivered() -> bool:
                return (
                    len(fast_receiver.accepted) == 4
                    and all(sms_provider.to(str(j.phone)) for j in everyone)
                    and all(smtp_server.to(str(j.email)) for j in everyone)
                )

            await wait_until(others_all_delivered, timeout=60)

            async def dead_circuit_open() -> bool:
                return bool(
                    await runtime.pool.fetchval(
                        "SELECT open_until > now() FROM circuit WHERE key = $1",
                        f"webhook:{dead.organisation_id}",
                    )
                )

            await wait_until(dead_circuit_open, timeout=30)

            async def fast_recorded_delivered() -> bool:
                # the receiver has the request a moment before the sender records the answer
                statuses = await runtime.pool.fetch(
                    "SELECT status FROM delivery WHERE channel = 'webhook' AND recipient_id = $1",
                    str(fast.organisation_id),
                )
                return {row["status"] for row in statuses} == {"delivered"}

            await wait_until(fast_recorded_delivered, timeout=30)

            # Everything else went through while the slow endpoint still holds its requests.
            assert slow_receiver.held == 2  # its limit of sends in flight, no more
            assert slow_receiver.accepted == []
            webhook_states = await runtime.pool.fetch(
                "SELECT recipient_id, status, attempts FROM delivery WHERE channel = 'webhook'"
                " AND recipient_id = ANY($1::text[])",
                [str(p.organisation_id) for p in (dead, slow, fast)],
            )
            by_org: dict[str, list[tuple[str, int]]] = {}
            for row in webhook_states:
                by_org.setdefault(row["recipient_id"], []).append((row["status"], row["attempts"]))
            assert {s for s, _ in by_org[str(fast.organisation_id)]} == {"delivered"}
            assert {s for s, _ in by_org[str(dead.organisation_id)]} == {"pending"}
            # The open circuit stopped the dead endpoint's queue after a couple of tries.
            assert sum(attempts for _, attempts in by_org[str(dead.organisation_id)]) <= 4

            slow_receiver.release()
            await wait_until(lambda: len(slow_receiver.accepted) == 4, timeout=60)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
    finally:
        slow_receiver.stop()
        fast_receiver.stop()
