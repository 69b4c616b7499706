"""Orientation sessions: LMCs schedule them, agencies find them, and a session's seats are
taken by completions, never more than its capacity. On the real database and broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from registry_support import Tenant, Tenants
from test_journey_support import (
    add_organisation,
    new_journey,
    schedule_session,
    session_body,
    today,
)

from servicekit.testing.service import ServiceHarness

PATH = "/v1/orientation-sessions"


async def listed(registry: ServiceHarness, by: Tenant, **query: Any) -> set[str]:
    response = await registry.client.get(PATH, params=query, headers=by.headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_an_lmc_schedules_a_session_and_reads_it_back(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    body = session_body(language="ru", capacity=12)

    created = await registry.client.post(PATH, json=body, headers=tenants.lmc.headers)

    assert created.status_code == 201, created.text
    session = created.json()
    assert created.headers["Location"] == f"{PATH}/{session['id']}"
    assert session["organisation_id"] == tenants.lmc.organisation_id
    assert (session["capacity"], session["attendees"], session["seats_left"]) == (12, 0, 12)
    assert session["topics_covered"] == sorted(body["topics_covered"])
    fetched = await registry.client.get(created.headers["Location"], headers=tenants.lmc.headers)
    assert fetched.json() == session


@pytest.mark.parametrize("caller", ["agency_a", "operator", "ministry"])
async def test_only_an_lmc_schedules_sessions(
    registry: ServiceHarness, tenants: Tenants, caller: str
) -> None:
    response = await registry.client.post(
        PATH, json=session_body(), headers=tenants.members[caller].headers
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topics_covered": ["knitting"]}, "body.topics_covered.0"),
        ({"capacity": 0}, "body.capacity"),
        ({"language": "de"}, "body.language"),
        ({"trainer_name": "  "}, "body.trainer_name"),
    ],
)
async def test_a_malformed_session_names_the_field(
    registry: ServiceHarness, tenants: Tenants, change: dict[str, Any], field: str
) -> None:
    response = await registry.client.post(
        PATH, json=session_body(**change), headers=tenants.lmc.headers
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_an_lmc_sees_its_own_sessions_and_agencies_and_the_ministry_see_every_lmcs(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    other_lmc = await add_organisation(
        registry, tenants, name="Zhambyl LMC", kind="lmc", region="Zhambyl"
    )
    ours = await schedule_session(registry, tenants.lmc)
    theirs = await schedule_session(registry, other_lmc, language="en")

    assert ours in await listed(registry, tenants.lmc)
    assert theirs not in await listed(registry, tenants.lmc)
    assert {ours, theirs} <= await listed(registry, tenants.agency_b)
    assert {ours, theirs} <= await listed(registry, tenants.ministry)
    assert theirs in await listed(registry, tenants.agency_b, language="en")
    assert ours not in await listed(registry, tenants.agency_b, language="en")
    hidden = await registry.client.get(f"{PATH}/{theirs}", headers=tenants.lmc.headers)
    assert hidden.status_code == 404
    assert hidden.json()["type"] == "urn:sws:problem:orientation-session-not-found"
    operator = await registry.client.get(PATH, headers=tenants.operator.headers)
    assert operator.status_code == 403


async def test_the_listing_pages_through_sessions_by_date(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    lmc = await add_organisation(registry, tenants, name="Paging LMC", kind="lmc", region="Abai")
    created = [
        await schedule_session(registry, lmc, session_date=f"2030-03-0{day}") for day in (3, 1, 2)
    ]

    first = await registry.client.get(PATH, params={"limit": 2}, headers=lmc.headers)
    second = await registry.client.get(
        PATH, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=lmc.headers
    )
    bad = await registry.client.get(PATH, params={"cursor": "nonsense"}, headers=lmc.headers)

    dates = [s["session_date"] for s in first.json()["items"] + second.json()["items"]]
    assert dates == ["2030-03-01", "2030-03-02", "2030-03-03"]
    assert {s["id"] for s in first.json()["items"] + second.json()["items"]} == set(created)
    assert second.json()["next_cursor"] is None
    assert bad.status_code == 422


# -- completing orientation in a session -----------------------------------------------------------


async def test_a_full_session_refuses_the_next_worker_and_changes_nothing(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    session_id = await schedule_session(registry, tenants.lmc, capacity=1)
    first = await new_journey(registry, tenants, stage="screened")
    second = await new_journey(registry, tenants, stage="screened")
    body = {"session_id": session_id, "attended_on": today()}

    seated = await first.post("orientation", body)
    refused = await second.post("orientation", body)

    assert seated.status_code == 200, seated.text
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:sws:problem:orientation-session-full"
    assert await second.stage() == "screened"
    assert await second.new_events() == []
    session = await registry.client.get(f"{PATH}/{session_id}", headers=tenants.lmc.headers)
    assert (session.json()["attendees"], session.json()["seats_left"]) == (1, 0)


async def test_concurrent_completions_never_take_more_seats_than_the_session_has(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    session_id = await schedule_session(registry, tenants.lmc, capacity=2)
    journeys = [await new_journey(registry, tenants, stage="screened") for _ in range(5)]
    body = {"session_id": session_id, "attended_on": today()}

    answers = await asyncio.gather(*(j.post("orientation", body) for j in journeys))

    assert sorted(a.status_code for a in answers) == [200, 200, 409, 409, 409]
    stages = [await j.stage() for j in journeys]
    assert sorted(stages) == ["oriented", "oriented", "screened", "screened", "screened"]


async def test_a_refused_completion_does_not_keep_a_seat(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    session_id = await schedule_session(registry, tenants.lmc, capacity=1)
    journey = await new_journey(registry, tenants, stage="screened")

    wrong_day = await journey.post(
        "orientation", {"session_id": session_id, "attended_on": "2020-01-01"}
    )
    right_day = await journey.post(
        "orientation", {"session_id": session_id, "attended_on": today()}
    )

    assert wrong_day.status_code == 422
    assert [e["field"] for e in wrong_day.json()["errors"]] == ["body.attended_on"]
    assert right_day.status_code == 200, right_day.text
    assert await journey.new_events() == ["OrientationCompleted"]


def tomorrow() -> str:
    return (datetime.now(UTC).date() + timedelta(days=1)).isoformat()


async def a_session(registry: ServiceHarness, lmc: Tenant, kind: str) -> str:
    if kind == "unknown":
        return str(uuid.uuid4())
    if kind == "two_topics":
        topics = ["health_and_safety", "living_conditions"]
        return await schedule_session(registry, lmc, topics_covered=topics)
    return await schedule_session(registry, lmc, session_date=tomorrow())


@pytest.mark.parametrize(
    ("session", "attended_on", "status", "field"),
    [
        ("unknown", today, 404, "body.session_id"),
        ("two_topics", today, 422, "body.session_id"),
        ("tomorrow", tomorrow, 422, "body.attended_on"),
    ],
)
async def test_a_completion_names_what_is_wrong_with_the_session_or_the_day(
    registry: ServiceHarness,
    tenants: Tenants,
    session: str,
    attended_on: Callable[[], str],
    status: int,
    field: str,
) -> None:
    session_id = await a_session(registry, tenants.lmc, session)
    journey = await new_journey(registry, tenants, stage="screened")

    response = await journey.post(
        "orientation", {"session_id": session_id, "attended_on": attended_on()}
    )

    assert response.status_code == status, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await journey.stage() == "screened"


async def test_an_agency_sends_its_worker_to_an_lmcs_session(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    session_id = await schedule_session(registry, tenants.lmc)
    journey = await new_journey(registry, tenants, owner=tenants.agency_b, stage="screened")

    response = await journey.post("orientation", {"session_id": session_id, "attended_on": today()})

    assert response.status_code == 200, response.text
    [orientation] = response.json()["orientations"]
    assert orientation["session_id"] == session_id
    assert orientation["trainer_name"] == "Gulnara Sadykova"
