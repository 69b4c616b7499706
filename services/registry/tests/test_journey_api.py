"""A worker's journey through the API, from registration to return, on the real database and
broker: each step moves the stage the domain says and publishes exactly its contract events;
steps out of order are refused with the steps allowed instead."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from registry_support import Tenants
from test_journey_support import (
    SEASON,
    Journey,
    add_organisation,
    d,
    grievance_body,
    new_journey,
    placement_body,
    today,
    welfare_body,
)

from servicekit.inbox import Outcome
from servicekit.testing.service import ServiceHarness


async def test_a_worker_goes_from_registration_to_return_through_the_api(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)
    assert await journey.published() == [
        "sws.WorkerRegistered.v1",
        "sws.WorkerContactDetailsChanged.v1",
    ]

    async def step(response: Any, status: int, stage: str, published: list[str]) -> Any:
        if isinstance(response, Outcome):
            assert response is Outcome.APPLIED
        else:
            assert response.status_code == status, response.text
        assert await journey.stage() == stage
        assert await journey.new_events() == published
        return response

    screened = await step(await journey.screen(), 201, "screened", ["WorkerScreened"])
    assert screened.json()["eligible"] is True
    assert screened.json()["allowed_actions"] == ["complete_orientation", "withdraw"]
    await step(await journey.orient(), 200, "oriented", ["OrientationCompleted"])
    offered = await step(await journey.offer(), 201, "offered", ["PlacementOffered"])
    assert offered.headers["Location"] == f"{journey.path}/placements/{journey.placement_id}"
    located = await registry.client.get(
        offered.headers["Location"], headers=tenants.agency_a.headers
    )
    assert located.json() == offered.json()
    await step(await journey.accept(), 200, "matched", ["PlacementAccepted"])

    # The visa service's part: its case events, consumed by the registry, publish nothing more.
    await step(await journey.open_visa_case(), 0, "visa_applied", [])
    await step(await journey.grant_visa(), 0, "visa_granted", [])

    await step(await journey.depart(), 200, "departed", ["WorkerDeparted"])
    await step(await journey.arrive(), 200, "arrived", ["WorkerArrived"])
    check = await step(
        await journey.post("welfare-checks", welfare_body(), by=journey.operator),
        201,
        "arrived",
        ["WelfareCheckRecorded"],
    )
    assert check.json()["recorded_by"] == journey.operator.organisation_id
    raised = await step(
        await journey.raise_grievance(placement_id=journey.placement_id),
        201,
        "arrived",
        ["GrievanceRaised"],
    )
    assert raised.json()["needs_referral"] is True
    assert raised.json()["operator_id"] == journey.operator.organisation_id
    assert raised.headers["Location"] == f"{journey.path}/grievances/{journey.grievance_id}"
    grievance = f"grievances/{journey.grievance_id}"
    referred = await step(
        await journey.post(f"{grievance}/referral", {"reference": "GLAA-2027-00123"}),
        200,
        "arrived",
        ["GrievanceReferred"],
    )
    assert referred.json()["status"] == "referred"
    resolved = await step(
        await journey.post(f"{grievance}/resolution", {"outcome": "upheld_remedied"}),
        200,
        "arrived",
        ["GrievanceResolved"],
    )
    assert resolved.json()["status"] == "resolved"
    fee = {"amount": "150000.00", "currency": "KZT", "charged_by": tenants.agency_b.organisation_id}
    reported = await step(
        await journey.post("recruitment-fees", fee), 201, "arrived", ["RecruitmentFeeReported"]
    )
    assert reported.json()["compliance_breach"] is True
    await step(await journey.end_contract(), 200, "contract_ended", ["ContractEnded"])
    returned = await step(await journey.come_back(), 200, "returned", ["WorkerReturned"])

    view = returned.json()
    assert view["allowed_actions"] == ["screen"]
    assert view["season"] == int(SEASON["season_start"][:4])
    [trip] = view["trips"]
    assert (trip["departure_date"], trip["arrival_date"], trip["contract_end"]) == (
        d(4, 5),
        d(4, 6),
        d(9, 19),
    )
    assert trip["return_date"] == d(9, 20)
    assert trip["follow_up"] == {
        "wishes_to_return": True,
        "earnings": "5200.00",
        "remittances": "3100.00",
    }
    assert [p["status"] for p in view["placements"]] == ["ended"]
    assert [c["status"] for c in view["visa_cases"]] == ["granted"]
    assert "passport_number" not in json.dumps(view)


async def test_every_step_is_audited_with_the_stage_before_and_after(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="offered")

    entries = await registry.client.get(
        "/v1/audit",
        params={"entity_type": "worker", "entity_id": journey.worker_id},
        headers=tenants.admin.headers,
    )

    steps = [(e["action"], e["before"], e["after"]) for e in entries.json()["items"]]
    assert [action for action, _, _ in steps] == [
        "worker.registered",
        "worker.screened",
        "worker.orientation_completed",
        "worker.placement_offered",
    ]
    _, before, after = steps[-1]
    assert before == {"stage": "oriented"}
    assert after == {
        "stage": "offered",
        "placement_id": journey.placement_id,
        "operator_id": journey.operator.organisation_id,
    }
    assert {e["actor_organisation_id"] for e in entries.json()["items"][1:]} == {
        tenants.agency_a.organisation_id
    }


# -- steps out of order ----------------------------------------------------------------------------

_BY_OPERATOR = {"arrival", "contract-end"}


def _any_step(name: str, journey: Journey) -> tuple[str, dict[str, Any] | None]:
    bodies: dict[str, tuple[str, dict[str, Any] | None]] = {
        "screen": ("screenings", SEASON),
        "orientation": ("orientation", {"session_id": str(uuid.uuid4()), "attended_on": today()}),
        "offer": ("placements", placement_body(journey.operator.organisation_id)),
        "accept": (f"placements/{uuid.uuid4()}/acceptance", None),
        "decline": (f"placements/{uuid.uuid4()}/decline", {"reason": "too far"}),
        "departure": ("departure", {"departure_date": d(4, 5)}),
        "arrival": ("arrival", {"arrival_date": d(4, 6)}),
        "contract-end": ("contract-end", {"end_date": d(9, 19), "reason": "completed"}),
        "return": ("return", {"return_date": d(9, 20)}),
        "welfare": ("welfare-checks", welfare_body()),
        "withdrawal": ("withdrawal", {"reason": "changed my mind"}),
    }
    return bodies[name]


@pytest.mark.parametrize(
    ("stage", "step", "allowed"),
    [
        ("registered", "orientation", ["screen", "withdraw"]),
        ("screened", "offer", ["complete_orientation", "withdraw"]),
        ("oriented", "accept", ["offer_placement", "withdraw"]),
        ("oriented", "decline", ["offer_placement", "withdraw"]),
        ("offered", "screen", ["accept_placement", "decline_placement", "withdraw"]),
        ("matched", "departure", ["open_visa_case", "withdraw"]),
        ("matched", "arrival", ["open_visa_case", "withdraw"]),
        ("matched", "welfare", ["open_visa_case", "withdraw"]),
        ("visa_applied", "departure", ["grant_visa", "refuse_visa", "withdraw"]),
        ("departed", "withdrawal", ["confirm_arrival", "record_welfare_check", "record_return"]),
        ("departed", "contract-end", ["confirm_arrival", "record_welfare_check", "record_return"]),
        ("arrived", "return", ["end_contract", "record_welfare_check"]),
    ],
)
async def test_a_step_the_stage_does_not_allow_is_refused_with_the_steps_it_does(
    registry: ServiceHarness, tenants: Tenants, stage: str, step: str, allowed: list[str]
) -> None:
    journey = await new_journey(registry, tenants, stage=stage)
    path, body = _any_step(step, journey)

    response = await journey.post(path, body, by=journey.operator if step in _BY_OPERATOR else None)

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:sws:problem:illegal-transition"
    assert problem["current_stage"] == stage
    assert problem["allowed_actions"] == allowed
    assert await journey.stage() == stage
    assert await journey.new_events() == []


async def test_screening_again_for_a_season_the_worker_withdrew_from_names_the_season(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="screened")
    assert (await journey.post("withdrawal", {"reason": "family matters"})).status_code == 200

    same_season = await journey.screen()
    next_season = await journey.post(
        "screenings",
        {k: f"{int(v[:4]) + 1}{v[4:]}" for k, v in SEASON.items()},
    )

    # The stage allows screening; the season is what is wrong, so the field is named (422).
    assert same_season.status_code == 422, same_season.text
    assert [e["field"] for e in same_season.json()["errors"]] == ["body.season_start"]
    assert next_season.status_code == 201, next_season.text
    assert next_season.json()["stage"] == "screened"
    assert await journey.new_events() == ["WorkerWithdrawn", "WorkerScreened"]


async def test_an_ineligible_screening_is_recorded_and_leaves_the_stage(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)
    season = {
        "season_start": SEASON["season_start"],
        "season_end": f"{SEASON['season_end'][:4]}-12-31",
    }

    response = await journey.post("screenings", season)

    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["eligible"], result["stage"]) == (False, "registered")
    assert [r["code"] for r in result["reasons"]] == ["uk_stay_limit_exceeded"]
    assert await journey.new_events() == ["WorkerScreened"]


async def test_a_declined_offer_returns_the_worker_to_oriented_for_the_next_offer(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="offered")
    first = journey.placement_id

    declined = await journey.post(f"placements/{first}/decline", {"reason": "Too far from home."})
    second = await journey.offer(farm_name="Valley Poultry", sector="poultry")

    assert declined.status_code == 200
    assert declined.json()["stage"] == "oriented"
    assert second.status_code == 201
    view = await journey.journey()
    assert [(p["id"], p["status"]) for p in view["placements"]] == [
        (first, "declined"),
        (journey.placement_id, "offered"),
    ]
    assert view["placements"][0]["decline_reason"] == "Too far from home."
    assert await journey.new_events() == ["PlacementDeclined", "PlacementOffered"]


async def test_after_a_visa_refusal_a_new_offer_replaces_the_accepted_placement(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="visa_applied")
    assert await journey.refuse_visa() is Outcome.APPLIED
    assert await journey.stage() == "visa_refused"

    again = await journey.offer()

    assert again.status_code == 201, again.text
    statuses = [p["status"] for p in (await journey.journey())["placements"]]
    assert statuses == ["withdrawn", "offered"]


async def test_accepting_an_offer_that_is_not_pending_is_a_404_naming_the_path(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="offered")

    response = await journey.post(f"placements/{uuid.uuid4()}/acceptance")

    assert response.status_code == 404
    problem = response.json()
    assert problem["type"] == "urn:sws:problem:placement-not-found"
    assert [e["field"] for e in problem["errors"]] == ["path.placement_id"]


@pytest.mark.parametrize(
    ("stage", "sub_path", "body", "field"),
    [
        ("oriented", "placements", {"end_date": d(12, 1)}, "body.end_date"),
        ("oriented", "placements", {"end_date": d(3, 1)}, "body.end_date"),
        ("oriented", "placements", {"hours_per_week": "39.25"}, "body.hours_per_week"),
        ("oriented", "placements", {"accommodation": {"provided": False, "weekly_cost": "10.00"}},
         "body.accommodation.weekly_cost"),
        ("visa_granted", "departure", {"departure_date": d(11, 1)}, "body.departure_date"),
        ("registered", "screenings", {"season_end": d(3, 1)}, "body.season_end"),
    ],
)  # fmt: skip
async def test_a_rule_broken_by_a_field_names_the_field(
    registry: ServiceHarness,
    tenants: Tenants,
    stage: str,
    sub_path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    journey = await new_journey(registry, tenants, stage=stage)
    base: dict[str, Any] = {
        "placements": placement_body(journey.operator.organisation_id),
        "departure": {"departure_date": d(4, 5)},
        "screenings": dict(SEASON),
    }[sub_path]

    response = await journey.post(sub_path, base | body)

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await journey.stage() == stage


@pytest.mark.parametrize(
    "operator",
    ["agency_b", "unknown", "ministry"],
)
async def test_an_offer_names_an_active_scheme_operator(
    registry: ServiceHarness, tenants: Tenants, operator: str
) -> None:
    journey = await new_journey(registry, tenants, stage="oriented")
    operator_id = (
        str(uuid.uuid4()) if operator == "unknown" else tenants.members[operator].organisation_id
    )

    response = await journey.post("placements", placement_body(operator_id))

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.operator_id"]


async def test_an_offer_retried_with_the_same_key_creates_one_placement(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="oriented")
    body = placement_body(journey.operator.organisation_id)

    first = await journey.post("placements", body, key="offer-1")
    retry = await journey.post("placements", body, key="offer-1")

    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert len((await journey.journey())["placements"]) == 1
    assert await journey.new_events() == ["PlacementOffered"]


async def test_every_journey_post_replays_a_retry(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants, stage="arrived")

    answers = [
        await journey.post("grievances", grievance_body(), key="grievance-7") for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert len((await journey.journey())["grievances"]) == 1


async def test_a_grievance_is_referred_once_and_resolved_once(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)
    await journey.raise_grievance(category="recruitment_fee", severity="critical")
    grievance = f"grievances/{journey.grievance_id}"
    await journey.post(f"{grievance}/referral", {"reference": "GLAA-1"})

    again = await journey.post(f"{grievance}/referral", {"reference": "GLAA-2"})
    resolved = await journey.post(f"{grievance}/resolution", {"outcome": "not_upheld"})
    resolved_again = await journey.post(f"{grievance}/resolution", {"outcome": "withdrawn"})
    unknown = await journey.post(f"grievances/{uuid.uuid4()}/referral", {"reference": "GLAA-3"})

    assert again.status_code == 409
    assert again.json()["type"] == "urn:sws:problem:grievance-closed"
    assert resolved.status_code == 200
    assert resolved_again.status_code == 409
    assert unknown.status_code == 404
    assert [e["field"] for e in unknown.json()["errors"]] == ["path.grievance_id"]
    assert await journey.new_events() == [
        "GrievanceRaised",
        "GrievanceReferred",
        "GrievanceResolved",
    ]


async def test_a_grievance_naming_a_placement_the_worker_never_had_names_the_field(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)

    response = await journey.raise_grievance(placement_id=str(uuid.uuid4()))

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.placement_id"]


async def test_a_fee_report_names_a_registered_organisation_and_zero_is_no_breach(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)

    unknown = await journey.post(
        "recruitment-fees", {"amount": "10.00", "currency": "GBP", "charged_by": str(uuid.uuid4())}
    )
    nothing = await journey.post(
        "recruitment-fees",
        {"amount": "0.00", "currency": "GBP", "charged_by": tenants.agency_a.organisation_id},
    )

    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["body.charged_by"]
    assert nothing.status_code == 201
    assert nothing.json()["compliance_breach"] is False


# -- assignment ------------------------------------------------------------------------------------


async def test_an_assigned_lmc_sees_and_looks_after_the_worker(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    journey = await new_journey(registry, tenants)
    before = await registry.client.get(journey.path, headers=tenants.lmc.headers)

    assigned = await journey.post("assignments", {"organisation_id": tenants.lmc.organisation_id})
    again = await journey.post("assignments", {"organisation_id": tenants.lmc.organisation_id})
    screened = await journey.post("screenings", SEASON, by=tenants.lmc)

    assert before.status_code == 404
    assert assigned.status_code == again.status_code == 201, assigned.text
    assert assigned.json() == {
        "worker_id": journey.worker_id,
        "organisation_id": tenants.lmc.organisation_id,
        "relation": "assigned",
    }
    assert (await registry.client.get(journey.path, headers=tenants.lmc.headers)).status_code == 200
    assert screened.status_code == 201
    listed = await registry.client.get("/v1/workers", headers=tenants.lmc.headers)
    assert journey.worker_id in {w["id"] for w in listed.json()["items"]}
    published = await registry.runtime.pool.fetch(
        "SELECT payload FROM outbox WHERE subject = $1 AND headers->>'ce_type' = $2",
        journey.worker_id,
        "sws.WorkerAssigned.v1",
    )
    assert [json.loads(row["payload"])["assigned_organisation_id"] for row in published] == [
        tenants.lmc.organisation_id
    ], "assigned once, announced once"


@pytest.mark.parametrize("target", ["operator", "ministry", "expired_agency", "unknown"])
async def test_a_worker_is_assigned_only_to_an_lmc_or_an_agency_that_may_recruit(
    registry: ServiceHarness, tenants: Tenants, target: str
) -> None:
    journey = await new_journey(registry, tenants)
    organisation_id = (
        str(uuid.uuid4()) if target == "unknown" else tenants.members[target].organisation_id
    )

    response = await journey.post("assignments", {"organisation_id": organisation_id})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.organisation_id"]


async def test_an_inactive_lmc_cannot_be_assigned(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    closed = await add_organisation(
        registry, tenants, name="Closed LMC", kind="lmc", region="Zhambyl"
    )
    await registry.client.patch(
        f"/v1/organisations/{closed.organisation_id}",
        json={"active": False},
        headers=tenants.admin.headers,
    )
    journey = await new_journey(registry, tenants)

    response = await journey.post("assignments", {"organisation_id": closed.organisation_id})

    assert response.status_code == 422


# -- the API's description -------------------------------------------------------------------------


async def test_every_journey_route_is_described_with_an_operation_id_a_summary_and_examples(
    registry: ServiceHarness,
) -> None:
    document = (await registry.client.get("/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        if path.startswith(("/v1/workers/{worker_id}/", "/v1/orientation-sessions"))
        for method, operation in methods.items()
    ]

    assert len(operations) >= 20
    for path, method, operation in operations:
        assert operation.get("operationId"), (path, method)
        assert operation.get("summary"), (path, method)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            name = body["schema"]["$ref"].rsplit("/", 1)[-1]
            assert schemas[name].get("examples"), name
        if method == "post":
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "Idempotency-Key" in names, (path, method)
    assert {"409", "422"} <= set(
        document["paths"]["/v1/workers/{worker_id}/departure"]["post"]["responses"]
    )
