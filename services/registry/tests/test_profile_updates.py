"""Changing a worker's profile with PATCH: validated as on registration; other services hear of
the changes they need (journey facts, contact details) and the audit log keeps every change.
On the real database and broker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from registry_support import Tenants
from test_journey_support import Journey, new_journey

from servicekit.testing.service import ServiceHarness


async def patch(journey: Journey, body: dict[str, Any], by: str | None = None) -> Any:
    tenant = journey.tenants.members[by] if by else journey.owner
    return await journey.registry.client.patch(journey.path, json=body, headers=tenant.headers)


@pytest.mark.parametrize(
    ("change", "published"),
    [
        ({"region": "Almaty"}, ["WorkerProfileUpdated"]),
        ({"passport_expiry": "2035-01-31"}, ["WorkerProfileUpdated"]),
        ({"phone": "+77017654321"}, ["WorkerContactDetailsChanged"]),
        ({"given_name": "Aizhan", "email": "aizhan@example.kz"}, ["WorkerContactDetailsChanged"]),
        ({"preferred_language": "ru"}, ["WorkerProfileUpdated", "WorkerContactDetailsChanged"]),
        ({"passport_number": "N99887766"}, []),
        ({"region": "Turkistan"}, []),  # the value it has: nothing changes
        ({}, []),
    ],
)
async def test_a_profile_change_publishes_what_other_services_need(
    registry: ServiceHarness, tenants: Tenants, change: dict[str, Any], published: list[str]
) -> None:
    journey = await new_journey(registry, tenants)

    response = await patch(journey, change)

    assert response.status_code == 200, response.text
    worker = response.json()
    for name, value in change.items():
        if name != "passport_number":
            assert worker[name] == value
    assert "passport_number" not in worker
    assert await journey.new_events() == published


async def test_a_published_profile_update_names_the_fields_that_changed(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)

    await patch(journey, {"region": "Almaty", "sex": "female", "phone": "+77010000001"})

    row = await registry.runtime.pool.fetchrow(
        "SELECT payload FROM outbox WHERE subject = $1 AND headers->>'ce_type' = $2",
        journey.worker_id,
        "sws.WorkerProfileUpdated.v1",
    )
    payload = json.loads(row["payload"])
    assert sorted(payload["changed_fields"]) == ["region", "sex"]
    assert (payload["region"], payload["sex"]) == ("Almaty", "female")


async def test_a_passport_number_change_is_audited_masked_and_kept(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)

    await patch(journey, {"passport_number": "N99887766"})

    entries = await registry.client.get(
        "/v1/audit",
        params={"entity_type": "worker", "entity_id": journey.worker_id},
        headers=tenants.admin.headers,
    )
    update = entries.json()["items"][-1]
    assert update["action"] == "worker.profile_updated"
    assert update["actor_organisation_id"] == journey.owner.organisation_id
    assert update["after"] == {"passport_number": "*******66"}
    assert update["before"]["passport_number"].startswith("*")
    stored = await registry.runtime.pool.fetchval(
        "SELECT passport_number FROM worker WHERE id = $1::uuid", journey.worker_id
    )
    assert stored == "N99887766"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name": None}, "body.given_name"),
        ({"passport_number": "n-123"}, "body.passport_number"),
        ({"phone": "8 701 123"}, "body.phone"),
        ({"iin": "980412300012"}, "body.iin"),
        ({"phone": None}, "body.phone"),  # the worker has no e-mail: one way to reach them stays
        ({"date_of_birth": "2999-01-01"}, "body.date_of_birth"),
    ],
)
async def test_an_invalid_change_names_the_field_and_changes_nothing(
    registry: ServiceHarness, tenants: Tenants, body: dict[str, Any], field: str
) -> None:
    journey = await new_journey(registry, tenants)

    response = await patch(journey, body)

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await journey.new_events() == []


async def test_an_email_may_replace_the_phone(registry: ServiceHarness, tenants: Tenants) -> None:
    journey = await new_journey(registry, tenants)

    response = await patch(journey, {"phone": None, "email": "aigerim@example.kz"})

    assert response.status_code == 200, response.text
    assert (response.json()["phone"], response.json()["email"]) == (None, "aigerim@example.kz")
    assert await journey.new_events() == ["WorkerContactDetailsChanged"]


@pytest.mark.parametrize(("caller", "status"), [("agency_b", 404), ("ministry", 403)])
async def test_only_the_organisations_looking_after_the_worker_change_its_profile(
    registry: ServiceHarness, tenants: Tenants, caller: str, status: int
) -> None:
    journey = await new_journey(registry, tenants)

    response = await patch(journey, {"region": "Almaty"}, by=caller)

    assert response.status_code == status
    assert (await journey.journey())["worker_id"] == journey.worker_id
    assert await journey.new_events() == []


async def test_the_placements_operator_does_not_change_the_profile(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="offered")

    response = await patch(journey, {"region": "Almaty"}, by="operator")

    assert response.status_code == 403
