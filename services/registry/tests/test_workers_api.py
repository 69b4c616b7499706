"""Registering and reading workers through the API, on the real database and broker."""

from __future__ import annotations

import json

import pytest
from registry_support import Tenants, new_iin, outbox_types, worker_body

from servicekit.testing.service import ServiceHarness


async def test_registering_a_worker_stores_it_and_publishes_its_events(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body()

    response = await registry.client.post(
        "/v1/workers", json=body, headers=tenants.agency_a.headers
    )

    assert response.status_code == 201, response.text
    worker = response.json()
    assert response.headers["Location"] == f"/v1/workers/{worker['id']}"
    assert worker["stage"] == "registered"
    assert worker["iin"] == body["iin"]
    assert worker["organisation_id"] == tenants.agency_a.organisation_id
    assert "passport_number" not in worker
    assert await outbox_types(registry.runtime.pool, worker["id"]) == [
        "sws.WorkerRegistered.v1",
        "sws.WorkerContactDetailsChanged.v1",
    ]
    fetched = await registry.client.get(
        f"/v1/workers/{worker['id']}", headers=tenants.agency_a.headers
    )
    assert fetched.json() == worker


async def test_the_published_registration_carries_no_identifying_data(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = (
        await registry.client.post(
            "/v1/workers", json=worker_body(), headers=tenants.agency_a.headers
        )
    ).json()

    row = await registry.runtime.pool.fetchrow(
        "SELECT payload, headers FROM outbox WHERE subject = $1 AND topic = 'registry.worker.v1'",
        worker["id"],
    )
    payload = json.loads(row["payload"])
    assert set(payload) == {
        "worker_id", "organisation_id", "region", "sex", "date_of_birth",
        "preferred_language", "passport_expiry", "registered_at",
    }  # fmt: skip
    assert json.loads(row["headers"])["ce_organisationid"] == worker["organisation_id"]


async def test_a_second_registration_of_an_iin_points_to_the_existing_worker(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body()
    first = (
        await registry.client.post("/v1/workers", json=body, headers=tenants.agency_a.headers)
    ).json()

    again = await registry.client.post(
        "/v1/workers", json=worker_body(iin=body["iin"]), headers=tenants.agency_b.headers
    )

    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    problem = again.json()
    assert problem["existing_worker_id"] == first["id"]
    assert problem["errors"][0]["field"] == "body.iin"


def mistyped_iin() -> str:
    valid = new_iin()
    return valid[:11] + str((int(valid[11]) + 5) % 10)


@pytest.mark.parametrize(
    ("iin", "reason"),
    [
        (mistyped_iin(), "check digit"),
        ("9804123000", "12 digits"),
        ("98041230001X", "digits only"),
    ],
)
async def test_an_invalid_iin_is_refused_naming_the_field_and_nothing_changes(
    registry: ServiceHarness, tenants: Tenants, iin: str, reason: str
) -> None:
    body = worker_body(iin=iin)
    response = await registry.client.post(
        "/v1/workers", json=body, headers=tenants.agency_a.headers
    )

    assert response.status_code == 422
    problem = response.json()
    assert [error["field"] for error in problem["errors"]] == ["body.iin"]
    assert reason in problem["detail"]
    stored = await registry.runtime.pool.fetchval(
        "SELECT count(*) FROM worker WHERE passport_number = $1", body["passport_number"]
    )
    assert stored == 0


async def test_a_birth_date_unlike_the_iins_is_a_warning_not_a_refusal(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    response = await registry.client.post(
        "/v1/workers",
        json=worker_body(date_of_birth="1998-04-13"),
        headers=tenants.agency_a.headers,
    )

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "the IIN encodes the birth date 1998-04-12, the date of birth given is 1998-04-13"
    ]


async def test_a_malformed_body_names_every_wrong_field(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = worker_body(phone="8 701 123", sex="x", preferred_language="de")
    del body["given_name"]

    response = await registry.client.post(
        "/v1/workers", json=body, headers=tenants.agency_a.headers
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.phone", "body.sex", "body.preferred_language", "body.given_name"}


async def test_an_unknown_worker_is_a_404_problem(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    response = await registry.client.get(
        "/v1/workers/00000000-0000-0000-0000-000000000000", headers=tenants.agency_a.headers
    )

    assert response.status_code == 404
    assert response.json()["type"] == "urn:sws:problem:worker-not-found"
