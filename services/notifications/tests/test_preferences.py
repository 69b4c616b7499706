"""Opt-out per channel (legally required notices still go), consent always respected, SMS
quiet hours in the worker's time zone (Almaty at home, London once departed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications import wiring
from notifications.config import NotificationsSettings
from notifications.domain.quiet_hours import QuietHours
from notifications.testing.partners import register_partner
from notifications.testing.sms_provider import LocalSmsProvider
from notifications.testing.smtp_server import LocalSmtpServer
from servicekit.testing.service import ServiceHarness

from .conftest import StartService, World


@pytest.fixture(scope="module")
async def service(start_notifications: StartService) -> AsyncIterator[ServiceHarness]:
    async with start_notifications() as harness:
        yield harness


@pytest.fixture(scope="module")
async def world(service: ServiceHarness) -> World:
    lmc = await register_partner(service.runtime, "Aktobe LMC", "lmc")
    operator = await register_partner(service.runtime, "Greenhouse Crew Ltd", "operator")
    return World(service, lmc, operator)


async def _reasons(world: World, journey_worker: object) -> dict[tuple[str, str], tuple[str, str]]:
    rows = await world.service.runtime.pool.fetch(
        "SELECT template, channel, status, coalesce(status_reason, '') AS reason FROM delivery"
        " WHERE worker_id = $1 AND recipient_kind = 'worker'",
        journey_worker,
    )
    return {(r["template"], r["channel"]): (r["status"], r["reason"]) for r in rows}


async def test_an_opted_out_channel_gets_only_legally_required_notices(
    world: World, sms_provider: LocalSmsProvider, smtp_server: LocalSmtpServer
) -> None:
    journey = world.worker()
    await world.feed(journey, journey.contact())
    changed = await world.service.client.put(
        f"/v1/workers/{journey.worker}/preferences",
        json={"sms_opt_out": True, "email_opt_out": False},
        headers=world.lmc.headers,
    )
    assert changed.status_code == 200, changed.text

    await world.feed(journey, journey.registered(), journey.visa_expiring())
    await wiring.sender(world.service.runtime).drain()

    assert await _reasons(world, journey.worker) == {
        ("worker_registered", "sms"): ("skipped", "opted out of SMS"),
        ("worker_registered", "email"): ("delivered", ""),
        ("visa_expiring", "sms"): ("delivered", ""),  # legally required
        ("visa_expiring", "email"): ("delivered", ""),
    }
    assert journey.phone is not None
    [notice] = sms_provider.to(journey.phone)
    assert "через 14 дней" in notice.text


async def test_without_consent_nothing_is_sent_on_that_channel_not_even_a_required_notice(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    journey = world.worker()
    await world.feed(journey, journey.contact(sms=False), journey.visa_expiring())
    await wiring.sender(world.service.runtime).drain()

    reasons = await _reasons(world, journey.worker)
    assert reasons[("visa_expiring", "sms")] == ("skipped", "no consent to SMS")
    assert reasons[("visa_expiring", "email")] == ("delivered", "")
    assert journey.phone is not None
    assert sms_provider.to(journey.phone) == []


def _next_local(clock_now: datetime, zone: ZoneInfo, at: time) -> datetime:
    local = clock_now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(UTC)


async def _quiet_hours_case(
    world: World, sms_provider: LocalSmsProvider, *, departed: bool, zone: str
) -> None:
    settings = world.service.runtime.settings
    assert isinstance(settings, NotificationsSettings)
    policy = wiring.sending_policy(settings)
    policy = type(policy)(**{**vars(policy), "quiet_hours": QuietHours(time(21), time(8))})
    journey = world.worker()
    await world.feed(journey, journey.contact())
    if departed:
        await world.feed(journey, journey.departed())
    late_evening = _next_local(datetime.now(UTC), ZoneInfo(zone), time(22, 30))
    morning = _next_local(late_evening, ZoneInfo(zone), time(8, 0))
    template = "worker_departed" if departed else "visa_expiring"
    if not departed:
        await world.feed(journey, journey.visa_expiring())

    await wiring.sender(world.service.runtime, clock=lambda: late_evening, policy=policy).drain()
    row = await world.service.runtime.pool.fetchrow(
        "SELECT status, due_at, attempts, status_reason FROM delivery WHERE worker_id = $1"
        " AND channel = 'sms' AND template = $2",
        journey.worker,
        template,
    )
    assert (row["status"], row["due_at"], row["attempts"]) == ("pending", morning, 0)
    assert row["status_reason"] == f"quiet hours in {zone}"
    assert (await _reasons(world, journey.worker))[(template, "email")] == ("delivered", "")
    assert journey.phone is not None
    assert sms_provider.to(journey.phone) == []

    await wiring.sender(world.service.runtime, clock=lambda: morning, policy=policy).drain()
    assert len(sms_provider.to(journey.phone)) == 1


async def test_an_sms_due_in_quiet_hours_waits_for_the_morning_in_almaty(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    await _quiet_hours_case(world, sms_provider, departed=False, zone="Asia/Almaty")


async def test_once_departed_the_quiet_hours_are_those_of_london(
    world: World, sms_provider: LocalSmsProvider
) -> None:
    await _quiet_hours_case(world, sms_provider, departed=True, zone="Europe/London")


async def test_preferences_are_the_workers_organisations_to_change_and_are_audited(
    world: World,
) -> None:
    journey = world.worker()
    await world.feed(journey, journey.contact())
    path = f"/v1/workers/{journey.worker}/preferences"
    client = world.service.client
    ministry = await register_partner(world.service.runtime, "MLSP", "ministry")
    other = await register_partner(world.service.runtime, "Other LMC", "lmc")
    admin = await register_partner(world.service.runtime, "Platform", "admin")

    assert (await client.get(path, headers=world.lmc.headers)).json() == {
        "sms_opt_out": False,
        "email_opt_out": False,
    }
    assert (await client.get(path, headers=ministry.headers)).status_code == 200
    assert (await client.get(path, headers=other.headers)).status_code == 404
    assert (await client.get(path, headers=world.operator.headers)).status_code == 404
    refused = await client.put(path, json={"email_opt_out": True}, headers=ministry.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"

    changed = await client.put(path, json={"email_opt_out": True}, headers=world.lmc.headers)
    assert changed.json() == {"sms_opt_out": False, "email_opt_out": True}
    audit = await client.get(
        "/v1/audit",
        params={"entity_type": "worker", "entity_id": str(journey.worker)},
        headers=admin.headers,
    )
    [entry] = audit.json()["items"]
    assert entry["action"] == "preferences.changed"
    assert entry["before"] == {"sms_opt_out": False, "email_opt_out": False}
    assert entry["after"] == {"sms_opt_out": False, "email_opt_out": True}
    assert entry["actor_organisation_id"] == str(world.lmc.organisation_id)
