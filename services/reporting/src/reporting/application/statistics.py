"""The statistics the API, the dashboard and the tests ask for, as SQL over the read models."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from reporting.application.datasets import (
    DELIVERIES,
    GRIEVANCES,
    JOURNEYS,
    REGISTRATIONS,
    VISAS,
    Dataset,
    Filters,
    Scope,
    aggregate,
    organisation_names,
)

Row = dict[str, Any]

# The funnel's steps in journey order: each counts the journeys that reached it.
FUNNEL_STEPS: tuple[str, ...] = (
    "registered",
    "screened",
    "oriented",
    "matched",
    "visa_submitted",
    "visa_granted",
    "departed",
    "arrived",
    "returned",
)
_FUNNEL = [
    ("registered", "count(*)::int"),
    ("screened", "count(js.screened_on)::int"),
    ("oriented", "count(js.oriented_on)::int"),
    ("matched", "count(js.matched_on)::int"),
    ("visa_submitted", "count(js.visa_submitted_on)::int"),
    ("visa_granted", "count(js.visa_granted_on)::int"),
    ("departed", "count(js.departed_on)::int"),
    ("arrived", "count(js.arrived_on)::int"),
    ("returned", "count(js.returned_on)::int"),
    ("withdrawn", "count(js.withdrawn_on)::int"),
]
_DECIDED = "f.kind IN ('granted', 'refused')"
_VISAS = [
    ("submitted", "count(*) FILTER (WHERE f.kind = 'submitted')::int"),
    ("granted", "count(*) FILTER (WHERE f.kind = 'granted')::int"),
    ("refused", "count(*) FILTER (WHERE f.kind = 'refused')::int"),
    ("workers_granted", "count(DISTINCT c.worker_id) FILTER (WHERE f.kind = 'granted')::int"),
    (
        "median_processing_days",
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY f.processing_days) FILTER (WHERE {_DECIDED})",
    ),
    (
        "p90_processing_days",
        f"percentile_cont(0.9) WITHIN GROUP (ORDER BY f.processing_days) FILTER (WHERE {_DECIDED})",
    ),
]
_TRAVEL = [
    ("departed", "count(*)::int"),
    ("arrived", "count(js.arrived_on)::int"),
    ("returned", "count(js.returned_on)::int"),
    ("returned_on_time", "count(*) FILTER (WHERE js.returned_on_time)::int"),
    ("still_abroad", "count(*) FILTER (WHERE js.returned_on IS NULL)::int"),
    ("overstay_risks", "count(*) FILTER (WHERE js.overstay_risk)::int"),
    (
        "overstay_risks_open",
        "count(*) FILTER (WHERE js.overstay_risk AND js.returned_on IS NULL)::int",
    ),
]
_ORIENTATION = [
    ("oriented", "count(js.oriented_on)::int"),
    ("departed", "count(js.departed_on)::int"),
    (
        "departed_oriented",
        "count(*) FILTER (WHERE js.departed_on IS NOT NULL AND js.oriented_on IS NOT NULL)::int",
    ),
]
_GRIEVANCES = [
    ("grievances", "count(*)::int"),
    ("open", "count(*) FILTER (WHERE g.status <> 'resolved')::int"),
    ("referred_to_glaa", "count(g.referred_on)::int"),
    ("resolved", "count(g.resolved_on)::int"),
]


def _sum(column: str) -> str:
    return f"coalesce(sum({column}), 0)::int"


_COMPLIANCE = [
    ("journeys", "count(*)::int"),
    ("fee_reports", _sum("js.fee_reports")),
    ("fee_breaches", _sum("js.fee_breaches")),
    ("journeys_with_fee_breach", "count(*) FILTER (WHERE js.fee_breaches > 0)::int"),
    ("recruitment_fee_grievances", _sum("js.grievances_recruitment_fee")),
    ("document_retention_grievances", _sum("js.grievances_document_retention")),
    ("glaa_referrals", _sum("js.grievances_referred")),
    ("overstay_risks", "count(*) FILTER (WHERE js.overstay_risk)::int"),
    ("urgent_welfare_checks", _sum("js.welfare_urgent")),
]
_NOTIFICATIONS = [
    ("messages", "count(*)::int"),
    ("delivered", "count(*) FILTER (WHERE d.status = 'delivered')::int"),
    ("failed", "count(*) FILTER (WHERE d.status = 'failed')::int"),
]


def ratio(part: int | None, whole: int | None) -> float | None:
    """part / whole rounded to 4 places; None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return round(part / whole, 4)


