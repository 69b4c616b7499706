"""Statistics routes."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from reporting.application.queries import registrations_by_region
from servicekit.service import runtime_of

router = APIRouter(prefix="/v1/statistics", tags=["statistics"])


class RegistrationCountPublic(BaseModel):
    region: str
    year: int
    workers: int


@router.get(
    "/registrations",
    response_model=list[RegistrationCountPublic],
    operation_id="registrationsByRegion",
    summary="Registered workers by region and year",
)
async def registrations(
    request: Request,
    region: str | None = Query(default=None, max_length=100),
    year: int | None = Query(default=None, ge=2000, le=2100),
    organisation_id: UUID | None = None,
) -> list[RegistrationCountPublic]:
    async with runtime_of(request).pool.acquire() as conn:
        counts = await registrations_by_region(
            conn, region=region, year=year, organisation_id=organisation_id
        )
    return [RegistrationCountPublic(**vars(count)) for count in counts]
