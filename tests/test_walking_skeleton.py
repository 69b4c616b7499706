"""One registration travels from the registry's API through Kafka to the three other
services, each a real process with its own database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from system_support import RunningSystem, lmc_key, valid_iin

from servicekit.access import hash_key
from servicekit.testing.support import wait_until


def registration(region: str, iin: str) -> dict[str, object]:
    return {
        "iin": iin,
        "given_name": "Dana",
        "family_name": "Example",
        "date_of_birth": "2001-03-05",
        "sex": "female",
        "region": region,
        "phone": "+77017654321",
        "preferred_language": "ru",
        "passport_number": "N87654321",
        "passport_expiry": "2032-01-31",
        "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
    }


async def test_a_registration_reaches_visa_notifications_and_reporting(
    system: RunningSystem,
) -> None:
    region = f"Turkistan-{uuid.uuid4().hex[:6]}"
    key = await lmc_key(system)
    async with system.client("registry") as registry:
        response = await registry.post(
            "/v1/workers",
            json=registration(region, valid_iin()),
            headers={"X-Correlation-ID": "skeleton-test", "Authorization": f"Bearer {key}"},
        )
    assert response.status_code == 201, response.text
    worker_id = uuid.UUID(response.json()["id"])

    async def visa_knows() -> bool:
        rows = await system.query(
            "visa", "SELECT date_of_birth FROM applicant WHERE worker_id = $1", worker_id
        )
        return bool(rows)

    async def notifications_can_reach() -> bool:
        rows = await system.query(
            "notifications", "SELECT phone FROM recipient WHERE worker_id = $1", worker_id
        )
        return bool(rows and rows[0]["phone"] == "+77017654321")

    async def reporting_counts() -> bool:
        async with system.client("reporting") as reporting:
            figures = (
                await reporting.get(
                    "/v1/statistics/registrations",
                    params={"region": region},
                    headers={"Authorization": f"Bearer {key}"},
                )
            ).json()
        return bool(figures == [{"region": region, "year": _this_year(), "workers": 1}])

    async def keys_replicated() -> bool:
        for service in ("visa", "notifications", "reporting"):
            rows = await system.query(
                service, "SELECT 1 FROM api_key WHERE key_hash = $1", hash_key(key)
            )
            if not rows:
                return False
        return True

    await wait_until(keys_replicated, timeout=60)
    await wait_until(visa_knows, timeout=60)
    await wait_until(notifications_can_reach, timeout=60)
    await wait_until(reporting_counts, timeout=60)

    inbox = await system.query(
        "visa",
        "SELECT outcome FROM inbox_event WHERE consumer = 'visa' AND subject = $1",
        str(worker_id),
    )
    assert [row["outcome"] for row in inbox] == ["applied"]


async def test_every_service_is_ready_and_serves_its_documents(system: RunningSystem) -> None:
    for service in system.urls:
        async with system.client(service) as client:
            ready = await client.get("/readyz")
            assert ready.json() == {
                "status": "ready",
                "checks": {"database": True, "broker": True},
            }
            assert (await client.get("/v1/openapi.json")).status_code == 200
            asyncapi = (await client.get("/v1/asyncapi.json")).json()
            assert asyncapi["asyncapi"].startswith("3.")
            metrics = (await client.get("/metrics")).text
            assert "outbox_backlog" in metrics


def _this_year() -> int:
    return datetime.now(UTC).year
