"""Visa cases and their dated facts, from ``visa.case.v1`` (one stream per case).

A case's events arrive in order; the journey they belong to (worker and season) is joined at
read time, so it does not matter whether the registry's or the visa service's events of a
worker arrive first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from contracts.envelope import CloudEvent
from contracts.events.visa import (
    CertificateOfSponsorshipAssigned,
    VisaApplicationSubmitted,
    VisaBiometricsRecorded,
    VisaCaseClosed,
    VisaCaseOpened,
    VisaGranted,
    VisaRefused,
)
from reporting.application.unit_of_work import ReportingUnitOfWork
from reporting.projections.common import day_of
from reporting.projections.snapshots import refresh_snapshot
from servicekit.messaging import EventRouter

router: EventRouter[ReportingUnitOfWork] = EventRouter()


async def _update(
    uow: ReportingUnitOfWork,
    case_id: UUID,
    worker_id: UUID,
    organisation_id: UUID,
    at: datetime,
    assignments: str,
    *args: Any,
) -> None:
    """Update the case (created bare if its opening was dead-lettered); parameters from $5."""
    await uow.conn.execute(
        "INSERT INTO visa_case (case_id, worker_id, organisation_id, status)"
        " VALUES ($1, $2, $3, 'open') ON CONFLICT (case_id) DO NOTHING",
        case_id,
        worker_id,
        organisation_id,
    )
    await uow.conn.execute(
        f"UPDATE visa_case SET {assignments}, last_event_at = greatest(last_event_at, $4)"
        " WHERE case_id = $1 AND worker_id = $2 AND organisation_id = $3",
        case_id,
        worker_id,
        organisation_id,
        at,
        *args,
    )


async def _fact(
    uow: ReportingUnitOfWork,
    envelope: CloudEvent,
    case_id: UUID,
    kind: str,
    on: date,
    processing_days: int | None = None,
) -> None:
    await uow.conn.execute(
        "INSERT INTO visa_fact (event_id, case_id, kind, occurred_on, processing_days)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
        envelope.id,
        case_id,
        kind,
        on,
        processing_days,
    )


@router.on(VisaCaseOpened)
async def case_opened(uow: ReportingUnitOfWork, event: VisaCaseOpened, _: CloudEvent) -> None:
    # Opening again (after a refusal) starts a new application on the same case.
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "operator_id = $5, placement_id = $6, season = $7, placement_start = $8,"
        " placement_end = $9, opened_at = $4, status = 'open', decision = NULL,"
        " decided_on = NULL, processing_days = NULL, refusal_reason = NULL, visa_start = NULL,"
        " visa_end = NULL, closed_on = NULL, close_reason = NULL",
        event.operator_id, event.placement_id, event.season, event.placement_start,
        event.placement_end,
    )  # fmt: skip
    await refresh_snapshot(uow, event.worker_id)


@router.on(CertificateOfSponsorshipAssigned)
async def sponsored(
    uow: ReportingUnitOfWork, event: CertificateOfSponsorshipAssigned, _: CloudEvent
) -> None:
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'sponsored', cos_assigned_on = $5", event.issued_on,
    )  # fmt: skip
    await refresh_snapshot(uow, event.worker_id)


@router.on(VisaApplicationSubmitted)
async def submitted(
    uow: ReportingUnitOfWork, event: VisaApplicationSubmitted, envelope: CloudEvent
) -> None:
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'submitted', submitted_on = $5", event.submitted_on,
    )  # fmt: skip
    await _fact(uow, envelope, event.case_id, "submitted", event.submitted_on)
    await refresh_snapshot(uow, event.worker_id)


@router.on(VisaBiometricsRecorded)
async def biometrics(
    uow: ReportingUnitOfWork, event: VisaBiometricsRecorded, _: CloudEvent
) -> None:
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'biometrics_recorded', biometrics_on = $5", event.recorded_on,
    )  # fmt: skip
    await refresh_snapshot(uow, event.worker_id)


@router.on(VisaGranted)
async def granted(uow: ReportingUnitOfWork, event: VisaGranted, envelope: CloudEvent) -> None:
    on = day_of(event.occurred_at)
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'granted', decision = 'granted', decided_on = $5, processing_days = $6,"
        " visa_start = $7, visa_end = $8",
        on, event.processing_days, event.visa_start, event.visa_end,
    )  # fmt: skip
    await _fact(uow, envelope, event.case_id, "granted", on, event.processing_days)
    await refresh_snapshot(uow, event.worker_id)


@router.on(VisaRefused)
async def refused(uow: ReportingUnitOfWork, event: VisaRefused, envelope: CloudEvent) -> None:
    on = day_of(event.occurred_at)
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'refused', decision = 'refused', decided_on = $5, processing_days = $6,"
        " refusal_reason = $7",
        on, event.processing_days, event.reason_code,
    )  # fmt: skip
    await _fact(uow, envelope, event.case_id, "refused", on, event.processing_days)
    await refresh_snapshot(uow, event.worker_id)


@router.on(VisaCaseClosed)
async def closed(uow: ReportingUnitOfWork, event: VisaCaseClosed, _: CloudEvent) -> None:
    await _update(
        uow, event.case_id, event.worker_id, event.organisation_id, event.occurred_at,
        "status = 'closed', closed_on = $5, close_reason = $6",
        day_of(event.occurred_at), event.reason,
    )  # fmt: skip
    await refresh_snapshot(uow, event.worker_id)
