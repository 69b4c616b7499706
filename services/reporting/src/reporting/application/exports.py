"""Exports for analysts: row-level datasets without personal data, streamed from a server-side
cursor in one read-only snapshot, encoded as CSV, JSON Lines or Parquet as the rows arrive.

Workers appear only under their pseudonymous id; no IIN, name, contact, date of birth or
passport detail exists in the read models, so none can reach an export.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import asyncpg
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from reporting.application.datasets import (
    GRIEVANCES,
    JOURNEYS,
    VISAS,
    Dataset,
    Filters,
    Scope,
    Sql,
    restrict,
)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    PARQUET = "parquet"

    @property
    def media_type(self) -> str:
        return {
            ExportFormat.CSV: "text/csv; charset=utf-8",
            ExportFormat.JSONL: "application/x-ndjson",
            ExportFormat.PARQUET: "application/vnd.apache.parquet",
        }[self]


@dataclass(frozen=True)
class Column:
    name: str
    sql: str
    kind: str  # "text", "int", "date", "bool", "float"


_ARROW = {
    "text": pa.string(),
    "int": pa.int64(),
    "date": pa.date32(),
    "bool": pa.bool_(),
    "float": pa.float64(),
}


@dataclass(frozen=True)
class ExportDataset:
    name: str
    dataset: Dataset
    columns: tuple[Column, ...]
    order_by: str
    description: str

    def schema(self) -> Any:
        return pa.schema([(c.name, _ARROW[c.kind]) for c in self.columns])


def _c(name: str, sql: str | None = None, kind: str = "text") -> Column:
    return Column(name, sql or f"js.{name}", kind)


JOURNEY_COLUMNS: tuple[Column, ...] = (
    _c("pseudonymous_worker_id", "js.pseudonym::text"),
    _c("journey_number", "js.journey_no", "int"),
    _c("season", kind="int"),
    _c("region"),
    _c("sex"),
    _c("age_band"),
    _c("organisation_id", "js.organisation_id::text"),
    _c("operator_id", "js.operator_id::text"),
    _c("sector"),
    _c("uk_region"),
    _c("stage"),
    _c("started_on", kind="date"),
    _c("registered_on", kind="date"),
    _c("screened_on", kind="date"),
    _c("ineligible_screenings", kind="int"),
    _c("oriented_on", kind="date"),
    _c("orientation_language"),
    _c("offered_on", kind="date"),
    _c("matched_on", kind="date"),
    _c("placement_start", kind="date"),
    _c("placement_end", kind="date"),
    _c("visa_status"),
    _c("visa_submitted_on", kind="date"),
    _c("visa_granted_on", kind="date"),
    _c("visa_decided_on", kind="date"),
    _c("visa_processing_days", kind="int"),
    _c("visa_refusals", kind="int"),
    _c("departed_on", kind="date"),
    _c("arrived_on", kind="date"),
    _c("contract_ended_on", kind="date"),
    _c("returned_on", kind="date"),
    _c("returned_on_time", kind="bool"),
    _c("withdrawn_on", kind="date"),
    _c("withdrawn_at_stage"),
    _c("overstay_risk", kind="bool"),
    _c("welfare_checks", kind="int"),
    _c("welfare_concerns", kind="int"),
    _c("grievances", kind="int"),
    _c("grievances_open", kind="int"),
    _c("grievances_referred", kind="int"),
    _c("fee_reports", kind="int"),
    _c("fee_breaches", kind="int"),
    _c("wishes_to_return", kind="bool"),
)

EXPORTS: dict[str, ExportDataset] = {
    "journeys": ExportDataset(
        name="journeys",
        dataset=JOURNEYS,
        columns=JOURNEY_COLUMNS,
        order_by="js.pseudonym, js.journey_no",
        description="One row per worker and season: the journey snapshot.",
    ),
    "visa-decisions": ExportDataset(
        name="visa-decisions",
        dataset=VISAS,
        columns=(
            Column("pseudonymous_worker_id", "w.pseudonym::text", "text"),
            Column("season", "c.season", "int"),
            Column("event", "f.kind", "text"),
            Column("occurred_on", "f.occurred_on", "date"),
            Column("processing_days", "f.processing_days", "int"),
            Column(
                "refusal_reason", "CASE WHEN f.kind = 'refused' THEN c.refusal_reason END", "text"
            ),
            Column("region", "w.region", "text"),
            Column("sex", "w.sex", "text"),
            Column("organisation_id", "c.organisation_id::text", "text"),
            Column("operator_id", "c.operator_id::text", "text"),
            Column("sector", "p.sector", "text"),
        ),
        order_by="f.occurred_on, f.event_id",
        description="Every visa submission and decision, dated, with its processing days.",
    ),
    "grievances": ExportDataset(
        name="grievances",
        dataset=GRIEVANCES,
        columns=(
            Column("pseudonymous_worker_id", "w.pseudonym::text", "text"),
            Column("journey_number", "g.journey_no", "int"),
            Column("season", "j.season", "int"),
            Column("category", "g.category", "text"),
            Column("severity", "g.severity", "text"),
            Column("raised_by", "g.raised_by", "text"),
            Column("status", "g.status", "text"),
            Column("raised_on", "g.raised_on", "date"),
            Column("referred_on", "g.referred_on", "date"),
            Column("resolved_on", "g.resolved_on", "date"),
            Column("outcome", "g.outcome", "text"),
            Column("region", "w.region", "text"),
            Column("organisation_id", "g.organisation_id::text", "text"),
            Column("operator_id", "g.operator_id::text", "text"),
            Column("sector", "p.sector", "text"),
        ),
        order_by="g.raised_on, g.grievance_id",
        description="Every grievance (category, severity, status, dates); never its account.",
    ),
}


def export_statement(
    export: ExportDataset, filters: Filters, scope: Scope
) -> tuple[str, list[Any]]:
    sql = Sql()
    restrict(sql, export.dataset, filters, scope)
    select = ", ".join(f'{c.sql} AS "{c.name}"' for c in export.columns)
    statement = (
        f"SELECT {select} FROM {export.dataset.source}{sql.where()} ORDER BY {export.order_by}"
    )
    return statement, sql.args


async def row_batches(
    pool: asyncpg.Pool, statement: str, args: Sequence[Any], batch_size: int
) -> AsyncIterator[list[asyncpg.Record]]:
    """The rows in batches, from a server-side cursor in one read-only snapshot."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        batch: list[asyncpg.Record] = []
        async for record in conn.cursor(statement, *args, prefetch=batch_size):
            batch.append(record)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def encode(
    export: ExportDataset, fmt: ExportFormat, batches: AsyncIterator[list[asyncpg.Record]]
) -> AsyncIterator[bytes]:
    """The export's bytes, one chunk per batch of rows (header first, footer last)."""
    names = [c.name for c in export.columns]
    if fmt is ExportFormat.CSV:
        yield _csv_line(names)
        async for batch in batches:
            yield b"".join(_csv_line([_text(record[n]) for n in names]) for record in batch)
    elif fmt is ExportFormat.JSONL:
        async for batch in batches:
            yield "".join(
                json.dumps({n: _json(record[n]) for n in names}, ensure_ascii=False) + "\n"
                for record in batch
            ).encode()
    else:
        async for chunk in _parquet(export, batches):
            yield chunk


def _csv_line(values: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue().encode()


async def _parquet(
    export: ExportDataset, batches: AsyncIterator[list[asyncpg.Record]]
) -> AsyncIterator[bytes]:
    """Parquet written one row group per batch; each row group is sent as soon as it is
    written, the footer at the end."""
    schema = export.schema()
    sink = _Sink()
    writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="zstd")
    try:
        async for batch in batches:
            columns = {c.name: [record[c.name] for record in batch] for c in export.columns}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))
            yield sink.take()
    finally:
        writer.close()
    yield sink.take()


class _Sink(io.RawIOBase):
    """A write-only stream that hands its bytes out as they come but keeps counting them, so
    the Parquet writer's offsets (from tell) stay those of the whole file."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data
