"""The one place where the visa service's domain events become contract events."""

from __future__ import annotations

from contracts.events.visa import VisaCaseOpened
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.case import CaseOpened, VisaCase


async def publish_events(uow: VisaUnitOfWork, case: VisaCase) -> None:
    for event in case.events:
        if isinstance(event, CaseOpened):
            await uow.publish(
                VisaCaseOpened(
                    case_id=case.id,
                    worker_id=case.worker_id,
                    organisation_id=case.organisation_id,
                    operator_id=case.operator_id,
                    placement_id=case.placement_id,
                    season=case.season,
                    placement_start=case.placement_start,
                    placement_end=case.placement_end,
                    occurred_at=event.occurred_at,
                ),
                subject=str(case.id),
                key=str(case.worker_id),
                organisation_id=str(case.organisation_id),
            )
    case.events.clear()
