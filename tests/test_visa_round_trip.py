"""Registry → visa → registry on the real broker, every service a real process: accepting a
placement in the registry opens a visa case; the visa decision moves the worker's journey
(granted → visa_granted; refused → visa_refused; reopened → visa_applied again)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from system_support import RunningSystem, organisation_with_key, valid_iin

from servicekit.testing.support import wait_until

TODAY = datetime.now(UTC).date()
# A placement soon enough that its visa application may be submitted today (3 months ahead).
START = TODAY + timedelta(days=30)
END = START + timedelta(days=150)
TOPICS = ["health_and_safety", "living_conditions", "emergency_contacts", "financial_literacy"]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass
class Parties:
    lmc: dict[str, str]
    operator: dict[str, str]
    operator_id: str


async def parties(system: RunningSystem) -> Parties:
    tag = uuid.uuid4().hex[:6]
    _, lmc = await organisation_with_key(
        system, {"name": f"Turkistan LMC {tag}", "kind": "lmc", "region": "Turkistan"}
    )
    operator_id, operator = await organisation_with_key(
        system, {"name": f"Farm Labour {tag}", "kind": "operator", "licence_number": f"GLAA-{tag}"}
    )
    found = Parties(bearer(lmc), bearer(operator), operator_id)

    async def keys_reached_visa() -> bool:
        async with system.client("visa") as visa:
            for headers in (found.lmc, found.operator):
                if (await visa.get("/v1/cases", headers=headers)).status_code != 200:
                    return False
        return True

    await wait_until(keys_reached_visa, timeout=60, every=0.5)
    return found


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"{response.request.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


async def matched_worker(system: RunningSystem, who: Parties) -> str:
    """A worker taken through the registry's journey API to an accepted placement."""
    worker = {
        "iin": valid_iin(), "given_name": "Dana", "family_name": "Example",
        "date_of_birth": "1999-03-05", "sex": "female", "region": "Turkistan",
        "phone": "+77017654321", "preferred_language": "kk", "passport_number": "N87654321",
        "passport_expiry": (TODAY + timedelta(days=5 * 365)).isoformat(),
        "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
    }  # fmt: skip
    session = {
        "session_date": TODAY.isoformat(), "language": "kk", "trainer_name": "Gulnara Sadykova",
        "location": "Turkistan LMC", "topics_covered": TOPICS, "capacity": 30,
    }  # fmt: skip
    placement = {
        "operator_id": who.operator_id, "farm_name": "Hillside Berries",
        "sector": "horticulture", "uk_region": "West Midlands", "start_date": START.isoformat(),
        "end_date": END.isoformat(), "hourly_wage": "12.21", "hours_per_week": "39.0",
        "accommodation": {"provided": True, "weekly_cost": "60.00"},
    }  # fmt: skip
    async with system.client("registry") as registry:
        worker_id = (await ok(await registry.post("/v1/workers", json=worker, headers=who.lmc)))[
            "id"
        ]
        path = f"/v1/workers/{worker_id}"
        season = {"season_start": START.isoformat(), "season_end": END.isoformat()}
        screened = await ok(await registry.post(f"{path}/screenings", json=season, headers=who.lmc))
        assert screened["eligible"] is True, screened
        session_id = (
            await ok(await registry.post("/v1/orientation-sessions", json=session, headers=who.lmc))
        )["id"]
        attended = {"session_id": session_id, "attended_on": TODAY.isoformat()}
        await ok(await registry.post(f"{path}/orientation", json=attended, headers=who.lmc))
        offer = await ok(await registry.post(f"{path}/placements", json=placement, headers=who.lmc))
        await ok(
            await registry.post(f"{path}/placements/{offer['id']}/acceptance", headers=who.lmc)
        )
    return str(worker_id)


async def stage_becomes(system: RunningSystem, worker_id: str, who: Parties, stage: str) -> None:
    async def reached() -> bool:
        async with system.client("registry") as registry:
            journey = await registry.get(f"/v1/workers/{worker_id}/journey", headers=who.lmc)
        return bool(journey.status_code == 200 and journey.json()["stage"] == stage)

    await wait_until(reached, timeout=60, every=0.3)


