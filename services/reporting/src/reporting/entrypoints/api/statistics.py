"""Statistics routes: the ministry sees everything, an LMC or agency its own workers, an
operator the workers placed with it. Figures are computed from the projections, and kept until
they change (application/figure_cache.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request

from reporting.application import statistics
from reporting.application.datasets import Filters, Scope
from reporting.application.figure_cache import FigureReader, Query
from reporting.entrypoints.api.parameters import (
    DATE_RANGE_NOTE,
    SCOPE_REFUSED,
    CallerScope,
    FilterParams,
    GroupBy,
)
from reporting.entrypoints.api.schemas import (
    ComplianceRow,
    Figures,
    FunnelRow,
    GrievanceRow,
    NotificationRow,
    OrientationRow,
    RegistrationCountPublic,
    StageRow,
    TravelRow,
    VisaRow,
)
from servicekit.service import runtime_of

router = APIRouter(prefix="/v1/statistics", tags=["statistics"], responses=SCOPE_REFUSED)


async def _figures(
    request: Request, query: Query, filters: Filters, scope: Scope, group_by: Sequence[str]
) -> list[dict[str, Any]]:
    async with runtime_of(request).pool.acquire() as conn:
        figures = await FigureReader.open(request.app.state.figure_cache, conn)
        return await figures(query, filters, scope, group_by)


@router.get(
    "/funnel",
    response_model=Figures[FunnelRow],
    operation_id="funnel",
    summary="The journey funnel: how many reached each stage, and conversion",
    description=(
        "Journeys (one per worker and season) that reached each stage, with the conversion "
        "from each stage to the next. Example: `?season=2025&group_by=region`. "
        + DATE_RANGE_NOTE
        + " Here: the journey's start (registration, or the screening of a later season)."
    ),
)
async def funnel(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[FunnelRow]:
    rows = await _figures(request, statistics.funnel, filters, scope, group_by)
    return Figures[FunnelRow].of(scope, filters, rows)


@router.get(
    "/stages",
    response_model=Figures[StageRow],
    operation_id="stages",
    summary="Journeys by their current stage",
    description="Always grouped by `stage`, then by `group_by`. "
    + DATE_RANGE_NOTE
    + " Here: the journey's start.",
)
async def stages(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[StageRow]:
    rows = await _figures(request, statistics.stages, filters, scope, group_by)
    return Figures[StageRow].of(scope, filters, rows)


@router.get(
    "/visas",
    response_model=Figures[VisaRow],
    operation_id="visas",
    summary="Visas submitted, granted and refused; approval rate and processing days",
    description=(
        "How many workers from Turkistan received a visa in 2025, by sector: "
        "`?region=Turkistan&from=2025-01-01&to=2025-12-31&group_by=sector` (`workers_granted`)"
        "; `?season=2025` counts the 2025 season instead. Processing days are the median and "
        "90th percentile over decisions. "
        + DATE_RANGE_NOTE
        + " Here: the day of the submission or decision. Visas over time: `group_by=month`."
    ),
)
async def visas(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[VisaRow]:
    rows = await _figures(request, statistics.visas, filters, scope, group_by)
    return Figures[VisaRow].of(scope, filters, rows)


@router.get(
    "/travel",
    response_model=Figures[TravelRow],
    operation_id="travel",
    summary="Departures, returns on time and overstay risks",
    description=(
        "Departed journeys; a return is on time when it is on or before the contract end "
        "(or the placement's planned end) plus 14 days. "
        + DATE_RANGE_NOTE
        + " Here: the departure day."
    ),
)
async def travel(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[TravelRow]:
    rows = await _figures(request, statistics.travel, filters, scope, group_by)
    return Figures[TravelRow].of(scope, filters, rows)


@router.get(
    "/orientation",
    response_model=Figures[OrientationRow],
    operation_id="orientation",
    summary="Pre-departure orientation: what share of departed workers completed it",
    description="`departed_oriented_share` answers it. "
    + DATE_RANGE_NOTE
    + " Here: the journey's start.",
)
async def orientation(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[OrientationRow]:
    rows = await _figures(request, statistics.orientation, filters, scope, group_by)
    return Figures[OrientationRow].of(scope, filters, rows)


@router.get(
    "/grievances",
    response_model=Figures[GrievanceRow],
    operation_id="grievances",
    summary="Grievances by category and status",
    description=(
        "Grouped by `category,status` unless `group_by` says otherwise. "
        + DATE_RANGE_NOTE
        + " Here: the day the grievance was raised."
    ),
)
async def grievances(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[GrievanceRow]:
    dims = group_by or ["category", "status"]
    rows = await _figures(request, statistics.grievances, filters, scope, dims)
    return Figures[GrievanceRow].of(scope, filters, rows)


@router.get(
    "/compliance",
    response_model=Figures[ComplianceRow],
    operation_id="compliance",
    summary="Fair-recruitment flags: fees charged, documents kept, GLAA referrals, overstays",
    description=DATE_RANGE_NOTE + " Here: the journey's start.",
)
async def compliance(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[ComplianceRow]:
    rows = await _figures(request, statistics.compliance, filters, scope, group_by)
    return Figures[ComplianceRow].of(scope, filters, rows)


@router.get(
    "/notifications",
    response_model=Figures[NotificationRow],
    operation_id="notifications",
    summary="Notification delivery rates",
    description=(
        "Grouped by `channel` unless `group_by` says otherwise; an organisation sees messages "
        "about its workers and to itself. "
        + DATE_RANGE_NOTE
        + " Here: the day of delivery or of giving up."
    ),
)
async def notifications(
    request: Request, filters: FilterParams, scope: CallerScope, group_by: GroupBy
) -> Figures[NotificationRow]:
    dims = group_by or ["channel"]
    rows = await _figures(request, statistics.notifications, filters, scope, dims)
    return Figures[NotificationRow].of(scope, filters, rows)


@router.get(
    "/registrations",
    response_model=list[RegistrationCountPublic],
    operation_id="registrationsByRegion",
    summary="Registered workers by region and year",
    description="Workers by region and year of registration. "
    + DATE_RANGE_NOTE
    + " Here: the registration day.",
)
async def registrations(
    request: Request, filters: FilterParams, scope: CallerScope
) -> list[RegistrationCountPublic]:
    rows = await _figures(request, statistics.registrations, filters, scope, ("region", "year"))
    return [RegistrationCountPublic(**row["group"], workers=row["workers"]) for row in rows]
