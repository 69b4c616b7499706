"""The API: webhook endpoints (organisations manage their own, the secret shown once, audited,
idempotent POSTs), the tenant-scoped delivery log, the routing table and the OpenAPI
document."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from notifications import wiring
from notifications.domain.signatures import verify
from notifications.testing.partners import Partner, register_partner
from notifications.testing.webhook_receiver import WebhookReceiver
from servicekit.embedded.probe import free_port
from servicekit.testing.service import ServiceHarness

from .conftest import StartService, World

# Every endpoint that may be called is on the loopback (nothing listens on these ports).
AGENCY_URL = f"http://127.0.0.1:{free_port()}/agency"
CLOSED_PORT_URL = f"http://127.0.0.1:{free_port()}/hooks"


@pytest.fixture(scope="module")
async def service(start_notifications: StartService) -> AsyncIterator[ServiceHarness]:
    async with start_notifications() as harness:
        yield harness


@pytest.fixture(scope="module")
async def partners(service: ServiceHarness) -> dict[str, Partner]:
    runtime = service.runtime
    return {
        "lmc": await register_partner(runtime, "Kyzylorda LMC", "lmc"),
        "agency": await register_partner(runtime, "Fair Jobs Agency", "agency"),
        "operator": await register_partner(runtime, "Berry Fields Ltd", "operator"),
        "ministry": await register_partner(runtime, "MLSP", "ministry"),
        "admin": await register_partner(runtime, "Platform administration", "admin"),
    }


async def test_an_organisation_registers_its_endpoint_and_sees_the_secret_once(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    client, agency = service.client, partners["agency"]
    created = await client.post(
        "/v1/webhook-endpoints",
        json={"url": AGENCY_URL, "language": "ru"},
        headers=agency.headers | {"Idempotency-Key": "endpoint-1"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["organisation_id"] == str(agency.organisation_id)
    assert created.headers["location"] == f"/v1/webhook-endpoints/{body['id']}"

    again = await client.post(
        "/v1/webhook-endpoints",
        json={"url": AGENCY_URL, "language": "ru"},
        headers=agency.headers | {"Idempotency-Key": "endpoint-1"},
    )
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == body

    shown = await client.get(f"/v1/webhook-endpoints/{body['id']}", headers=agency.headers)
    assert "secret" not in shown.json()
    conflict = await client.post(
        "/v1/webhook-endpoints", json={"url": CLOSED_PORT_URL}, headers=agency.headers
    )
    assert conflict.status_code == 409
    assert conflict.json()["existing_endpoint"] == f"/v1/webhook-endpoints/{body['id']}"


async def test_organisations_manage_only_their_own_endpoint(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    client = service.client
    operator, lmc, admin = partners["operator"], partners["lmc"], partners["admin"]
    for_other = await client.post(
        "/v1/webhook-endpoints",
        json={"url": CLOSED_PORT_URL, "organisation_id": str(lmc.organisation_id)},
        headers=operator.headers,
    )
    assert for_other.status_code == 403
    by_admin = await client.post(
        "/v1/webhook-endpoints",
        json={"url": CLOSED_PORT_URL, "organisation_id": str(operator.organisation_id)},
        headers=admin.headers,
    )
    assert by_admin.status_code == 201, by_admin.text
    endpoint = by_admin.json()["id"]

    assert (
        await client.get(f"/v1/webhook-endpoints/{endpoint}", headers=lmc.headers)
    ).status_code == 404
    patched = await client.patch(
        f"/v1/webhook-endpoints/{endpoint}", json={"enabled": False}, headers=lmc.headers
    )
    assert patched.status_code == 404
    ministry_view = await client.get("/v1/webhook-endpoints", headers=partners["ministry"].headers)
    assert endpoint in {e["id"] for e in ministry_view.json()}
    own_view = await client.get("/v1/webhook-endpoints", headers=operator.headers)
    assert [e["id"] for e in own_view.json()] == [endpoint]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://partner.example/hooks", "http:// or https://"),
        ("https://user:pass@partner.example/hooks", "credentials"),
        ("https://partner.example/hooks#part", "fragment"),
    ],
)
async def test_an_endpoint_url_must_be_plain_http_or_https(
    service: ServiceHarness, partners: dict[str, Partner], url: str, message: str
) -> None:
    answer = await service.client.post(
        "/v1/webhook-endpoints", json={"url": url}, headers=partners["ministry"].headers
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "urn:sws:problem:invalid-webhook-endpoint"
    assert message in problem["detail"]
    assert problem["errors"][0]["field"] == "body.url"


async def test_rotation_shows_a_new_secret_once_and_both_sign_during_the_grace_period(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    lmc, client = partners["lmc"], service.client
    receiver = WebhookReceiver().start()
    try:
        created = await client.post(
            "/v1/webhook-endpoints", json={"url": receiver.url}, headers=lmc.headers
        )
        old_secret, endpoint = created.json()["secret"], created.json()["id"]
        rotated = await client.post(
            f"/v1/webhook-endpoints/{endpoint}/rotate-secret", headers=lmc.headers
        )
        assert rotated.status_code == 201
        new_secret = rotated.json()["secret"]
        assert new_secret != old_secret
        assert rotated.json()["previous_secret_expires_at"] is not None

        receiver.secret = new_secret
        world = World(service, lmc, partners["operator"])
        journey = world.worker()
        await world.feed(journey, journey.contact(), journey.registered())
        await wiring.sender(service.runtime).drain()
        [hook] = receiver.accepted
        assert len(hook.headers["webhook-signature"].split()) == 2
        verify(old_secret, hook.headers, hook.body, now=int(time.time()))  # the old one too
    finally:
        receiver.stop()

    audit = await client.get(
        "/v1/audit", params={"entity_id": endpoint}, headers=partners["admin"].headers
    )
    entries = audit.json()["items"]
    assert [e["action"] for e in entries] == [
        "webhook_endpoint.created",
        "webhook_endpoint.secret_rotated",
    ]
    assert old_secret not in audit.text
    assert new_secret not in audit.text


async def test_a_deleted_endpoint_is_audited_and_webhooks_to_it_are_skipped(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    client = service.client
    agency = await register_partner(service.runtime, "Short-lived Agency", "agency")
    created = await client.post(
        "/v1/webhook-endpoints", json={"url": CLOSED_PORT_URL}, headers=agency.headers
    )
    endpoint = created.json()["id"]
    assert (
        await client.delete(f"/v1/webhook-endpoints/{endpoint}", headers=agency.headers)
    ).status_code == 204

    world = World(service, agency, partners["operator"])
    journey = world.worker()
    await world.feed(journey, journey.contact(), journey.registered())
    await wiring.sender(service.runtime).drain()
    log = await client.get(
        "/v1/deliveries", params={"recipient": str(agency.organisation_id)}, headers=agency.headers
    )
    [webhook] = log.json()["items"]
    assert (webhook["status"], webhook["status_reason"]) == (
        "skipped",
        "the organisation has no webhook endpoint",
    )
    audit = await client.get(
        "/v1/audit", params={"entity_id": endpoint}, headers=partners["admin"].headers
    )
    assert audit.json()["items"][-1]["action"] == "webhook_endpoint.deleted"


async def test_the_delivery_log_shows_each_organisation_its_own_and_its_workers(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    client, lmc, agency = service.client, partners["lmc"], partners["agency"]
    world = World(service, lmc, partners["operator"])
    journey = world.worker()
    await world.feed(journey, journey.contact(), journey.registered(), journey.offered())
    await wiring.sender(service.runtime).drain()

    def ids(answer: Any) -> set[str]:
        return {item["recipient_id"] for item in answer.json()["items"]}

    by_worker = {"worker_id": str(journey.worker)}
    mine = await client.get("/v1/deliveries", params=by_worker, headers=lmc.headers)
    assert ids(mine) == {str(journey.worker), str(lmc.organisation_id)}
    assert journey.phone is not None
    assert {i["address"] for i in mine.json()["items"] if i["channel"] == "sms"} == {
        f"{journey.phone[:5]}*****{journey.phone[-2:]}"
    }
    operator = await client.get(
        "/v1/deliveries", params=by_worker, headers=partners["operator"].headers
    )
    assert ids(operator) == {str(partners["operator"].organisation_id)}
    assert (await client.get("/v1/deliveries", params=by_worker, headers=agency.headers)).json()[
        "items"
    ] == []
    everything = await client.get(
        "/v1/deliveries", params=by_worker, headers=partners["ministry"].headers
    )
    assert len(everything.json()["items"]) == 7  # 2 x (SMS, e-mail, LMC) + the operator

    worker_sms = next(i for i in mine.json()["items"] if i["channel"] == "sms")
    detail = await client.get(f"/v1/deliveries/{worker_sms['id']}", headers=lmc.headers)
    assert detail.json()["attempt_log"][0]["outcome"] == "delivered"
    hidden = await client.get(f"/v1/deliveries/{worker_sms['id']}", headers=agency.headers)
    assert hidden.status_code == 404

    first = await client.get(
        "/v1/deliveries", params=by_worker | {"limit": 5}, headers=partners["ministry"].headers
    )
    rest = await client.get(
        "/v1/deliveries",
        params=by_worker | {"limit": 5, "cursor": first.json()["next_cursor"]},
        headers=partners["ministry"].headers,
    )
    assert len(first.json()["items"]) == 5
    assert len(rest.json()["items"]) == 2
    assert rest.json()["next_cursor"] is None


async def test_the_routing_table_is_published_with_the_legally_required_notices(
    service: ServiceHarness, partners: dict[str, Partner]
) -> None:
    routes = (await service.client.get("/v1/routing", headers=partners["lmc"].headers)).json()
    required = {r["template"] for r in routes if r["legally_required"]}
    assert required == {
        "visa_expiring",
        "worker_departed",
        "worker_arrived",
        "recruitment_fee_reported",
        "overstay_risk",
    }
    reminder = next(r for r in routes if r["template"] == "return_reminder")
    assert reminder["reminder"] == "7 days before placement.end_date"


async def test_the_openapi_document_describes_every_route_with_examples(
    service: ServiceHarness,
) -> None:
    document = (await service.client.get("/v1/openapi.json")).json()
    paths = document["paths"]
    for path in (
        "/v1/webhook-endpoints",
        "/v1/deliveries",
        "/v1/routing",
        "/v1/workers/{worker_id}/preferences",
    ):
        assert path in paths
    post = paths["/v1/webhook-endpoints"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    rotate = paths["/v1/webhook-endpoints/{endpoint_id}/rotate-secret"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in rotate["parameters"]}
    schemas = document["components"]["schemas"]
    for name in (
        "WebhookEndpointCreate",
        "WebhookEndpointCreated",
        "WebhookEndpointPublic",
        "DeliveryPublic",
        "DeliveryDetail",
        "PreferencesPublic",
        "RoutePublic",
    ):
        assert schemas[name].get("examples"), name