async def case_of(system: RunningSystem, worker_id: str, who: Parties) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    async def opened() -> bool:
        async with system.client("visa") as visa:
            page = await visa.get("/v1/cases", params={"worker_id": worker_id}, headers=who.lmc)
        found[:] = page.json()["items"] if page.status_code == 200 else []
        return bool(found)

    await wait_until(opened, timeout=60, every=0.3)
    assert len(found) == 1, found
    return found[0]


async def apply(system: RunningSystem, case_id: str, who: Parties) -> None:
    """The operator sponsors; the LMC submits the application and records the biometrics."""

    def day(days: int) -> str:
        return (TODAY - timedelta(days=days)).isoformat()

    cos = {"cos_number": f"COS-{uuid.uuid4().hex[:10].upper()}", "issued_on": day(3)}
    application = {"submitted_on": day(2), "application_reference": "GWF071234567"}
    path = f"/v1/cases/{case_id}"
    async with system.client("visa") as visa:
        await ok(await visa.post(f"{path}/sponsorship", json=cos, headers=who.operator))
        await ok(await visa.post(f"{path}/application", json=application, headers=who.lmc))
        await ok(await visa.post(f"{path}/biometrics", json={"recorded_on": day(1)},
                                 headers=who.lmc))  # fmt: skip


async def decide(system: RunningSystem, case_id: str, who: Parties, body: dict[str, Any]) -> None:
    decision = {"decided_on": TODAY.isoformat()} | body
    headers = who.operator | {"Idempotency-Key": str(uuid.uuid4())}
    async with system.client("visa") as visa:
        await ok(await visa.post(f"/v1/cases/{case_id}/decision", json=decision, headers=headers))


async def test_an_accepted_placement_opens_a_case_and_a_grant_moves_the_journey(
    system: RunningSystem,
) -> None:
    who = await parties(system)
    worker_id = await matched_worker(system, who)

    case = await case_of(system, worker_id, who)
    assert (case["status"], case["placement_start"]) == ("open", START.isoformat())
    assert case["operator_id"] == who.operator_id
    await stage_becomes(system, worker_id, who, "visa_applied")

    await apply(system, case["id"], who)
    await decide(system, case["id"], who, {
        "outcome": "granted", "visa_start": START.isoformat(), "visa_end": END.isoformat(),
    })  # fmt: skip
    await stage_becomes(system, worker_id, who, "visa_granted")

    async with system.client("registry") as registry:
        journey = (await registry.get(f"/v1/workers/{worker_id}/journey", headers=who.lmc)).json()
    visa_case = journey["visa_cases"][-1]
    assert visa_case["case_id"] == case["id"]
    assert (visa_case["visa_start"], visa_case["visa_end"]) == (START.isoformat(), END.isoformat())


async def test_a_refusal_moves_the_journey_to_visa_refused_and_a_reopening_back(
    system: RunningSystem,
) -> None:
    who = await parties(system)
    worker_id = await matched_worker(system, who)
    case = await case_of(system, worker_id, who)
    await stage_becomes(system, worker_id, who, "visa_applied")

    await apply(system, case["id"], who)
    await decide(system, case["id"], who, {
        "outcome": "refused", "reason_code": "insufficient_documents",
        "reason_text": "The employment history could not be verified.",
    })  # fmt: skip
    await stage_becomes(system, worker_id, who, "visa_refused")

    async with system.client("visa") as visa:
        await ok(await visa.post(f"/v1/cases/{case['id']}/reopen", headers=who.operator))
    await stage_becomes(system, worker_id, who, "visa_applied")
    await apply(system, case["id"], who)
    await decide(system, case["id"], who, {
        "outcome": "granted", "visa_start": START.isoformat(), "visa_end": END.isoformat(),
    })  # fmt: skip
    await stage_becomes(system, worker_id, who, "visa_granted")
