"""The scheduled check on the real database: notices 30, 14 and 3 days before a visa ends,
exactly once per threshold even with two instances checking at the same time; a CoS that
lapsed unused closes its case; a refusal becomes final when the placement is over."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from contracts.events.registry import WorkerReturned
from servicekit.service import Runtime
from servicekit.testing.service import ServiceHarness
from visa.application.checks import run_checks
from visa.domain.rules import add_months
from visa.testing import OpenedCase, Party, RegistryFeed

TODAY = datetime.now(UTC).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
async def second_instance(visa: ServiceHarness) -> AsyncIterator[Runtime[Any]]:
    """Another instance of the service: its own connection pool on the same database."""
    settings = visa.runtime.settings
    pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=10)
    try:
        yield Runtime(visa.runtime.definition, pool)
    finally:
        await pool.close()


async def case_through(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party], last_step: str
) -> OpenedCase:
    """A case taken by its operator through the steps up to ``last_step``: sponsorship,
    application, granted or refused."""
    case = await feed.open_case(parties["lmc"], parties["operator"], start=TODAY + timedelta(40))
    cos = f"COS-{uuid.uuid4().hex[:10].upper()}"
    decision = {
        "outcome": "granted",
        "decided_on": day(0),
        "visa_start": case.placement_start.isoformat(),
        "visa_end": case.placement_end.isoformat(),
    }
    steps = {
        "sponsorship": {"cos_number": cos, "issued_on": day(-10)},
        "application": {"submitted_on": day(-6), "application_reference": "GWF3"},
        "biometrics": {"recorded_on": day(-4)},
        "decision": decision if last_step == "granted" else {
            "outcome": "refused", "decided_on": day(0), "reason_code": "other",
            "reason_text": "Refused.",
        },
    }  # fmt: skip
    for step, body in steps.items():
        path = f"{case.path}/{step}"
        response = await visa.client.post(path, json=body, headers=parties["operator"].headers)
        assert response.status_code == 200, response.text
        if step == last_step:
            break
    return case


async def published(visa: ServiceHarness, case: OpenedCase) -> list[tuple[str, Any]]:
    rows = await visa.runtime.pool.fetch(
        "SELECT headers->>'ce_type' AS type, payload FROM outbox WHERE subject = $1 ORDER BY id",
        str(case.case_id),
    )
    return [(row["type"], json.loads(bytes(row["payload"]))) for row in rows]


async def notices(visa: ServiceHarness, case: OpenedCase) -> list[int]:
    return [
        data["days_before"]
        for kind, data in await published(visa, case)
        if kind == "sws.VisaExpiring.v1"
    ]


async def test_two_instances_checking_at_once_send_each_notice_exactly_once(
    visa: ServiceHarness,
    feed: RegistryFeed,
    parties: dict[str, Party],
    second_instance: Runtime[Any],
) -> None:
    cases = [await case_through(visa, feed, parties, "granted") for _ in range(4)]
    visa_end = cases[0].placement_end  # the same placement dates for all four

    for days_before in (35, 30, 29, 20, 14, 13, 3, 2, 0, -1):
        today = visa_end - timedelta(days=days_before)
        first, second = await asyncio.gather(
            run_checks(visa.runtime, today), run_checks(second_instance, today)
        )
        assert first.notices + second.notices == (
            len(cases) if days_before in (30, 14, 3) else 0
        ), days_before

    for case in cases:
        assert await notices(visa, case) == [30, 14, 3]
        sent = [data for kind, data in await published(visa, case) if kind.endswith("Expiring.v1")]
        assert {data["visa_end"] for data in sent} == {visa_end.isoformat()}
        assert {data["worker_id"] for data in sent} == {str(case.worker_id)}


async def test_a_late_check_sends_only_the_tightest_threshold_reached(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_through(visa, feed, parties, "granted")

    await run_checks(visa.runtime, case.placement_end - timedelta(days=10))
    await run_checks(visa.runtime, case.placement_end - timedelta(days=9))

    assert await notices(visa, case) == [14]


async def test_no_notice_once_the_worker_has_returned(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_through(visa, feed, parties, "granted")
    returned = WorkerReturned(
        worker_id=case.worker_id, organisation_id=parties["lmc"].organisation_id,
        return_date=case.placement_end - timedelta(days=40), occurred_at=datetime.now(UTC),
    )  # fmt: skip
    await feed.send(returned, subject=str(case.worker_id))

    await run_checks(visa.runtime, case.placement_end - timedelta(days=30))

    assert await notices(visa, case) == []


async def test_a_cos_unused_past_its_expiry_closes_the_case_as_lapsed(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_through(visa, feed, parties, "sponsorship")
    expires_on: date = add_months(TODAY - timedelta(days=10), 3) - timedelta(days=1)

    await run_checks(visa.runtime, expires_on)
    assert [kind for kind, _ in await published(visa, case)][-1].endswith("Assigned.v1")
    result = await run_checks(visa.runtime, expires_on + timedelta(days=1))
    again = await run_checks(visa.runtime, expires_on + timedelta(days=1))

    assert result.lapsed >= 1
    assert again.lapsed == 0
    kind, data = (await published(visa, case))[-1]
    assert (kind, data["reason"]) == ("sws.VisaCaseClosed.v1", "lapsed")
    shown = await visa.client.get(case.path, headers=parties["operator"].headers)
    assert shown.json()["closure"]["reason"] == "lapsed"


async def test_a_submitted_application_does_not_lapse(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_through(visa, feed, parties, "application")

    await run_checks(visa.runtime, TODAY + timedelta(days=200))

    assert [kind for kind, _ in await published(visa, case)][-1].endswith("Submitted.v1")


async def test_a_refusal_not_reopened_by_the_end_of_the_placement_becomes_final(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_through(visa, feed, parties, "refused")

    await run_checks(visa.runtime, case.placement_end)
    await run_checks(visa.runtime, case.placement_end + timedelta(days=1))

    closed = [data for kind, data in await published(visa, case) if kind.endswith("Closed.v1")]
    assert [data["reason"] for data in closed] == ["refused_final"]
