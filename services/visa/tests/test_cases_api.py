"""A case from the accepted placement to the decision over the API, each step published through
the outbox; who sees and does what; pages, filters, idempotent retries and the audit log."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from servicekit.testing.service import ServiceHarness
from visa.domain.rules import add_months
from visa.testing import OpenedCase, Party, RegistryFeed

TODAY = datetime.now(UTC).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def new_case(feed: RegistryFeed, parties: dict[str, Party], **options: Any) -> OpenedCase:
    return await feed.open_case(
        parties["lmc"], parties["operator"], start=TODAY + timedelta(days=40), **options
    )


async def post(
    visa: ServiceHarness,
    case: OpenedCase,
    step: str,
    body: dict[str, Any],
    party: Party,
    key: str | None = None,
) -> httpx.Response:
    headers = party.headers | ({"Idempotency-Key": key} if key else {})
    return await visa.client.post(f"{case.path}/{step}", json=body, headers=headers)  # fmt: skip


async def through_biometrics(
    visa: ServiceHarness, case: OpenedCase, parties: dict[str, Party]
) -> None:
    operator, lmc = parties["operator"], parties["lmc"]
    cos = {"cos_number": f"COS-{uuid.uuid4().hex[:10].upper()}", "issued_on": day(-10)}
    steps = [
        ("sponsorship", cos, operator),
        ("application", {"submitted_on": day(-6), "application_reference": "GWF0001"}, lmc),
        ("biometrics", {"recorded_on": day(-4)}, lmc),
    ]
    for step, body, party in steps:
        response = await post(visa, case, step, body, party)
        assert response.status_code == 200, response.text


async def outbox(visa: ServiceHarness, case: OpenedCase) -> list[dict[str, Any]]:
    rows = await visa.runtime.pool.fetch(
        "SELECT headers->>'ce_type' AS type, partition_key AS key, payload FROM outbox"
        " WHERE subject = $1"
        " ORDER BY id",
        str(case.case_id),
    )
    return [
        {"type": r["type"], "key": r["key"], "data": json.loads(bytes(r["payload"]))} for r in rows
    ]


async def test_a_case_goes_from_acceptance_to_a_grant_publishing_each_step(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    await through_biometrics(visa, case, parties)
    grant = {
        "outcome": "granted",
        "decided_on": day(0),
        "visa_start": case.placement_start.isoformat(),
        "visa_end": case.placement_end.isoformat(),
    }

    response = await post(visa, case, "decision", grant, parties["operator"])

    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["status"] == "granted"
    assert shown["decision"]["processing_days"] == 6
    assert shown["application"]["application_fee"] == "319.00"
    issued = TODAY - timedelta(days=10)
    assert shown["sponsorship"]["expires_on"] == str(add_months(issued, 3) - timedelta(days=1))
    published = await outbox(visa, case)
    assert [p["type"] for p in published] == [
        "sws.VisaCaseOpened.v1", "sws.CertificateOfSponsorshipAssigned.v1",
        "sws.VisaApplicationSubmitted.v1", "sws.VisaBiometricsRecorded.v1", "sws.VisaGranted.v1",
    ]  # fmt: skip
    assert {p["key"] for p in published} == {str(case.worker_id)}
    granted = published[-1]["data"]
    assert (granted["processing_days"], granted["decided_on"]) == (6, day(0))
    assert granted["visa_end"] == case.placement_end.isoformat()


async def test_the_ministry_and_admins_read_every_case_and_change_none(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    for reader in ("ministry", "admin"):
        shown = await visa.client.get(case.path, headers=parties[reader].headers)
        assert shown.status_code == 200, shown.text
        cos = {"cos_number": "COS-MINISTRY-1", "issued_on": day(-1)}
        refused = await post(visa, case, "sponsorship", cos, parties[reader])
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"


async def test_organisations_without_a_part_in_the_worker_are_told_the_case_does_not_exist(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    for stranger in ("agency", "other_operator"):
        shown = await visa.client.get(case.path, headers=parties[stranger].headers)
        assert shown.status_code == 404, shown.text
        assert shown.json()["type"] == "urn:sws:problem:case-not-found"
        cos = {"cos_number": "COS-STRANGER-1", "issued_on": day(-1)}
        attempt = await post(visa, case, "sponsorship", cos, parties[stranger])
        assert attempt.status_code == 404


async def test_the_registering_lmc_applies_and_records_biometrics_but_only_the_operator_sponsors(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    cos = {"cos_number": f"COS-{uuid.uuid4().hex[:8].upper()}", "issued_on": day(-3)}

    by_lmc = await post(visa, case, "sponsorship", cos, parties["lmc"])
    assert by_lmc.status_code == 403, by_lmc.text
    assert "operator" in by_lmc.json()["detail"]
    assert (await post(visa, case, "sponsorship", cos, parties["operator"])).status_code == 200
    application = {"submitted_on": day(-1), "application_reference": "GWF0002"}
    assert (await post(visa, case, "application", application, parties["lmc"])).status_code == 200
    refusal = {"outcome": "refused", "decided_on": day(0), "reason_code": "x", "reason_text": "y"}
    assert (await post(visa, case, "decision", refusal, parties["lmc"])).status_code == 403


async def test_an_operator_sees_the_cases_of_its_placements_and_an_lmc_those_of_its_workers(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    mine = await new_case(feed, parties)
    theirs = await feed.open_case(
        parties["agency"], parties["other_operator"], start=TODAY + timedelta(days=40)
    )

    async def listed(party: str, **params: Any) -> set[str]:
        response = await visa.client.get(
            "/v1/cases", params=params | {"limit": 500}, headers=parties[party].headers
        )
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    ids = {str(mine.case_id), str(theirs.case_id)}
    assert await listed("operator") & ids == {str(mine.case_id)}
    assert await listed("lmc") & ids == {str(mine.case_id)}
    assert await listed("agency") & ids == {str(theirs.case_id)}
    assert await listed("other_operator") & ids == {str(theirs.case_id)}
    assert await listed("ministry") >= ids
    assert await listed("ministry", worker_id=str(theirs.worker_id)) == {str(theirs.case_id)}
    filtered = await listed("ministry", operator_id=str(parties["other_operator"].organisation_id))
    assert str(theirs.case_id) in filtered
    assert str(mine.case_id) not in filtered
    season = mine.placement_start.year
    assert str(mine.case_id) in await listed("ministry", status="open", season=season)
    assert str(mine.case_id) not in await listed("ministry", status="granted")


async def test_cases_come_in_pages_with_a_cursor(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    owner = await feed.party("lmc", region="Aktobe")
    opened = [
        await feed.open_case(owner, parties["operator"], start=TODAY + timedelta(days=40))
        for _ in range(5)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await visa.client.get("/v1/cases", params=params, headers=owner.headers)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(case.case_id) for case in opened]
    bad = await visa.client.get("/v1/cases", params={"cursor": "nope"}, headers=owner.headers)
    assert bad.status_code == 422


async def test_a_retried_post_with_its_idempotency_key_replays_the_answer_and_changes_nothing(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    cos = {"cos_number": f"COS-{uuid.uuid4().hex[:8].upper()}", "issued_on": day(-2)}

    first = await post(visa, case, "sponsorship", cos, parties["operator"], key="cos-1")
    again = await post(visa, case, "sponsorship", cos, parties["operator"], key="cos-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    types = [p["type"] for p in await outbox(visa, case)]
    assert types.count("sws.CertificateOfSponsorshipAssigned.v1") == 1
    other = {"cos_number": "COS-OTHER-0001", "issued_on": day(-2)}
    reused = await post(visa, case, "sponsorship", other, parties["operator"], key="cos-1")
    assert reused.status_code == 422
    assert reused.json()["type"] == "urn:sws:problem:idempotency-key-reused"


async def test_every_change_is_in_the_audit_log_with_who_made_it(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await new_case(feed, parties)
    await through_biometrics(visa, case, parties)

    response = await visa.client.get(
        "/v1/audit",
        params={"entity_type": "visa_case", "entity_id": str(case.case_id)},
        headers=parties["admin"].headers,
    )

    assert response.status_code == 200, response.text
    entries = response.json()["items"]
    assert [e["action"] for e in entries] == [
        "visa_case.opened", "visa_case.sponsorship_assigned",
        "visa_case.application_submitted", "visa_case.biometrics_recorded",
    ]  # fmt: skip
    assert entries[0]["actor_organisation_id"] is None, "opened by the registry's event"
    assert entries[1]["actor_organisation_id"] == str(parties["operator"].organisation_id)
    assert entries[2]["actor_organisation_id"] == str(parties["lmc"].organisation_id)
    assert (entries[1]["before"]["status"], entries[1]["after"]["status"]) == ("open", "sponsored")
    forbidden = await visa.client.get("/v1/audit", headers=parties["ministry"].headers)
    assert forbidden.status_code == 403


async def test_requests_without_a_valid_key_are_refused(visa: ServiceHarness) -> None:
    response = await visa.client.get("/v1/cases")
    assert response.status_code == 401
    wrong = await visa.client.get("/v1/cases", headers={"Authorization": "Bearer sws_nope"})
    assert wrong.status_code == 401
