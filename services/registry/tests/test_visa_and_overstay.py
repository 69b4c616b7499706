"""The visa service's decisions move the journey, and the overstay check flags once per season
even when two instances run it at the same time; on the real database and broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from domain.worker_builders import worker_at
from registry_support import Tenants, new_iin, outbox_types

from contracts.envelope import CloudEvent, to_kafka_headers
from contracts.events.visa import VisaCaseOpened, VisaGranted, VisaRefused
from registry.application.overstay import check_overstays
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.iin import IIN
from registry.domain.journey import Stage
from registry.domain.worker import Worker
from servicekit.inbox import Outcome
from servicekit.messaging import ReceivedRecord
from servicekit.testing.service import ServiceHarness


async def stored(registry: ServiceHarness, tenants: Tenants, stage: Stage) -> Worker:
    """A worker at ``stage``, built by the domain's own steps and saved as the registry would."""
    worker = worker_at(stage)
    worker.id, worker.iin = uuid.uuid4(), IIN(new_iin())
    worker.organisation_id = uuid.UUID(tenants.lmc.organisation_id)
    async with registry.runtime.unit_of_work("tests") as uow:
        await uow.workers.add(worker)
        await uow.workers.save(worker)
        await uow.workers.grant_access(worker.id, worker.organisation_id, "registered")
    worker.events.clear()
    return worker


def visa_record(
    event: Any, case_id: uuid.UUID, worker_id: uuid.UUID, version: int
) -> ReceivedRecord:
    envelope = CloudEvent.create(
        event, source="/sws/visa", subject=str(case_id), key=str(worker_id)
    ).model_copy(update={"aggregateversion": version})
    headers = tuple((name, value.encode()) for name, value in to_kafka_headers(envelope).items())
    return ReceivedRecord("visa.case.v1", str(worker_id).encode(), envelope.data, headers)


def case_events(worker: Worker, case_id: uuid.UUID) -> dict[str, Any]:
    placement = worker.accepted_placement
    assert placement is not None
    common = {"case_id": case_id, "worker_id": worker.id, "organisation_id": worker.organisation_id}
    return {
        "opened": VisaCaseOpened(
            **common, operator_id=placement.operator_id, placement_id=placement.id,
            season=placement.start_date.year, placement_start=placement.start_date,
            placement_end=placement.end_date, occurred_at="2026-02-01T10:00:00Z",
        ),
        "granted": VisaGranted(
            **common, visa_start=placement.start_date, visa_end=placement.end_date,
            processing_days=12, occurred_at="2026-02-13T10:00:00Z",
        ),
        "refused": VisaRefused(
            **common, reason_code="insufficient_funds", reason_text="Funds not shown.",
            processing_days=9, occurred_at="2026-02-10T10:00:00Z",
        ),
    }  # fmt: skip


async def stage_of(registry: ServiceHarness, worker_id: uuid.UUID) -> str:
    uow: RegistryUnitOfWork
    async with registry.runtime.unit_of_work("tests") as uow:
        worker = await uow.workers.get(worker_id)
    assert worker is not None
    return worker.stage.value


async def test_a_visa_case_and_its_grant_move_the_worker_to_visa_granted(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = await stored(registry, tenants, Stage.MATCHED)
    case_id = uuid.uuid4()
    events = case_events(worker, case_id)
    processor = registry.runtime.processor

    assert (
        await processor.process(visa_record(events["opened"], case_id, worker.id, 1))
        is Outcome.APPLIED
    )
    assert await stage_of(registry, worker.id) == "visa_applied"
    assert (
        await processor.process(visa_record(events["granted"], case_id, worker.id, 2))
        is Outcome.APPLIED
    )
    assert await stage_of(registry, worker.id) == "visa_granted"
    assert await outbox_types(registry.runtime.pool, str(worker.id)) == []


async def test_a_refusal_moves_the_worker_to_visa_refused(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = await stored(registry, tenants, Stage.MATCHED)
    case_id = uuid.uuid4()
    events = case_events(worker, case_id)

    await registry.runtime.processor.process(visa_record(events["opened"], case_id, worker.id, 1))
    await registry.runtime.processor.process(visa_record(events["refused"], case_id, worker.id, 2))

    assert await stage_of(registry, worker.id) == "visa_refused"


async def test_a_late_grant_for_a_withdrawn_worker_is_acknowledged_and_changes_nothing(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    worker = await stored(registry, tenants, Stage.WITHDRAWN)
    case_id = uuid.uuid4()

    outcome = await registry.runtime.processor.process(
        visa_record(_granted_for(worker, case_id), case_id, worker.id, 1)
    )

    assert outcome is Outcome.APPLIED, "acknowledged, not dead-lettered"
    assert await stage_of(registry, worker.id) == "withdrawn"
    letters = await registry.runtime.pool.fetchval(
        "SELECT count(*) FROM dead_letter WHERE subject = $1", str(case_id)
    )
    assert letters == 0


def _granted_for(worker: Worker, case_id: uuid.UUID) -> VisaGranted:
    return VisaGranted(
        case_id=case_id, worker_id=worker.id, organisation_id=worker.organisation_id,
        visa_start=date(2026, 4, 1), visa_end=date(2026, 9, 30), processing_days=5,
        occurred_at="2026-03-01T10:00:00Z",
    )  # fmt: skip


async def test_two_concurrent_overstay_checks_flag_each_worker_once_per_season(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    abroad = [await stored(registry, tenants, Stage.DEPARTED) for _ in range(3)]
    after_the_season = date(abroad[0].season or 2026, 12, 31)

    await asyncio.gather(
        check_overstays(registry.runtime, after_the_season),
        check_overstays(registry.runtime, after_the_season),
    )
    again = await check_overstays(registry.runtime, after_the_season)

    assert again == 0
    for worker in abroad:
        types = await outbox_types(registry.runtime.pool, str(worker.id))
        assert types == ["sws.OverstayRiskFlagged.v1"]
