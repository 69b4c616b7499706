"""Expected figures, computed in plain Python from what the simulation decided (not from the
events, and not with the service's SQL), in the API's shape: one row per group."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reporting.testing.history import History, JourneyTruth, VisaCaseTruth, WorkerTruth

Record = dict[str, Any]
Measure = Callable[[list[Record]], Any]


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for limit, band in (
        (18, "under_18"),
        (25, "18_24"),
        (35, "25_34"),
        (45, "35_44"),
        (55, "45_54"),
    ):
        if age < limit:
            return band
    return "55_plus"


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (what PostgreSQL's percentile_cont does)."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def current_case(journey: JourneyTruth) -> VisaCaseTruth | None:
    if not journey.cases:
        return None
    placement = journey.placement[0] if journey.placement else None
    return max(journey.cases, key=lambda c: (c.placement_id == placement, c.opened_at))


def _text(value: Any) -> Any:
    return str(value) if value is not None else None


def journey_records(history: History) -> list[Record]:
    records = []
    for worker in history.workers:
        for journey in worker.journeys:
            records.append(_journey_record(worker, journey))
    return records


def _journey_record(worker: WorkerTruth, journey: JourneyTruth) -> Record:
    placement = journey.placement
    case = current_case(journey)
    facts = [fact for c in journey.cases for fact in c.facts]
    contract_end = journey.contract_ended_on or (placement[5] if placement else None)
    on_time = None
    if journey.returned_on is not None and contract_end is not None:
        on_time = journey.returned_on <= contract_end + timedelta(days=14)
    grievances = journey.grievances
    return {
        "worker_id": worker.id,
        "journey_number": journey.number,
        "region": worker.region,
        "sex": worker.sex,
        "age_band": age_band(worker.date_of_birth, journey.season_start or journey.started_on),
        "organisation": str(journey.organisation_id),
        "operator": _text(placement[1]) if placement else None,
        "sector": placement[2] if placement else None,
        "uk_region": placement[3] if placement else None,
        "season": journey.season,
        "stage": journey.stage,
        "year": journey.started_on.year,
        "orientation_language": journey.orientation_language,
        "started_on": journey.started_on,
        "screened_on": journey.screened_on,
        "oriented_on": journey.oriented_on,
        "matched_on": journey.matched_on,
        "visa_submitted_on": min((d for k, d, _ in facts if k == "submitted"), default=None),
        "visa_granted_on": min((d for k, d, _ in facts if k == "granted"), default=None),
        "visa_status": case.status if case else "none",
        "visa_decided_on": case.decided_on if case else None,
        "visa_processing_days": case.processing_days if case else None,
        "visa_refusals": sum(1 for k, _, _ in facts if k == "refused"),
        "departed_on": journey.departed_on,
        "arrived_on": journey.arrived_on,
        "contract_ended_on": journey.contract_ended_on,
        "returned_on": journey.returned_on,
        "returned_on_time": on_time,
        "withdrawn_on": journey.withdrawn_on,
        "withdrawn_at_stage": journey.withdrawn_stage,
        "overstay_risk": journey.overstay_flagged,
        "welfare_checks": journey.welfare_checks,
        "welfare_concerns": journey.welfare_concerns,
        "welfare_urgent": journey.welfare_urgent,
        "grievances": len(grievances),
        "grievances_open": sum(1 for g in grievances if g.status != "resolved"),
        "grievances_referred": sum(1 for g in grievances if g.referred_on is not None),
        "grievances_recruitment_fee": sum(1 for g in grievances if g.category == "recruitment_fee"),
        "grievances_document_retention": sum(
            1 for g in grievances if g.category == "document_retention"
        ),
        "fee_reports": len(journey.fees),
        "fee_breaches": sum(1 for _, breach in journey.fees if breach),
        "wishes_to_return": journey.wishes_to_return,
    }


def visa_fact_records(history: History) -> list[Record]:
    records = []
    for worker in history.workers:
        for journey in worker.journeys:
            for case in journey.cases:
                sector = _sector_of(history, worker, case)
                for kind, day, days in case.facts:
                    records.append({
                        "worker_id": worker.id, "kind": kind, "day": day,
                        "processing_days": days, "region": worker.region, "sex": worker.sex,
                        "age_band": age_band(
                            worker.date_of_birth, journey.season_start or journey.started_on
                        ),
                        "organisation": str(case.organisation_id),
                        "operator": str(case.operator_id), "sector": sector,
                        "season": case.season, "year": day.year, "month": f"{day:%Y-%m}",
                    })  # fmt: skip
    return records


def _sector_of(history: History, worker: WorkerTruth, case: VisaCaseTruth) -> str | None:
    for event in history.streams[("registry.worker.v1", str(worker.id))]:
        if event.envelope.type == "sws.PlacementOffered.v1":
            data = event.envelope.data_json()
            if data["placement_id"] == str(case.placement_id):
                return str(data["sector"])
    return None


def grievance_records(history: History) -> list[Record]:
    records = []
    for worker in history.workers:
        for journey in worker.journeys:
            for g in journey.grievances:
                records.append({
                    "region": worker.region, "sex": worker.sex,
                    "age_band": age_band(
                        worker.date_of_birth, journey.season_start or journey.started_on
                    ),
                    "organisation": str(g.organisation_id), "operator": _text(g.operator_id),
                    "sector": journey.placement[2] if journey.placement else None,
                    "season": journey.season, "year": g.raised_on.year, "day": g.raised_on,
                    "category": g.category, "status": g.status, "severity": g.severity,
                    "referred": g.referred_on is not None, "resolved": g.resolved_on is not None,
                })  # fmt: skip
    return records


def delivery_records(history: History) -> list[Record]:
    workers = {w.id: w for w in history.workers}
    return [
        {
            "channel": d.channel, "status": d.status, "day": d.occurred_on,
            "region": workers[d.worker_id].region if d.worker_id else None,
            "organisation": str(workers[d.worker_id].organisation_id) if d.worker_id else None,
            "recipient_id": d.recipient_id, "worker_id": d.worker_id,
        }
        for d in history.deliveries
    ]  # fmt: skip


@dataclass(frozen=True)
class Query:
    """Filters as the API takes them, applied to records of one kind."""

    region: str | None = None
    sex: str | None = None
    organisation: str | None = None
    operator: str | None = None
    sector: str | None = None
    season: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def keeps(self, record: Record, day_field: str) -> bool:
        for name in ("region", "sex", "organisation", "operator", "sector", "season"):
            wanted = getattr(self, name)
            if wanted is not None and record.get(name) != wanted:
                return False
        day = record.get(day_field)
        if self.date_from is not None and (day is None or day < self.date_from):
            return False
        return not (self.date_to is not None and (day is None or day > self.date_to))


def grouped(
    records: Iterable[Record], group_by: Sequence[str], measures: dict[str, Measure]
) -> list[Record]:
    groups: dict[tuple[Any, ...], list[Record]] = {}
    for record in records:
        groups.setdefault(tuple(record[d] for d in group_by), []).append(record)
    rows = []
    for key, members in groups.items():
        row: Record = {"group": dict(zip(group_by, key, strict=True))}
        row.update({name: measure(members) for name, measure in measures.items()})
        rows.append(row)
    return rows


def count(condition: Callable[[Record], Any] | None = None) -> Measure:
    return lambda rs: sum(1 for r in rs if condition is None or condition(r))


def total(name: str) -> Measure:
    return lambda rs: sum(r[name] for r in rs)


def has(name: str) -> Callable[[Record], bool]:
    return lambda r: r[name] is not None


FUNNEL: dict[str, Measure] = {
    "registered": count(),
    "screened": count(has("screened_on")),
    "oriented": count(has("oriented_on")),
    "matched": count(has("matched_on")),
    "visa_submitted": count(has("visa_submitted_on")),
    "visa_granted": count(has("visa_granted_on")),
    "departed": count(has("departed_on")),
    "arrived": count(has("arrived_on")),
    "returned": count(has("returned_on")),
    "withdrawn": count(has("withdrawn_on")),
}


def _decided(rs: list[Record]) -> list[float]:
    return [r["processing_days"] for r in rs if r["kind"] != "submitted"]


VISAS: dict[str, Measure] = {
    "submitted": count(lambda r: r["kind"] == "submitted"),
    "granted": count(lambda r: r["kind"] == "granted"),
    "refused": count(lambda r: r["kind"] == "refused"),
    "workers_granted": lambda rs: len({r["worker_id"] for r in rs if r["kind"] == "granted"}),
    "median_processing_days": lambda rs: percentile(_decided(rs), 0.5),
    "p90_processing_days": lambda rs: percentile(_decided(rs), 0.9),
}
TRAVEL: dict[str, Measure] = {
    "departed": count(),
    "arrived": count(has("arrived_on")),
    "returned": count(has("returned_on")),
    "returned_on_time": count(lambda r: r["returned_on_time"] is True),
    "still_abroad": count(lambda r: r["returned_on"] is None),
    "overstay_risks": count(lambda r: r["overstay_risk"]),
    "overstay_risks_open": count(lambda r: r["overstay_risk"] and r["returned_on"] is None),
}
ORIENTATION: dict[str, Measure] = {
    "oriented": count(has("oriented_on")),
    "departed": count(has("departed_on")),
    "departed_oriented": count(lambda r: r["departed_on"] and r["oriented_on"]),
}
GRIEVANCES: dict[str, Measure] = {
    "grievances": count(),
    "open": count(lambda r: r["status"] != "resolved"),
    "referred_to_glaa": count(lambda r: r["referred"]),
    "resolved": count(lambda r: r["resolved"]),
}
COMPLIANCE: dict[str, Measure] = {
    "journeys": count(),
    "fee_reports": total("fee_reports"),
    "fee_breaches": total("fee_breaches"),
    "journeys_with_fee_breach": count(lambda r: r["fee_breaches"] > 0),
    "recruitment_fee_grievances": total("grievances_recruitment_fee"),
    "document_retention_grievances": total("grievances_document_retention"),
    "glaa_referrals": total("grievances_referred"),
    "overstay_risks": count(lambda r: r["overstay_risk"]),
    "urgent_welfare_checks": total("welfare_urgent"),
}
NOTIFICATIONS: dict[str, Measure] = {
    "messages": count(),
    "delivered": count(lambda r: r["status"] == "delivered"),
    "failed": count(lambda r: r["status"] == "failed"),
}


class Expected:
    """The expected figures of one history, for any grouping and filter."""

    def __init__(self, history: History) -> None:
        self.journeys = journey_records(history)
        self.visa_facts = visa_fact_records(history)
        self.grievance_rows = grievance_records(history)
        self.delivery_rows = delivery_records(history)

    def funnel(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.journeys if query.keeps(r, "started_on")]
        return grouped(kept, group_by, FUNNEL)

    def stages(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.journeys if query.keeps(r, "started_on")]
        return grouped(kept, ["stage", *group_by], {"journeys": count()})

    def visas(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.visa_facts if query.keeps(r, "day")]
        return grouped(kept, group_by, VISAS)

    def travel(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.journeys if r["departed_on"] and query.keeps(r, "departed_on")]
        return grouped(kept, group_by, TRAVEL)

    def orientation(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.journeys if query.keeps(r, "started_on")]
        return grouped(kept, group_by, ORIENTATION)

    def grievances(
        self, group_by: Sequence[str] = ("category", "status"), query: Query = Query()
    ) -> list[Record]:
        kept = [r for r in self.grievance_rows if query.keeps(r, "day")]
        return grouped(kept, group_by, GRIEVANCES)

    def compliance(self, group_by: Sequence[str] = (), query: Query = Query()) -> list[Record]:
        kept = [r for r in self.journeys if query.keeps(r, "started_on")]
        return grouped(kept, group_by, COMPLIANCE)

    def notifications(
        self, group_by: Sequence[str] = ("channel",), query: Query = Query()
    ) -> list[Record]:
        kept = [r for r in self.delivery_rows if query.keeps(r, "day")]
        return grouped(kept, group_by, NOTIFICATIONS)


def comparable(rows: Iterable[Record], measures: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Rows keyed by their group (as text), with the named measures rounded for comparison."""
    wanted = list(measures)
    result = {}
    for row in rows:
        group = {k: v for k, v in row["group"].items() if not k.endswith("_name")}
        key = repr(sorted((k, str(v)) for k, v in group.items()))
        result[key] = {
            name: round(row[name], 6) if isinstance(row[name], float) else row[name]
            for name in wanted
        }
    return result