async def _rows(
    conn: Any,
    dataset: Dataset,
    measures: Sequence[tuple[str, str]],
    filters: Filters,
    scope: Scope,
    group_by: Sequence[str],
    **options: Any,
) -> list[Row]:
    rows = await aggregate(conn, dataset, measures, filters, scope, group_by, **options)
    shaped = [_split(row, group_by) for row in rows]
    await _name_organisations(conn, shaped)
    return shaped


def _split(row: Row, group_by: Sequence[str]) -> Row:
    group = {name: row.pop(name) for name in group_by}
    return {"group": group, **row}


async def _name_organisations(conn: Any, rows: list[Row]) -> None:
    ids = {
        row["group"][dim]
        for row in rows
        for dim in ("organisation", "operator")
        if row["group"].get(dim) is not None
    }
    names = await organisation_names(conn, sorted(ids))
    for row in rows:
        for dim in ("organisation", "operator"):
            if dim in row["group"]:
                row["group"][f"{dim}_name"] = names.get(row["group"][dim] or "")


async def funnel(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    rows = await _rows(conn, JOURNEYS, _FUNNEL, filters, scope, group_by)
    for row in rows:
        row["conversion"] = {
            step: ratio(row[step], row[previous]) for previous, step in pairwise(FUNNEL_STEPS)
        }
        row["overall"] = {step: ratio(row[step], row["registered"]) for step in FUNNEL_STEPS[1:]}
    return rows


async def stages(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    dims = ["stage", *(name for name in group_by if name != "stage")]
    return await _rows(conn, JOURNEYS, [("journeys", "count(*)::int")], filters, scope, dims)


async def visas(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    rows = await _rows(conn, VISAS, _VISAS, filters, scope, group_by)
    for row in rows:
        row["approval_rate"] = ratio(row["granted"], row["granted"] + row["refused"])
    return rows


async def travel(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    rows = await _rows(
        conn,
        JOURNEYS,
        _TRAVEL,
        filters,
        scope,
        group_by,
        date_column="js.departed_on",
        condition="js.departed_on IS NOT NULL",
    )
    for row in rows:
        row["on_time_return_rate"] = ratio(row["returned_on_time"], row["returned"])
    return rows


async def orientation(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    rows = await _rows(conn, JOURNEYS, _ORIENTATION, filters, scope, group_by)
    for row in rows:
        row["departed_oriented_share"] = ratio(row["departed_oriented"], row["departed"])
    return rows


async def grievances(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ("category", "status")
) -> list[Row]:
    return await _rows(conn, GRIEVANCES, _GRIEVANCES, filters, scope, group_by)


async def compliance(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ()
) -> list[Row]:
    return await _rows(conn, JOURNEYS, _COMPLIANCE, filters, scope, group_by)


async def notifications(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ("channel",)
) -> list[Row]:
    rows = await _rows(conn, DELIVERIES, _NOTIFICATIONS, filters, scope, group_by)
    for row in rows:
        row["delivery_rate"] = ratio(row["delivered"], row["messages"])
    return rows


async def registrations(
    conn: Any, filters: Filters, scope: Scope, group_by: Sequence[str] = ("region", "year")
) -> list[Row]:
    return await _rows(
        conn,
        REGISTRATIONS,
        [("workers", "count(*)::int")],
        filters,
        scope,
        group_by,
        condition="w.registered_on IS NOT NULL",
    )
