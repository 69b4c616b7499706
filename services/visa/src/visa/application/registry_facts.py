"""What the registry's events change here: applicants, organisations, who looks after which
worker, and the cases an acceptance, a withdrawal, a departure or a return affects.

These events come from another service: they can be delivered twice (the inbox drops the
second copy) and, after a dead letter is replayed, late. Every handler is safe for both: facts
carry the registry's time and an older one never overwrites a newer one; a case changes only
when the event still applies to it, and nothing is published otherwise.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime
from uuid import UUID

from visa.application.audit_view import snapshot
from visa.application.integration import publish_events
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.case import VisaCase, make_way_for
from visa.domain.organisation import Organisation

log = logging.getLogger(__name__)
REGISTERED = "registered"


async def remember_applicant(
    uow: VisaUnitOfWork,
    *,
    worker_id: UUID,
    organisation_id: UUID,
    date_of_birth: date,
    passport_expiry: date,
    as_of: datetime,
) -> None:
    """Keep the facts the visa rules need, and that the organisation looks after the worker."""
    await uow.organisations.grant_access(worker_id, organisation_id, REGISTERED)
    kept = await uow.applicants.save(
        worker_id=worker_id,
        organisation_id=organisation_id,
        date_of_birth=date_of_birth,
        passport_expiry=passport_expiry,
        as_of=as_of,
    )
    if not kept:
        log.info("ignored facts of %s older than those kept for worker %s", as_of, worker_id)


async def remember_organisation(
    uow: VisaUnitOfWork, organisation: Organisation, as_of: datetime
) -> None:
    if not await uow.organisations.save(organisation, as_of=as_of):
        log.info("ignored facts of %s older than those kept for %s", as_of, organisation.id)


async def open_case(
    uow: VisaUnitOfWork,
    *,
    worker_id: UUID,
    organisation_id: UUID,
    operator_id: UUID,
    placement_id: UUID,
    placement_start: date,
    placement_end: date,
    accepted_at: datetime,
) -> VisaCase | None:
    """An accepted placement opens the worker's case for the season; the worker's other cases
    of that season are superseded. Returns None when the acceptance is a repeat or late."""
    await uow.organisations.grant_access(worker_id, organisation_id, REGISTERED)
    if await uow.cases.by_placement(placement_id) is not None:
        return None  # this placement's case exists: a repeated acceptance
    withdrawn_at = await uow.applicants.withdrawn_at(worker_id)
    if withdrawn_at is not None and withdrawn_at >= accepted_at:
        log.info(
            "ignored acceptance of %s by worker %s who withdrew since", placement_id, worker_id
        )
        return None
    now = datetime.now(UTC)
    season = [
        case
        for case in await uow.cases.of_worker(worker_id, for_update=True)
        if case.season == placement_start.year
    ]
    before = {case.id: snapshot(case) for case in season}
    superseded = make_way_for(season, accepted_at, now)
    if superseded is None:
        log.info("ignored acceptance of %s older than the worker's current case", placement_id)
        return None
    for case in superseded:
        await _save(uow, case, "visa_case.superseded", before[case.id])
    case = VisaCase.open_for_placement(
        case_id=uuid.uuid4(), worker_id=worker_id, organisation_id=organisation_id,
        operator_id=operator_id, placement_id=placement_id, placement_start=placement_start,
        placement_end=placement_end, accepted_at=accepted_at, now=now,
    )  # fmt: skip
    if not await uow.cases.add(case):  # another delivery of it won a race: roll back, retry
        raise RuntimeError(f"placement {placement_id} got its case concurrently")
    await uow.audit("visa_case.opened", "visa_case", case.id, before=None, after=snapshot(case))
    await publish_events(uow, case)
    return case


async def withdraw(uow: VisaUnitOfWork, worker_id: UUID, withdrawn_at: datetime) -> int:
    """The worker left the process: every case opened before the withdrawal closes."""
    await uow.applicants.record_withdrawal(worker_id, withdrawn_at)
    now = datetime.now(UTC)
    closed = 0
    for case in await uow.cases.of_worker(worker_id, for_update=True):
        before = snapshot(case)
        if case.withdraw(withdrawn_at, now):
            await _save(uow, case, "visa_case.withdrawn", before)
            closed += 1
    return closed


async def record_departure(
    uow: VisaUnitOfWork, worker_id: UUID, placement_id: UUID, departed_on: date
) -> None:
    for case in await uow.cases.of_worker(worker_id, for_update=True):
        before = snapshot(case)
        if case.record_departure(placement_id, departed_on):
            await _save(uow, case, "visa_case.departure_recorded", before)


async def record_return(
    uow: VisaUnitOfWork, worker_id: UUID, returned_on: date, returned_at: datetime
) -> None:
    """A granted worker came back: the case is completed; no expiry notice follows."""
    now = datetime.now(UTC)
    for case in await uow.cases.of_worker(worker_id, for_update=True):
        before = snapshot(case)
        if case.record_return(returned_on, returned_at, now):
            await _save(uow, case, "visa_case.completed", before)


async def _save(uow: VisaUnitOfWork, case: VisaCase, action: str, before: object) -> None:
    await uow.cases.save(case)
    await uow.audit(action, "visa_case", case.id, before=before, after=snapshot(case))
    await publish_events(uow, case)
