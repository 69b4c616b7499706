"""The journey projection, from ``registry.worker.v1``: one row per worker and season.

The inbox applies a worker's events once each and in their order, so every handler can simply
move the current journey on; nothing here depends on other topics (visa facts are joined at
read time). Each handler ends by refreshing the worker's snapshot for the analytics stream.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from contracts.envelope import CloudEvent
from contracts.events.registry import (
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OrientationCompleted,
    OverstayRiskFlagged,
    PlacementAccepted,
    PlacementDeclined,
    PlacementOffered,
    RecruitmentFeeReported,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerDeparted,
    WorkerProfileUpdated,
    WorkerRegistered,
    WorkerReturned,
    WorkerScreened,
    WorkerWithdrawn,
)
from reporting.application.unit_of_work import ReportingUnitOfWork
from reporting.projections.common import CurrentJourney, day_of, touched_journey
from reporting.projections.snapshots import refresh_snapshot
from servicekit.messaging import EventRouter

router: EventRouter[ReportingUnitOfWork] = EventRouter()

SEASON_OVER = ("returned", "withdrawn")


async def _journey(
    uow: ReportingUnitOfWork, worker_id: UUID, organisation_id: UUID, at: datetime
) -> CurrentJourney:
    return await touched_journey(uow, worker_id, organisation_id, at)


async def _set(
    uow: ReportingUnitOfWork, journey: CurrentJourney, assignments: str, *args: Any
) -> None:
    """``UPDATE journey SET <assignments>`` on ``journey``; parameters from $3 on."""
    await uow.conn.execute(
        f"UPDATE journey SET {assignments} WHERE worker_id = $1 AND journey_no = $2",
        journey.worker_id,
        journey.number,
        *args,
    )


@router.on(WorkerRegistered)
async def registered(uow: ReportingUnitOfWork, event: WorkerRegistered, _: CloudEvent) -> None:
    await uow.conn.execute(
        "INSERT INTO worker (worker_id, pseudonym, organisation_id, region, sex, date_of_birth,"
        " preferred_language, registered_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (worker_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,"
        " region = EXCLUDED.region, sex = EXCLUDED.sex, date_of_birth = EXCLUDED.date_of_birth,"
        " preferred_language = EXCLUDED.preferred_language,"
        " registered_on = EXCLUDED.registered_on",
        event.worker_id,
        uow.pseudonyms.of(event.worker_id),
        event.organisation_id,
        event.region,
        event.sex,
        event.date_of_birth,
        event.preferred_language,
        day_of(event.registered_at),
    )
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.registered_at)
    if journey.number == 1:
        await _set(uow, journey, "started_on = $3", day_of(event.registered_at))
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerProfileUpdated)
async def profile_updated(
    uow: ReportingUnitOfWork, event: WorkerProfileUpdated, _: CloudEvent
) -> None:
    await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "UPDATE worker SET organisation_id = $2, region = $3, sex = $4, date_of_birth = $5,"
        " preferred_language = $6 WHERE worker_id = $1",
        event.worker_id,
        event.organisation_id,
        event.region,
        event.sex,
        event.date_of_birth,
        event.preferred_language,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerScreened)
async def screened(uow: ReportingUnitOfWork, event: WorkerScreened, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    on = day_of(event.occurred_at)
    if not event.eligible:
        await _set(uow, journey, "ineligible_screenings = ineligible_screenings + 1")
    elif journey.stage in SEASON_OVER:
        # Screening after a returned or withdrawn season starts the worker's next journey.
        await uow.conn.execute(
            "INSERT INTO journey (worker_id, journey_no, organisation_id, season, season_start,"
            " season_end, stage, started_on, screened_on, last_event_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, 'screened', $7, $7, $8)",
            event.worker_id,
            journey.number + 1,
            event.organisation_id,
            event.season_start.year,
            event.season_start,
            event.season_end,
            on,
            event.occurred_at,
        )
        await uow.conn.execute(
            "UPDATE worker SET current_journey = $2 WHERE worker_id = $1",
            event.worker_id,
            journey.number + 1,
        )
    else:
        await _set(
            uow,
            journey,
            "season = $3, season_start = $4, season_end = $5, stage = 'screened', screened_on = $6",
            event.season_start.year,
            event.season_start,
            event.season_end,
            on,
        )
    await refresh_snapshot(uow, event.worker_id)


@router.on(OrientationCompleted)
async def oriented(uow: ReportingUnitOfWork, event: OrientationCompleted, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(
        uow,
        journey,
        "stage = 'oriented', oriented_on = coalesce(oriented_on, $3), orientation_language = $4",
        day_of(event.occurred_at),
        event.language,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(PlacementOffered)
async def offered(uow: ReportingUnitOfWork, event: PlacementOffered, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    # A new offer withdraws the placement accepted before (after a visa refusal).
    await uow.conn.execute(
        "UPDATE placement SET status = 'withdrawn' WHERE worker_id = $1 AND status = 'accepted'",
        event.worker_id,
    )
    await uow.conn.execute(
        "INSERT INTO placement (placement_id, worker_id, operator_id, sector, uk_region,"
        " start_date, end_date, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'offered')"
        " ON CONFLICT (placement_id) DO NOTHING",
        event.placement_id,
        event.worker_id,
        event.operator_id,
        event.sector,
        event.uk_region,
        event.start_date,
        event.end_date,
    )
    await _set(
        uow,
        journey,
        "stage = 'offered', offered_on = coalesce(offered_on, $3), placement_id = NULL,"
        " operator_id = NULL",
        day_of(event.occurred_at),
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(PlacementAccepted)
async def accepted(uow: ReportingUnitOfWork, event: PlacementAccepted, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "INSERT INTO placement (placement_id, worker_id, operator_id, sector, start_date,"
        " end_date, status) VALUES ($1, $2, $3, $4, $5, $6, 'accepted')"
        " ON CONFLICT (placement_id) DO UPDATE SET status = 'accepted',"
        " operator_id = EXCLUDED.operator_id, sector = EXCLUDED.sector,"
        " start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date",
        event.placement_id,
        event.worker_id,
        event.operator_id,
        event.sector,
        event.start_date,
        event.end_date,
    )
    await _set(
        uow,
        journey,
        "stage = 'matched', matched_on = coalesce(matched_on, $3), placement_id = $4,"
        " operator_id = $5",
        day_of(event.occurred_at),
        event.placement_id,
        event.operator_id,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(PlacementDeclined)
async def declined(uow: ReportingUnitOfWork, event: PlacementDeclined, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "UPDATE placement SET status = 'declined' WHERE placement_id = $1", event.placement_id
    )
    await _set(uow, journey, "stage = 'oriented'")
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerWithdrawn)
async def withdrawn(uow: ReportingUnitOfWork, event: WorkerWithdrawn, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "UPDATE placement SET status = 'withdrawn'"
        " WHERE worker_id = $1 AND status IN ('offered', 'accepted')",
        event.worker_id,
    )
    await _set(
        uow,
        journey,
        "stage = 'withdrawn', withdrawn_on = $3, withdrawn_stage = $4",
        day_of(event.occurred_at),
        event.stage,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerDeparted)
async def departed(uow: ReportingUnitOfWork, event: WorkerDeparted, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(uow, journey, "stage = 'departed', departed_on = $3", event.departure_date)
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerArrived)
async def arrived(uow: ReportingUnitOfWork, event: WorkerArrived, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(uow, journey, "stage = 'arrived', arrived_on = $3", event.arrival_date)
    await refresh_snapshot(uow, event.worker_id)


@router.on(WelfareCheckRecorded)
async def welfare_check(
    uow: ReportingUnitOfWork, event: WelfareCheckRecorded, _: CloudEvent
) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(
        uow,
        journey,
        "welfare_checks = welfare_checks + 1,"
        " welfare_concerns = welfare_concerns + $3, welfare_urgent = welfare_urgent + $4",
        int(event.concerns),
        int(event.outcome == "urgent"),
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(ContractEnded)
async def contract_ended(uow: ReportingUnitOfWork, event: ContractEnded, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(
        uow,
        journey,
        "stage = 'contract_ended', contract_ended_on = $3, contract_end_reason = $4",
        event.end_date,
        event.reason,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(WorkerReturned)
async def returned(uow: ReportingUnitOfWork, event: WorkerReturned, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await _set(
        uow,
        journey,
        "stage = 'returned', returned_on = $3, wishes_to_return = $4",
        event.return_date,
        event.follow_up.wishes_to_return if event.follow_up else None,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(OverstayRiskFlagged)
async def overstay_flagged(
    uow: ReportingUnitOfWork, event: OverstayRiskFlagged, _: CloudEvent
) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    # The flag names its season; it belongs to that season's journey when there is one.
    number = await uow.conn.fetchval(
        "SELECT coalesce(max(journey_no), $2) FROM journey WHERE worker_id = $1 AND season = $3",
        event.worker_id,
        journey.number,
        event.season,
    )
    flagged = CurrentJourney(journey.worker_id, number, event.season, journey.stage)
    await _set(
        uow,
        flagged,
        "overstay_flagged_on = coalesce(overstay_flagged_on, $3),"
        " overstay_reason = coalesce(overstay_reason, $4)",
        day_of(event.occurred_at),
        event.reason,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(GrievanceRaised)
async def grievance_raised(uow: ReportingUnitOfWork, event: GrievanceRaised, _: CloudEvent) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "INSERT INTO grievance (grievance_id, worker_id, journey_no, organisation_id,"
        " operator_id, category, severity, raised_by, status, raised_on)"
        " SELECT $1, $2, $3, $4, coalesce($5, j.operator_id), $6, $7, $8, 'open', $9"
        " FROM journey j WHERE j.worker_id = $2 AND j.journey_no = $3"
        " ON CONFLICT (grievance_id) DO NOTHING",
        event.grievance_id,
        event.worker_id,
        journey.number,
        event.organisation_id,
        event.operator_id,
        event.category,
        event.severity,
        event.raised_by,
        day_of(event.occurred_at),
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(GrievanceReferred)
async def grievance_referred(
    uow: ReportingUnitOfWork, event: GrievanceReferred, _: CloudEvent
) -> None:
    await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "UPDATE grievance SET referred_on = coalesce(referred_on, $2),"
        " status = CASE WHEN status = 'resolved' THEN status ELSE 'referred' END,"
        " severity = $3 WHERE grievance_id = $1",
        event.grievance_id,
        day_of(event.occurred_at),
        event.severity,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(GrievanceResolved)
async def grievance_resolved(
    uow: ReportingUnitOfWork, event: GrievanceResolved, _: CloudEvent
) -> None:
    await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "UPDATE grievance SET status = 'resolved', resolved_on = $2, outcome = $3"
        " WHERE grievance_id = $1",
        event.grievance_id,
        day_of(event.occurred_at),
        event.outcome,
    )
    await refresh_snapshot(uow, event.worker_id)


@router.on(RecruitmentFeeReported)
async def fee_reported(
    uow: ReportingUnitOfWork, event: RecruitmentFeeReported, envelope: CloudEvent
) -> None:
    journey = await _journey(uow, event.worker_id, event.organisation_id, event.occurred_at)
    await uow.conn.execute(
        "INSERT INTO fee_report (event_id, worker_id, journey_no, organisation_id, charged_by,"
        " amount, currency, compliance_breach, reported_on)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING",
        envelope.id,
        event.worker_id,
        journey.number,
        event.organisation_id,
        event.charged_by,
        event.amount,
        event.currency,
        event.compliance_breach,
        day_of(event.occurred_at),
    )
    await refresh_snapshot(uow, event.worker_id)
