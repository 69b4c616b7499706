"""Query parameters every figure takes (filters, date range, grouping), and the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, Query

from contracts.events.analytics import AgeBand
from contracts.events.common import Sector, Sex
from reporting.application.datasets import Filters, InvalidQuery, Scope
from servicekit.access.http import CurrentPrincipal
from servicekit.http.problems import FieldProblem, Forbidden
from servicekit.http.text import NO_NUL

DATE_RANGE_NOTE = (
    "`from` and `to` (inclusive) filter the date of what is counted: see each figure's description."
)


# The dependencies are async although they await nothing: FastAPI runs a plain function
# dependency in a worker thread, a hop that cost a third of a cached statistics request.
async def filter_parameters(
    region: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_NUL,
            description="Kazakhstan region of the worker.",
            examples=["Turkistan"],
        ),
    ] = None,
    sex: Annotated[Sex | None, Query(description="The worker's sex.")] = None,
    age_band: Annotated[
        AgeBand | None, Query(description="Age at the season start, as a band.")
    ] = None,
    organisation_id: Annotated[
        UUID | None, Query(description="The registering LMC or agency.")
    ] = None,
    operator_id: Annotated[
        UUID | None, Query(description="The UK scheme operator of the placement.")
    ] = None,
    sector: Annotated[Sector | None, Query(description="The placement's sector.")] = None,
    season: Annotated[
        int | None, Query(ge=2020, le=2100, description="The season's year.", examples=[2025])
    ] = None,
    date_from: Annotated[
        date | None,
        Query(alias="from", description="First day counted (inclusive).", examples=["2025-01-01"]),
    ] = None,
    date_to: Annotated[
        date | None,
        Query(alias="to", description="Last day counted (inclusive).", examples=["2025-12-31"]),
    ] = None,
) -> Filters:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidQuery(
            "`to` is before `from`",
            errors=[FieldProblem(field="query.to", message="before from")],
        )
    return Filters(
        region=region,
        sex=sex,
        age_band=age_band,
        organisation_id=organisation_id,
        operator_id=operator_id,
        sector=sector,
        season=season,
        date_from=date_from,
        date_to=date_to,
    )


FilterParams = Annotated[Filters, Depends(filter_parameters)]


async def group_by_parameter(
    group_by: Annotated[
        str | None,
        Query(
            max_length=200,
            description=(
                "Comma-separated dimensions to group by, e.g. `region,sector`. Journeys: "
                "region, sex, age_band, organisation, operator, sector, season, stage, year, "
                "orientation_language. Visas: region, sex, age_band, organisation, operator, "
                "sector, season, year, month. Grievances add category, status, severity, "
                "raised_by; notifications: channel, template, language, recipient_kind, month."
            ),
            examples=["sector"],
        ),
    ] = None,
) -> list[str]:
    if not group_by:
        return []
    return [name.strip() for name in group_by.split(",") if name.strip()]


GroupBy = Annotated[list[str], Depends(group_by_parameter)]


async def scope_for(principal: CurrentPrincipal, filters: FilterParams) -> Scope:
    """The caller's scope; asking for another organisation's figures is refused outright."""
    scope = Scope.of(principal)
    if scope.organisation_id is not None and filters.organisation_id not in (
        None,
        scope.organisation_id,
    ):
        raise Forbidden("an organisation sees the figures of its own workers only")
    if scope.operator_id is not None and filters.operator_id not in (None, scope.operator_id):
        raise Forbidden("an operator sees the figures of the workers placed with it only")
    return scope


CallerScope = Annotated[Scope, Depends(scope_for)]
# scope_for's refusal, documented on the routers whose every route depends on it.
SCOPE_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Another organisation's or operator's figures were asked for"}
}
Language = Literal["kk", "ru", "en"]
