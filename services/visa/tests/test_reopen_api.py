"""After a refusal the operator may reopen the case for a new application: same case id, next
attempt, a new CoS; VisaCaseOpened is published again so the registry's journey goes from
visa_refused back to visa_applied. A worker never has two open cases in a season."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from servicekit.testing.service import ServiceHarness
from visa.domain.case import VisaCase
from visa.testing import OpenedCase, Party, RegistryFeed, placement_accepted

TODAY = datetime.now(UTC).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def post(
    visa: ServiceHarness, case: OpenedCase, step: str, body: dict[str, Any] | None, party: Party
) -> httpx.Response:
    return await visa.client.post(f"{case.path}/{step}", json=body, headers=party.headers)


async def apply(
    visa: ServiceHarness, case: OpenedCase, operator: Party, cos: str, offset: int = 0
) -> None:
    steps = [
        ("sponsorship", {"cos_number": cos, "issued_on": day(-20 + offset)}),
        ("application", {"submitted_on": day(-17 + offset), "application_reference": "GWF9"}),
        ("biometrics", {"recorded_on": day(-15 + offset)}),
    ]
    for step, body in steps:
        response = await post(visa, case, step, body, operator)
        assert response.status_code == 200, response.text


async def refused_case(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party], cos: str
) -> OpenedCase:
    case = await feed.open_case(
        parties["lmc"], parties["operator"], start=TODAY + timedelta(days=40)
    )
    await apply(visa, case, parties["operator"], cos)
    refusal = {
        "outcome": "refused",
        "decided_on": day(-10),
        "reason_code": "insufficient_documents",
        "reason_text": "The employment history could not be verified.",
    }
    response = await post(visa, case, "decision", refusal, parties["operator"])
    assert response.status_code == 200, response.text
    return case


async def test_a_refused_case_reopens_for_a_new_application_with_a_new_cos(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    first_cos = f"COS-{uuid.uuid4().hex[:10].upper()}"
    case = await refused_case(visa, feed, parties, first_cos)
    operator = parties["operator"]

    reopened = await post(visa, case, "reopen", {"reason": "documents corrected"}, operator)

    assert reopened.status_code == 200, reopened.text
    shown = reopened.json()
    assert (shown["status"], shown["attempt"], shown["sponsorship"]) == ("open", 2, None)
    assert shown["previous_attempts"][0]["decision"]["reason_code"] == "insufficient_documents"
    reused = await post(visa, case, "sponsorship", {"cos_number": first_cos,
                                                    "issued_on": day(-5)}, operator)  # fmt: skip
    assert reused.status_code == 409
    assert reused.json()["type"] == "urn:sws:problem:cos-reused"
    await apply(visa, case, operator, f"COS-{uuid.uuid4().hex[:10].upper()}", offset=15)
    granted = {
        "outcome": "granted", "decided_on": day(0),
        "visa_start": case.placement_start.isoformat(), "visa_end": case.placement_end.isoformat(),
    }  # fmt: skip
    decided = await post(visa, case, "decision", granted, operator)
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"]["processing_days"] == 2

    rows = await visa.runtime.pool.fetch(
        "SELECT headers->>'ce_type' AS type, payload FROM outbox WHERE subject = $1 ORDER BY id",
        str(case.case_id),
    )
    opened = [json.loads(bytes(r["payload"])) for r in rows if r["type"] == "sws.VisaCaseOpened.v1"]
    assert [(o["case_id"], o["attempt"]) for o in opened] == [
        (str(case.case_id), 1), (str(case.case_id), 2),
    ]  # fmt: skip
    types = [r["type"] for r in rows]
    assert types.index("sws.VisaRefused.v1") < types.index("sws.VisaGranted.v1")


async def test_only_the_operator_reopens_and_only_a_refused_case(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await refused_case(visa, feed, parties, f"COS-{uuid.uuid4().hex[:10].upper()}")

    by_lmc = await post(visa, case, "reopen", None, parties["lmc"])
    assert by_lmc.status_code == 403
    assert (await post(visa, case, "reopen", None, parties["operator"])).status_code == 200
    again = await post(visa, case, "reopen", None, parties["operator"])
    assert again.status_code == 409
    assert again.json()["type"] == "urn:sws:problem:illegal-case-action"


async def test_a_reopening_is_refused_while_the_worker_has_another_open_case_this_season(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await refused_case(visa, feed, parties, f"COS-{uuid.uuid4().hex[:10].upper()}")
    # Another open case for the worker this season, as a concurrent acceptance would leave it.
    other = placement_accepted(
        case.worker_id, parties["lmc"].organisation_id, parties["other_operator"].organisation_id,
        start=case.placement_start,
    )  # fmt: skip
    async with visa.runtime.unit_of_work("tests") as uow:
        await uow.cases.add(
            VisaCase.open_for_placement(
                case_id=uuid.uuid4(),
                worker_id=case.worker_id,
                organisation_id=other.organisation_id,
                operator_id=other.operator_id,
                placement_id=other.placement_id,
                placement_start=other.start_date,
                placement_end=other.end_date,
                accepted_at=other.occurred_at,
                now=other.occurred_at,
            )
        )

    response = await post(visa, case, "reopen", None, parties["operator"])

    assert response.status_code == 409, response.text
    body = response.json()
    assert body["type"] == "urn:sws:problem:second-open-case"
    assert [e["field"] for e in body["errors"]] == ["case.worker_id"]
    shown = await visa.client.get(case.path, headers=parties["operator"].headers)
    assert shown.json()["status"] == "refused", "nothing changed"
