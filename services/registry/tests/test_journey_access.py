"""Who may take which journey step: an organisation with no part in the worker is told it does
not exist (404) on every route; one that may see it but not take the step gets 403; refused
calls change nothing. On the real database and broker."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from registry_support import Tenant, Tenants
from test_journey_support import (
    SEASON,
    Journey,
    add_operator,
    add_organisation,
    d,
    grievance_body,
    new_journey,
    placement_body,
    today,
    welfare_body,
)

from servicekit.testing.service import ServiceHarness

_READS = {"journey", "placement", "grievance"}
_OVERSIGHT = {"referral", "resolution"}


def routes(journey: Journey) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """Every journey route on the worker, with a valid body: name -> (method, path, body)."""
    placement = f"placements/{journey.placement_id}"
    grievance = f"grievances/{journey.grievance_id}"
    return {
        "screenings": ("POST", "screenings", SEASON),
        "orientation": ("POST", "orientation", {
            "session_id": str(uuid.uuid4()), "attended_on": today(),
        }),
        "offer": ("POST", "placements", placement_body(journey.operator.organisation_id)),
        "acceptance": ("POST", f"{placement}/acceptance", None),
        "decline": ("POST", f"{placement}/decline", {"reason": "Too far."}),
        "withdrawal": ("POST", "withdrawal", {"reason": "Changed plans."}),
        "departure": ("POST", "departure", {"departure_date": d(4, 5)}),
        "arrival": ("POST", "arrival", {"arrival_date": d(4, 6)}),
        "contract-end": ("POST", "contract-end", {"end_date": d(9, 19), "reason": "completed"}),
        "return": ("POST", "return", {"return_date": d(9, 20)}),
        "welfare-checks": ("POST", "welfare-checks", welfare_body()),
        "grievances": ("POST", "grievances", grievance_body()),
        "referral": ("POST", f"{grievance}/referral", {"reference": "GLAA-9"}),
        "resolution": ("POST", f"{grievance}/resolution", {"outcome": "not_upheld"}),
        "recruitment-fees": ("POST", "recruitment-fees", {
            "amount": "10.00", "currency": "GBP", "charged_by": journey.owner.organisation_id,
        }),
        "assignments": ("POST", "assignments", {"organisation_id": journey.owner.organisation_id}),
        "profile": ("PATCH", "", {"region": "Almaty"}),
        "journey": ("GET", "journey", None),
        "placement": ("GET", placement, None),
        "grievance": ("GET", grievance, None),
    }  # fmt: skip


async def call(journey: Journey, name: str, by: Tenant) -> httpx.Response:
    method, sub_path, body = routes(journey)[name]
    path = f"{journey.path}/{sub_path}" if sub_path else journey.path
    return await journey.registry.client.request(method, path, json=body, headers=by.headers)


async def statuses(journey: Journey, by: Tenant, names: set[str] | None = None) -> dict[str, int]:
    chosen = names if names is not None else set(routes(journey))
    return {name: (await call(journey, name, by)).status_code for name in sorted(chosen)}


async def offered_with_a_grievance(registry: ServiceHarness, tenants: Tenants) -> Journey:
    journey = await new_journey(registry, tenants, stage="offered")
    assert (await journey.raise_grievance()).status_code == 201
    await journey.new_events()
    return journey


async def test_an_agency_with_no_part_in_the_worker_gets_404_on_every_route(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await offered_with_a_grievance(registry, tenants)

    found = await statuses(journey, tenants.agency_b)

    assert found == dict.fromkeys(found, 404)
    assert await journey.stage() == "offered"
    assert await journey.new_events() == []


async def test_an_operator_with_no_placement_for_the_worker_gets_404_on_every_route(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await offered_with_a_grievance(registry, tenants)
    stranger = await add_operator(registry, tenants, "Unrelated Farms Ltd")

    found = await statuses(journey, stranger)

    assert found == dict.fromkeys(found, 404)


async def test_the_ministry_reads_everything_and_only_refers_and_resolves_grievances(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await offered_with_a_grievance(registry, tenants)
    changes = set(routes(journey)) - _READS - _OVERSIGHT

    refused = await statuses(journey, tenants.ministry, changes)
    reads = await statuses(journey, tenants.ministry, _READS)
    referred = await call(journey, "referral", tenants.ministry)
    resolved = await call(journey, "resolution", tenants.ministry)

    assert refused == dict.fromkeys(changes, 403)
    assert reads == dict.fromkeys(_READS, 200)
    assert (referred.status_code, resolved.status_code) == (200, 200)
    assert resolved.json()["status"] == "resolved"
    assert await journey.new_events() == ["GrievanceReferred", "GrievanceResolved"]
    assert await journey.stage() == "offered"


async def test_an_admin_reads_but_changes_nothing(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await offered_with_a_grievance(registry, tenants)
    changes = set(routes(journey)) - _READS

    refused = await statuses(journey, tenants.admin, changes)
    reads = await statuses(journey, tenants.admin, _READS)

    assert refused == dict.fromkeys(changes, 403)
    assert reads == dict.fromkeys(_READS, 200)
    assert await journey.new_events() == []


async def test_a_refusal_is_a_problem_that_names_no_field(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await offered_with_a_grievance(registry, tenants)

    response = await call(journey, "withdrawal", tenants.ministry)

    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:sws:problem:forbidden"
    assert response.json()["errors"] == []


# -- operators -------------------------------------------------------------------------------------


async def departed_after_another_operators_offer(
    registry: ServiceHarness, tenants: Tenants
) -> tuple[Journey, Tenant]:
    """A worker who declined ``other``'s offer, then took the module operator's and departed."""
    other = await add_operator(registry, tenants, f"Other Growers {uuid.uuid4().hex[:4]}")
    journey = await new_journey(registry, tenants, stage="oriented")
    assert (await journey.offer(operator=other)).status_code == 201
    declined = await journey.post(f"placements/{journey.placement_id}/decline", {"reason": "No."})
    assert declined.status_code == 200
    await journey.reach("departed")
    return journey, other


async def test_the_operator_of_another_placement_may_not_act_for_the_worker(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey, other = await departed_after_another_operators_offer(registry, tenants)
    assert (await journey.raise_grievance()).status_code == 201
    await journey.new_events()
    operator_steps = {"arrival", "contract-end", "welfare-checks", "grievances"}

    refused = await statuses(journey, other, operator_steps)
    seen = await journey.journey(by=other)
    arrived = await journey.arrive()

    assert refused == dict.fromkeys(operator_steps, 403)
    assert arrived.status_code == 200, arrived.text
    assert [p["operator_id"] for p in seen["placements"]] == [other.organisation_id]
    assert (seen["grievances"], seen["fees"], seen["screenings"]) == ([], [], [])
    assert await journey.new_events() == ["WorkerArrived"]


async def test_the_placements_operator_takes_its_steps_and_no_others(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="arrived")
    assert (await journey.raise_grievance()).status_code == 201
    owner_steps = {
        "screenings", "orientation", "offer", "withdrawal", "departure", "return",
        "referral", "resolution", "recruitment-fees", "assignments", "profile",
    }  # fmt: skip

    refused = await statuses(journey, journey.operator, owner_steps)
    check = await call(journey, "welfare-checks", journey.operator)
    grievance = await call(journey, "grievances", journey.operator)
    hidden = await call(journey, "grievance", journey.operator)

    assert refused == dict.fromkeys(owner_steps, 403)
    assert (check.status_code, grievance.status_code) == (201, 201)
    assert hidden.status_code == 404, "an operator does not read the worker's grievances"


async def test_an_operator_raises_grievances_about_its_own_placement_only(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey, _ = await departed_after_another_operators_offer(registry, tenants)
    declined_offer = next(
        p["id"] for p in (await journey.journey())["placements"] if p["status"] == "declined"
    )

    response = await journey.post(
        "grievances", grievance_body(placement_id=declined_offer), by=journey.operator
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.placement_id"]


@pytest.mark.parametrize("step", ["arrival", "contract-end"])
async def test_the_lmc_or_agency_looking_after_the_worker_does_not_take_the_operators_steps(
    registry: ServiceHarness, tenants: Tenants, step: str
) -> None:
    journey = await new_journey(registry, tenants, stage="departed")

    response = await call(journey, step, journey.owner)

    assert response.status_code == 403
    assert await journey.stage() == "departed"


async def test_an_inactive_organisation_changes_nothing_on_its_workers(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    agency = await add_organisation(
        registry, tenants, name="Closing Agency", kind="agency",
        licence_number="PEA-C", licence_valid_until="2099-12-31",
    )  # fmt: skip
    journey = await new_journey(registry, tenants, owner=agency)
    await registry.client.patch(
        f"/v1/organisations/{agency.organisation_id}",
        json={"active": False},
        headers=tenants.admin.headers,
    )

    response = await journey.screen()

    assert response.status_code == 403
    assert (await journey.journey())["stage"] == "registered"
