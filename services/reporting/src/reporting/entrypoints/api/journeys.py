"""Row-level data without personal data: a paginated list of journey snapshots, and streamed
exports (CSV, JSON Lines, Parquet) for analysts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from contracts.events.analytics import JourneyStage
from reporting.application.datasets import JOURNEYS, Sql, restrict
from reporting.application.exports import (
    EXPORTS,
    JOURNEY_COLUMNS,
    ExportFormat,
    encode,
    export_statement,
    row_batches,
)
from reporting.config import ReportingSettings
from reporting.entrypoints.api.parameters import (
    DATE_RANGE_NOTE,
    SCOPE_REFUSED,
    CallerScope,
    FilterParams,
)
from reporting.entrypoints.api.schemas import JourneyPublic
from servicekit.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from servicekit.service import runtime_of

router = APIRouter(tags=["journeys and exports"], responses=SCOPE_REFUSED)

_JOURNEY_SELECT = (
    ", ".join(f'{c.sql} AS "{c.name}"' for c in JOURNEY_COLUMNS)
    + ', js.visa_granted_on AS "visa_granted_on"'
)


@router.get(
    "/v1/journeys",
    response_model=Page[JourneyPublic],
    operation_id="listJourneys",
    summary="Journey snapshots (one per worker and season), pseudonymous",
    description=(
        "Ordered by pseudonymous id and journey number, a page at a time. "
        + DATE_RANGE_NOTE
        + " Here: the journey's start."
    ),
)
async def list_journeys(
    request: Request,
    filters: FilterParams,
    scope: CallerScope,
    stage: Annotated[JourneyStage | None, Query(description="Only journeys at this stage.")] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[JourneyPublic]:
    sql = Sql()
    restrict(sql, JOURNEYS, filters, scope)
    if stage is not None:
        sql.conditions.append(f"js.stage = {sql.param(stage)}")
    after = decode_cursor(cursor, 2)
    if after is not None:
        pseudonym, number = sql.param(str(after[0])), sql.param(int(after[1]))
        sql.conditions.append(f"(js.pseudonym, js.journey_no) > ({pseudonym}, {number})")
    statement = (
        f"SELECT {_JOURNEY_SELECT} FROM journey_snapshot js{sql.where()}"
        f" ORDER BY js.pseudonym, js.journey_no LIMIT {sql.param(limit + 1)}"
    )
    async with runtime_of(request).pool.acquire() as conn:
        rows = [dict(row) for row in await conn.fetch(statement, *sql.args)]
    more = len(rows) > limit
    rows = rows[:limit]
    items = [JourneyPublic.model_validate(row) for row in rows]
    last = rows[-1] if more else None
    next_cursor = (
        encode_cursor([last["pseudonymous_worker_id"], last["journey_number"]]) if last else None
    )
    return Page[JourneyPublic](items=items, next_cursor=next_cursor)


ExportName = Annotated[
    str,
    Path(
        pattern="^(journeys|visa-decisions|grievances)$",
        description=(
            "`journeys` (one row per worker and season), `visa-decisions` (every submission "
            "and decision) or `grievances`."
        ),
        examples=["journeys"],
    ),
]


@router.get(
    "/v1/exports/{dataset}",
    operation_id="export",
    summary="Export a dataset as CSV, JSON Lines or Parquet, streamed",
    description=(
        "Rows are read from one consistent snapshot through a server-side cursor and sent as "
        "they are read, so any size streams in constant memory. Workers appear only under "
        "their pseudonymous id: no IIN, name, contact or date of birth. Filters as for the "
        "statistics; the date range applies to the journey start, the decision day or the "
        "day raised."
    ),
    responses={
        200: {
            "description": "The export, as a download.",
            "content": {
                "text/csv": {"example": "pseudonymous_worker_id,journey_number,season,...\r\n"},
                "application/x-ndjson": {},
                "application/vnd.apache.parquet": {},
            },
        }
    },
)
async def export(
    request: Request,
    dataset: ExportName,
    filters: FilterParams,
    scope: CallerScope,
    format: Annotated[ExportFormat, Query(description="csv, jsonl or parquet.")] = ExportFormat.CSV,
) -> StreamingResponse:
    chosen = EXPORTS[dataset]
    statement, args = export_statement(chosen, filters, scope)
    runtime = runtime_of(request)
    settings = runtime.settings
    batch = settings.export_batch_size if isinstance(settings, ReportingSettings) else 2000
    chunks = encode(chosen, format, row_batches(runtime.pool, statement, args, batch))
    extension = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}[format.value]
    return StreamingResponse(
        chunks,
        media_type=format.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{dataset}.{extension}"',
            "Cache-Control": "no-store",
        },
    )
