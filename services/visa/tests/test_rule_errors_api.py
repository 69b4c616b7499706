"""Every visa rule, broken over the API, is explained as problem+json naming the field at fault;
and nothing changes (no event) when a rule is broken."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from servicekit.testing.service import ServiceHarness
from visa.testing import OpenedCase, Party, RegistryFeed

TODAY = datetime.now(UTC).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def cos_number() -> str:
    return f"COS-{uuid.uuid4().hex[:12].upper()}"


async def post(
    visa: ServiceHarness, case: OpenedCase, step: str, body: dict[str, Any], party: Party
) -> httpx.Response:
    return await visa.client.post(f"{case.path}/{step}", json=body, headers=party.headers)


def problem(response: httpx.Response, status: int, slug: str, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:sws:problem:{slug}", body
    assert [error["field"] for error in body["errors"]] == [field], body
    assert body["detail"]
    return body


async def case_at(
    visa: ServiceHarness,
    feed: RegistryFeed,
    parties: dict[str, Party],
    stage: str,
    *,
    start: date | None = None,
    days: int = 150,
    **applicant: Any,
) -> OpenedCase:
    """A case at ``stage``: open, sponsored, submitted or biometrics."""
    case = await feed.open_case(
        parties["lmc"], parties["operator"], start=start or TODAY + timedelta(days=40),
        days=days, **applicant,
    )  # fmt: skip
    steps = [
        ("sponsored", "sponsorship", {"cos_number": cos_number(), "issued_on": day(-10)}),
        ("submitted", "application", {"submitted_on": day(-6), "application_reference": "GWF1"}),
        ("biometrics", "biometrics", {"recorded_on": day(-4)}),
    ]
    for reached, step, body in steps:
        if stage == "open":
            break
        response = await post(visa, case, step, body, parties["operator"])
        assert response.status_code == 200, response.text
        if stage == reached:
            break
    return case


def grant(case: OpenedCase, **changes: Any) -> dict[str, Any]:
    return {
        "outcome": "granted",
        "decided_on": day(0),
        "visa_start": case.placement_start.isoformat(),
        "visa_end": case.placement_end.isoformat(),
    } | changes


async def events_of(visa: ServiceHarness, case: OpenedCase) -> int:
    count: int = await visa.runtime.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE subject = $1", str(case.case_id)
    )
    return count


async def test_an_application_without_a_cos_is_refused_as_cos_missing(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "open")
    body = {"submitted_on": day(0), "application_reference": "GWF1"}

    response = await post(visa, case, "application", body, parties["lmc"])

    refused = problem(response, 409, "cos-missing", "case.status")
    assert refused["case_status"] == "open"
    assert "assign_cos" in refused["allowed_actions"]
    assert await events_of(visa, case) == 1, "only VisaCaseOpened"


async def test_an_expired_cos_is_refused_when_assigned(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "open")
    body = {"cos_number": cos_number(), "issued_on": day(-120)}

    problem(await post(visa, case, "sponsorship", body, parties["operator"]), 422, "cos-expired",
            "body.issued_on")  # fmt: skip


async def test_a_cos_number_is_used_once_across_all_cases(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    first = await case_at(visa, feed, parties, "open")
    second = await case_at(visa, feed, parties, "open")
    body = {"cos_number": cos_number(), "issued_on": day(-1)}
    assert (await post(visa, first, "sponsorship", body, parties["operator"])).status_code == 200

    response = await post(visa, second, "sponsorship", body, parties["operator"])

    problem(response, 409, "cos-reused", "body.cos_number")
    assert await events_of(visa, second) == 1


async def test_an_applicant_under_18_at_the_placement_start_cannot_apply(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    start = TODAY + timedelta(days=40)
    seventeen = date(start.year - 17, start.month, start.day)
    case = await case_at(visa, feed, parties, "sponsored", start=start, date_of_birth=seventeen)
    body = {"submitted_on": day(0), "application_reference": "GWF1"}

    problem(await post(visa, case, "application", body, parties["lmc"]), 422,
            "applicant-under-age", "applicant.date_of_birth")  # fmt: skip


async def test_a_passport_expiring_before_the_visa_end_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "biometrics")
    # The registry corrects the passport's expiry after the application was submitted.
    expiry = case.placement_end - timedelta(days=10)
    await feed.send(
        _profile(case, parties["lmc"], passport_expiry=expiry), subject=str(case.worker_id)
    )

    response = await post(visa, case, "decision", grant(case), parties["operator"])

    problem(response, 422, "passport-expires-too-soon", "body.visa_end")
    shorter = grant(case, visa_end=expiry.isoformat())
    assert (await post(visa, case, "decision", shorter, parties["operator"])).status_code == 200


async def test_a_passport_expiring_before_the_placement_end_stops_the_application(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    start = TODAY + timedelta(days=40)
    case = await case_at(visa, feed, parties, "sponsored", start=start,
                         passport_expiry=start + timedelta(days=30))  # fmt: skip
    body = {"submitted_on": day(0), "application_reference": "GWF1"}

    problem(await post(visa, case, "application", body, parties["operator"]), 422,
            "passport-expires-too-soon", "applicant.passport_expiry")  # fmt: skip


async def test_a_decision_before_submission_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "sponsored")
    refusal = {"outcome": "refused", "decided_on": day(0), "reason_code": "x", "reason_text": "y"}

    for body in (grant(case), refusal):
        response = await post(visa, case, "decision", body, parties["operator"])
        problem(response, 409, "decision-before-submission", "case.status")


async def test_a_grant_before_the_biometrics_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "submitted")

    response = await post(visa, case, "decision", grant(case), parties["operator"])

    problem(response, 409, "biometrics-missing", "case.status")


async def test_a_visa_longer_than_183_days_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "biometrics", days=200)

    response = await post(visa, case, "decision", grant(case), parties["operator"])

    body = problem(response, 422, "visa-period-too-long", "body.visa_end")
    assert "at most 183" in body["detail"]
    last_day = case.placement_start + timedelta(days=182)
    within = grant(case, visa_end=last_day.isoformat())
    assert (await post(visa, case, "decision", within, parties["operator"])).status_code == 200


async def test_a_visa_outside_the_placement_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "biometrics")
    early = grant(case, visa_start=(case.placement_start - timedelta(days=1)).isoformat())

    response = await post(visa, case, "decision", early, parties["operator"])

    problem(response, 422, "visa-outside-placement", "body.visa_start")


async def test_an_application_too_long_before_the_placement_is_refused(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "sponsored", start=TODAY + timedelta(days=120))
    body = {"submitted_on": day(0), "application_reference": "GWF1"}

    detail = problem(await post(visa, case, "application", body, parties["lmc"]), 422,
                     "application-too-early", "body.submitted_on")["detail"]  # fmt: skip
    assert "3 months" in detail


async def test_a_malformed_request_names_its_field(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    case = await case_at(visa, feed, parties, "open")
    body = {"cos_number": "lower-case", "issued_on": day(0)}

    response = await post(visa, case, "sponsorship", body, parties["operator"])

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.cos_number"]


async def test_an_operator_whose_licence_ended_may_not_sponsor(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    lapsed = await feed.party("operator", licence_valid_until=TODAY - timedelta(days=1))
    case = await feed.open_case(parties["lmc"], lapsed, start=TODAY + timedelta(days=40))
    body = {"cos_number": cos_number(), "issued_on": day(-30)}

    response = await post(visa, case, "sponsorship", body, lapsed)

    problem(response, 403, "operator-not-licensed", "case.operator_id")


def _profile(case: OpenedCase, owner: Party, **changes: Any) -> Any:
    from contracts.events.registry import WorkerProfileUpdated

    values = {
        "worker_id": case.worker_id, "organisation_id": owner.organisation_id,
        "region": "Turkistan", "sex": "female", "date_of_birth": date(1998, 4, 12),
        "preferred_language": "kk", "passport_expiry": date(2035, 6, 30),
        "changed_fields": ["passport_expiry"], "occurred_at": datetime.now(UTC),
    }  # fmt: skip
    return WorkerProfileUpdated(**(values | changes))
