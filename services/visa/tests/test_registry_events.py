"""The registry's events, delivered through the service's processor as the consumer would:
twice, out of order, late; each is applied once, in order per worker, and an event that no
longer applies changes and publishes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.events.organisation import OrganisationUpdated
from contracts.events.registry import (
    WorkerAssigned,
    WorkerDeparted,
    WorkerProfileUpdated,
    WorkerReturned,
    WorkerWithdrawn,
)
from servicekit.inbox import Outcome
from servicekit.testing.service import ServiceHarness
from visa.testing import Party, RegistryFeed, placement_accepted, worker_registered

TODAY = datetime.now(UTC).date()
START = TODAY + timedelta(days=40)


async def cases_of(visa: ServiceHarness, worker_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await visa.runtime.pool.fetch(
        "SELECT id, status, closed_reason, attempt, departed_on, returned_on FROM visa_case"
        " WHERE worker_id = $1 ORDER BY opened_at",
        worker_id,
    )
    return [dict(row) for row in rows]


async def published(visa: ServiceHarness, worker_id: uuid.UUID) -> list[str]:
    rows = await visa.runtime.pool.fetch(
        "SELECT headers->>'ce_type' AS type FROM outbox WHERE partition_key = $1 ORDER BY id",
        str(worker_id),
    )
    return [row["type"] for row in rows]


def withdrawn(worker_id: uuid.UUID, owner: Party, at: datetime) -> WorkerWithdrawn:
    return WorkerWithdrawn(
        worker_id=worker_id, organisation_id=owner.organisation_id, stage="visa_applied",
        reason="Family reasons", occurred_at=at,
    )  # fmt: skip


async def test_a_redelivered_acceptance_opens_one_case(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    worker_id = uuid.uuid4()
    lmc, operator = parties["lmc"], parties["operator"]
    await feed.send(worker_registered(worker_id, lmc.organisation_id), subject=str(worker_id))
    accepted = placement_accepted(worker_id, lmc.organisation_id, operator.organisation_id,
                                  start=START)  # fmt: skip
    record = feed.record(accepted, subject=str(worker_id))

    assert await feed.deliver(record) is Outcome.APPLIED
    assert await feed.deliver(record) is Outcome.DUPLICATE
    # The registry's outbox republished it (a refilled broker): a new copy, a later version.
    again = feed.record(accepted, subject=str(worker_id))
    assert await feed.deliver(again) is Outcome.APPLIED

    assert len(await cases_of(visa, worker_id)) == 1
    assert await published(visa, worker_id) == ["sws.VisaCaseOpened.v1"]


async def test_events_out_of_order_wait_for_the_missing_one_and_apply_in_order(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    worker_id = uuid.uuid4()
    subject = str(worker_id)
    lmc, operator = parties["lmc"], parties["operator"]
    first = feed.record(worker_registered(worker_id, lmc.organisation_id), subject=subject)
    second = feed.record(
        placement_accepted(worker_id, lmc.organisation_id, operator.organisation_id, start=START),
        subject=subject,
    )

    assert await feed.deliver(second) is Outcome.PARKED
    assert await cases_of(visa, worker_id) == []
    assert await feed.deliver(first) is Outcome.APPLIED

    assert [c["status"] for c in await cases_of(visa, worker_id)] == ["open"]
    assert await feed.deliver(first) is Outcome.DUPLICATE
    stale_copy = feed.record(
        worker_registered(worker_id, lmc.organisation_id), subject=subject, version=1
    )
    assert await feed.deliver(stale_copy) is Outcome.OLD_VERSION


async def test_a_withdrawal_closes_the_open_case_and_a_late_acceptance_opens_nothing(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    lmc, operator = parties["lmc"], parties["operator"]
    case = await feed.open_case(lmc, operator, start=START)
    subject = str(case.worker_id)

    outcome = await feed.send(withdrawn(case.worker_id, lmc, datetime.now(UTC)), subject=subject)

    assert outcome is Outcome.APPLIED
    assert [(c["status"], c["closed_reason"]) for c in await cases_of(visa, case.worker_id)] == [
        ("closed", "withdrawn")
    ]
    # An acceptance from before the withdrawal, replayed from the dead letters (out of order).
    late = placement_accepted(
        case.worker_id, lmc.organisation_id, operator.organisation_id, start=START,
        at=datetime.now(UTC) - timedelta(hours=1),
    )  # fmt: skip
    assert await feed.deliver(feed.record(late, subject=subject, version=None)) is Outcome.APPLIED
    assert len(await cases_of(visa, case.worker_id)) == 1
    assert await published(visa, case.worker_id) == [
        "sws.VisaCaseOpened.v1", "sws.VisaCaseClosed.v1",
    ]  # fmt: skip
    again = await feed.send(withdrawn(case.worker_id, lmc, datetime.now(UTC)), subject=subject)
    assert again is Outcome.APPLIED
    assert len(await published(visa, case.worker_id)) == 2, "nothing more to close"


async def test_a_new_acceptance_in_the_season_supersedes_a_refused_case(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    lmc, operator = parties["lmc"], parties["operator"]
    case = await feed.open_case(lmc, operator, start=START)
    await visa.runtime.pool.execute(
        "UPDATE visa_case SET status = 'refused' WHERE id = $1", case.case_id
    )  # as if refused: the API's path is tested elsewhere
    other = placement_accepted(case.worker_id, lmc.organisation_id,
                               parties["other_operator"].organisation_id, start=START)  # fmt: skip

    assert await feed.send(other, subject=str(case.worker_id)) is Outcome.APPLIED

    cases = await cases_of(visa, case.worker_id)
    assert [(c["status"], c["closed_reason"]) for c in cases] == [
        ("closed", "refused_final"), ("open", None),
    ]  # fmt: skip
    assert (await published(visa, case.worker_id))[-2:] == [
        "sws.VisaCaseClosed.v1", "sws.VisaCaseOpened.v1",
    ]  # fmt: skip


async def test_an_older_profile_never_overwrites_a_newer_one(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    worker_id, lmc = uuid.uuid4(), parties["lmc"]
    now = datetime.now(UTC)
    await feed.send(worker_registered(worker_id, lmc.organisation_id, at=now - timedelta(days=2)),
                    subject=str(worker_id))  # fmt: skip

    def profile(expiry: date, at: datetime) -> WorkerProfileUpdated:
        return WorkerProfileUpdated(
            worker_id=worker_id, organisation_id=lmc.organisation_id, region="Turkistan",
            sex="female", date_of_birth=date(1998, 4, 12), preferred_language="kk",
            passport_expiry=expiry, changed_fields=["passport_expiry"], occurred_at=at,
        )  # fmt: skip

    await feed.send(profile(date(2036, 1, 1), now), subject=str(worker_id))
    replayed = feed.record(profile(date(2027, 1, 1), now - timedelta(days=1)),
                           subject=str(worker_id), version=None)  # fmt: skip
    assert await feed.deliver(replayed) is Outcome.APPLIED

    kept = await visa.runtime.pool.fetchval(
        "SELECT passport_expiry FROM applicant WHERE worker_id = $1", worker_id
    )
    assert kept == date(2036, 1, 1)


async def test_a_departure_is_recorded_and_a_return_completes_the_granted_case(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    lmc = parties["lmc"]
    case = await feed.open_case(lmc, parties["operator"], start=START)
    await visa.runtime.pool.execute(
        "UPDATE visa_case SET status = 'granted', granted = true, decided_on = $2,"
        " processing_days = 1, visa_start = $3, visa_end = $4 WHERE id = $1",
        case.case_id, TODAY, case.placement_start, case.placement_end,
    )  # fmt: skip
    ids = {"worker_id": case.worker_id, "organisation_id": lmc.organisation_id}
    departed = WorkerDeparted(**ids, placement_id=case.placement_id, departure_date=START,
                              occurred_at=datetime.now(UTC))  # fmt: skip
    returned = WorkerReturned(**ids, return_date=case.placement_end,
                              occurred_at=datetime.now(UTC))  # fmt: skip

    await feed.send(departed, subject=str(case.worker_id))
    assert (await cases_of(visa, case.worker_id))[0]["departed_on"] == START
    await feed.send(returned, subject=str(case.worker_id))

    shown = (await cases_of(visa, case.worker_id))[0]
    assert (shown["status"], shown["closed_reason"]) == ("closed", "completed")
    assert shown["returned_on"] == case.placement_end
    assert (await published(visa, case.worker_id))[-1] == "sws.VisaCaseClosed.v1"


async def test_a_deactivated_organisations_key_stops_working(
    visa: ServiceHarness, feed: RegistryFeed
) -> None:
    agency = await feed.party("agency")
    assert (await visa.client.get("/v1/cases", headers=agency.headers)).status_code == 200
    update = OrganisationUpdated(
        organisation_id=agency.organisation_id, name="Closed agency", kind="agency",
        licence_number="LIC-1", licence_valid_until=date(2099, 12, 31), active=False,
        occurred_at=datetime.now(UTC),
    )  # fmt: skip

    assert await feed.send(update, subject=str(agency.organisation_id)) is Outcome.APPLIED

    refused = await visa.client.get("/v1/cases", headers=agency.headers)
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["detail"]


async def test_an_agency_the_worker_is_assigned_to_sees_the_workers_cases(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    lmc, operator = parties["lmc"], parties["operator"]
    agency = await feed.party("agency")
    case = await feed.open_case(owner=lmc, operator=operator, start=START)
    path = case.path
    hidden = await visa.client.get(path, headers=agency.headers)

    assigned = WorkerAssigned(
        worker_id=case.worker_id, organisation_id=lmc.organisation_id,
        assigned_organisation_id=agency.organisation_id, occurred_at=datetime.now(UTC),
    )  # fmt: skip
    assert await feed.send(assigned, subject=str(case.worker_id)) is Outcome.APPLIED
    shown = await visa.client.get(path, headers=agency.headers)

    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert shown.json()["id"] == str(case.case_id)
