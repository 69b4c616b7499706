"""The projections, read through the API, equal figures computed independently in plain Python
from the same generated history, delivered with duplicates and redeliveries in any interleaving
of the aggregates (each aggregate's events in order)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from reporting.testing.fed import PSEUDONYM_KEY, Fed
from reporting.testing.history import pseudonym
from reporting.testing.truth import Query, comparable, journey_records
from servicekit.inbox import Outcome

MINISTRY = "ministry"


async def figures(fed: Fed, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await fed.harness.client.get(
        f"/v1/statistics/{path}", params=params, headers=fed.headers(MINISTRY)
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["rows"]
    return rows


FUNNEL = ("registered", "screened", "oriented", "matched", "visa_submitted", "visa_granted",
          "departed", "arrived", "returned", "withdrawn")  # fmt: skip
VISAS = ("submitted", "granted", "refused", "workers_granted", "median_processing_days",
         "p90_processing_days")  # fmt: skip
TRAVEL = ("departed", "arrived", "returned", "returned_on_time", "still_abroad",
          "overstay_risks", "overstay_risks_open")  # fmt: skip
GRIEVANCES = ("grievances", "open", "referred_to_glaa", "resolved")
COMPLIANCE = ("journeys", "fee_reports", "fee_breaches", "journeys_with_fee_breach",
              "recruitment_fee_grievances", "document_retention_grievances", "glaa_referrals",
              "overstay_risks", "urgent_welfare_checks")  # fmt: skip


def test_the_history_is_realistic_and_was_delivered_with_duplicates(fed: Fed) -> None:
    records = journey_records(fed.history)
    stages = {r["stage"] for r in records}
    assert {"withdrawn", "returned", "visa_applied", "visa_granted", "arrived"} <= stages
    assert any(r["journey_number"] == 2 for r in records), "some workers go a second season"
    assert any(r["visa_refusals"] for r in records)
    assert any(r["fee_breaches"] for r in records)
    assert fed.outcomes[Outcome.DUPLICATE.value] > 0, "redeliveries were mixed in"


@pytest.mark.parametrize(
    "group_by", [(), ("region",), ("season",), ("sector",), ("organisation",), ("region", "sex")]
)
async def test_funnel_equals_the_ground_truth(fed: Fed, group_by: tuple[str, ...]) -> None:
    rows = await figures(fed, "funnel", group_by=",".join(group_by))
    assert comparable(rows, FUNNEL) == comparable(fed.expected.funnel(group_by), FUNNEL)


async def test_current_stages_equal_the_ground_truth(fed: Fed) -> None:
    rows = await figures(fed, "stages", group_by="season")
    expected = fed.expected.stages(["season"])
    assert comparable(rows, ["journeys"]) == comparable(expected, ["journeys"])


@pytest.mark.parametrize("group_by", [(), ("sector",), ("season",), ("month",), ("operator",)])
async def test_visa_figures_equal_the_ground_truth(fed: Fed, group_by: tuple[str, ...]) -> None:
    rows = await figures(fed, "visas", group_by=",".join(group_by))
    assert comparable(rows, VISAS) == comparable(fed.expected.visas(group_by), VISAS)


async def test_workers_from_turkistan_who_received_a_visa_in_2025_by_sector(fed: Fed) -> None:
    params = {"region": "Turkistan", "from": "2025-01-01", "to": "2025-12-31"}
    rows = await figures(fed, "visas", group_by="sector", **params)
    query = Query(region="Turkistan", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    expected = fed.expected.visas(["sector"], query)
    assert comparable(rows, VISAS) == comparable(expected, VISAS)
    assert sum(row["workers_granted"] for row in rows) > 0


@pytest.mark.parametrize("group_by", [(), ("season",), ("region",)])
async def test_departures_and_returns_equal_the_ground_truth(
    fed: Fed, group_by: tuple[str, ...]
) -> None:
    rows = await figures(fed, "travel", group_by=",".join(group_by))
    assert comparable(rows, TRAVEL) == comparable(fed.expected.travel(group_by), TRAVEL)


async def test_share_of_departed_workers_who_completed_orientation(fed: Fed) -> None:
    rows = await figures(fed, "orientation")
    (expected,) = fed.expected.orientation()
    assert rows[0]["departed_oriented"] == expected["departed_oriented"]
    assert rows[0]["departed"] == expected["departed"]
    share = expected["departed_oriented"] / expected["departed"]
    assert rows[0]["departed_oriented_share"] == pytest.approx(share, abs=1e-4)
    assert share < 1, "the history has departures without orientation"


@pytest.mark.parametrize(
    "group_by", [("category", "status"), ("operator",), ("season", "severity")]
)
async def test_grievances_equal_the_ground_truth(fed: Fed, group_by: tuple[str, ...]) -> None:
    rows = await figures(fed, "grievances", group_by=",".join(group_by))
    expected = fed.expected.grievances(group_by)
    assert comparable(rows, GRIEVANCES) == comparable(expected, GRIEVANCES)


@pytest.mark.parametrize("group_by", [(), ("organisation",), ("season",)])
async def test_compliance_flags_equal_the_ground_truth(fed: Fed, group_by: tuple[str, ...]) -> None:
    rows = await figures(fed, "compliance", group_by=",".join(group_by))
    expected = fed.expected.compliance(group_by)
    assert comparable(rows, COMPLIANCE) == comparable(expected, COMPLIANCE)


async def test_notification_delivery_rates_equal_the_ground_truth(fed: Fed) -> None:
    rows = await figures(fed, "notifications")
    measures = ("messages", "delivered", "failed")
    assert comparable(rows, measures) == comparable(fed.expected.notifications(), measures)
    for row in rows:
        assert row["delivery_rate"] == pytest.approx(row["delivered"] / row["messages"], abs=1e-4)


async def test_filters_and_date_ranges_apply(fed: Fed) -> None:
    query = Query(season=2025, sector="poultry", date_from=date(2024, 11, 1))
    rows = await figures(fed, "funnel", season=2025, sector="poultry", **{"from": "2024-11-01"})
    assert comparable(rows, FUNNEL) == comparable(fed.expected.funnel((), query), FUNNEL)


async def test_each_journey_snapshot_equals_the_ground_truth(fed: Fed) -> None:
    """Row by row: the listing's snapshots against the simulation's journeys."""
    expected = {
        (pseudonym(PSEUDONYM_KEY, r["worker_id"]), r["journey_number"]): r
        for r in journey_records(fed.history)
    }
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 37, **({"cursor": cursor} if cursor else {})}
        page = await fed.harness.client.get(
            "/v1/journeys", params=params, headers=fed.headers(MINISTRY)
        )
        assert page.status_code == 200, page.text
        for item in page.json()["items"]:
            seen[(item["pseudonymous_worker_id"], item["journey_number"])] = item
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen.keys() == expected.keys()
    fields = ("season", "stage", "age_band", "sector", "visa_status", "visa_refusals",
              "visa_processing_days", "returned_on_time", "overstay_risk", "grievances",
              "grievances_open", "fee_breaches", "welfare_checks",
              "withdrawn_at_stage")  # fmt: skip
    dates = ("started_on", "screened_on", "oriented_on", "matched_on", "visa_submitted_on",
             "visa_granted_on", "departed_on", "returned_on", "withdrawn_on")  # fmt: skip
    for key, item in seen.items():
        truth = expected[key]
        for name in fields:
            assert item[name] == truth[name], (key, name)
        for name in dates:
            wanted = truth[name].isoformat() if truth[name] else None
            assert item[name] == wanted, (key, name)


async def test_applying_the_history_again_changes_nothing(fed: Fed) -> None:
    before = await figures(fed, "funnel", group_by="season")
    events = fed.history.events()
    random.Random(3).shuffle(events)  # old versions and duplicates, in any order
    outcomes = {
        (await fed.harness.runtime.processor.process(event.record())).value for event in events
    }
    assert outcomes <= {Outcome.DUPLICATE.value}
    assert await figures(fed, "funnel", group_by="season") == before
