"""Who may see and change what: tenant isolation, API keys, audit, on the real stack."""

from __future__ import annotations

import json
from typing import Any

import pytest
from registry_support import Tenant, Tenants, worker_body

from servicekit.access.http import forget_cached_keys
from servicekit.testing.service import ServiceHarness


async def register(registry: ServiceHarness, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = await registry.client.post(
        "/v1/workers", json=worker_body(**fields), headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    worker: dict[str, Any] = response.json()
    return worker


async def listed_ids(registry: ServiceHarness, tenant: Tenant, **query: Any) -> set[str]:
    response = await registry.client.get("/v1/workers", params=query, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_an_agency_cannot_read_list_or_search_another_agencys_workers(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = await register(registry, tenants.agency_a, given_name="Zhanibek", family_name="Sole")
    path = f"/v1/workers/{worker['id']}"

    assert (await registry.client.get(path, headers=tenants.agency_b.headers)).status_code == 404
    assert worker["id"] not in await listed_ids(registry, tenants.agency_b)
    assert worker["id"] not in await listed_ids(registry, tenants.agency_b, iin=worker["iin"])
    assert worker["id"] not in await listed_ids(registry, tenants.agency_b, name="zhanibek")

    assert (await registry.client.get(path, headers=tenants.agency_a.headers)).status_code == 200
    assert worker["id"] in await listed_ids(registry, tenants.agency_a, name="ZHANIBEK sole")
    assert worker["id"] in await listed_ids(registry, tenants.agency_a, iin=worker["iin"])


@pytest.mark.parametrize("reader", ["lmc", "operator"])
async def test_other_organisations_do_not_see_a_worker_they_have_no_part_in(
    registry: ServiceHarness, tenants: Tenants, reader: str
) -> None:
    worker = await register(registry, tenants.agency_a)

    response = await registry.client.get(
        f"/v1/workers/{worker['id']}", headers=tenants.members[reader].headers
    )

    assert response.status_code == 404


async def test_the_ministry_and_admins_read_every_worker(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = await register(registry, tenants.agency_b)

    for reader in (tenants.ministry, tenants.admin):
        response = await registry.client.get(f"/v1/workers/{worker['id']}", headers=reader.headers)
        assert response.status_code == 200
        assert worker["id"] in await listed_ids(registry, reader, iin=worker["iin"])


@pytest.mark.parametrize("caller", ["operator", "ministry", "expired_agency"])
async def test_only_lmcs_and_licensed_agencies_register_workers(
    registry: ServiceHarness, tenants: Tenants, caller: str
) -> None:
    body = worker_body()
    response = await registry.client.post(
        "/v1/workers", json=body, headers=tenants.members[caller].headers
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert await listed_ids(registry, tenants.ministry, iin=body["iin"]) == set()


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer sws_not-a-real-key", "Basic dXNlcjpwYXNz"]
)
async def test_a_missing_or_wrong_key_is_refused(
    registry: ServiceHarness, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await registry.client.get("/v1/workers", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:sws:problem:unauthorized"


async def test_only_admins_manage_organisations_and_keys(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = {"name": "Rogue", "kind": "admin"}
    for caller in (tenants.ministry, tenants.agency_a):
        created = await registry.client.post("/v1/organisations", json=body, headers=caller.headers)
        assert created.status_code == 403
        issued = await registry.client.post(
            f"/v1/organisations/{caller.organisation_id}/api-keys", headers=caller.headers
        )
        assert issued.status_code == 403


async def test_a_rotated_key_replaces_the_old_one_and_only_its_hash_is_published(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    old = await _fresh_key(registry, tenants, "lmc")

    rotated = await registry.client.post(f"/v1/api-keys/{old.key_id}/rotate", headers=old.headers)

    assert rotated.status_code == 201
    new = Tenant(old.organisation_id, rotated.json()["key_id"], rotated.json()["api_key"])
    forget_cached_keys()
    assert (await registry.client.get("/v1/workers", headers=old.headers)).status_code == 401
    assert (await registry.client.get("/v1/workers", headers=new.headers)).status_code == 200
    published = await registry.runtime.pool.fetch(
        "SELECT headers->>'ce_type' AS type, payload FROM outbox WHERE subject = $1"
        " AND headers->>'ce_type' LIKE 'sws.ApiKey%' ORDER BY id",
        old.organisation_id,
    )
    payloads = [json.loads(row["payload"]) for row in published]
    assert all(new.api_key not in row["payload"].decode() for row in published)
    assert [row["type"] for row in published][-2:] == [
        "sws.ApiKeyIssued.v1",
        "sws.ApiKeyRevoked.v1",
    ]
    assert payloads[-2]["key_id"] == new.key_id
    assert len(payloads[-2]["key_hash"]) == 64


async def test_a_revoked_key_stops_working(registry: ServiceHarness, tenants: Tenants) -> None:
    key = await _fresh_key(registry, tenants, "agency_b")

    revoked = await registry.client.delete(
        f"/v1/api-keys/{key.key_id}", headers=tenants.admin.headers
    )

    assert revoked.status_code == 204
    assert (await registry.client.get("/v1/workers", headers=key.headers)).status_code == 401


async def test_another_organisation_cannot_revoke_a_key(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    response = await registry.client.delete(
        f"/v1/api-keys/{tenants.agency_a.key_id}", headers=tenants.agency_b.headers
    )

    assert response.status_code == 403


async def test_changes_are_audited_with_actor_and_before_and_after(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    await registry.client.patch(
        f"/v1/organisations/{tenants.lmc.organisation_id}",
        json={"name": "Turkistan Labour Mobility Centre"},
        headers=tenants.admin.headers,
    )

    entries = await registry.client.get(
        "/v1/audit",
        params={"entity_type": "organisation", "entity_id": tenants.lmc.organisation_id},
        headers=tenants.admin.headers,
    )
    forbidden = await registry.client.get("/v1/audit", headers=tenants.ministry.headers)

    assert forbidden.status_code == 403
    update = entries.json()["items"][-1]
    assert update["action"] == "organisation.updated"
    assert update["actor_organisation_id"] == tenants.admin.organisation_id
    assert update["before"]["name"] == "Turkistan LMC"
    assert update["after"]["name"] == "Turkistan Labour Mobility Centre"


async def _fresh_key(registry: ServiceHarness, tenants: Tenants, label: str) -> Tenant:
    organisation_id = tenants.members[label].organisation_id
    response = await registry.client.post(
        f"/v1/organisations/{organisation_id}/api-keys", headers=tenants.admin.headers
    )
    assert response.status_code == 201
    return Tenant(organisation_id, response.json()["key_id"], response.json()["api_key"])
