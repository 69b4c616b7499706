"""Exports (CSV, JSON Lines, Parquet) and the analytics stream: complete, streamed, and free of
personal data: no IIN, name, phone, e-mail or worker id from the history appears anywhere."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from contracts.envelope import from_kafka
from contracts.events.analytics import JourneySnapshotUpdated
from contracts.topics import JOURNEY_SNAPSHOT_TOPIC
from reporting.application.datasets import Filters, Scope
from reporting.application.exports import (
    EXPORTS,
    ExportFormat,
    encode,
    export_statement,
    row_batches,
)
from reporting.projections.snapshots import build_snapshot
from reporting.testing.fed import PSEUDONYM_KEY, Fed
from reporting.testing.history import pseudonym
from reporting.testing.truth import journey_records
from servicekit.testing.support import read_topic, wait_until


def leaks(fed: Fed, text: str) -> list[str]:
    return [value for value in fed.history.personal_data() if value in text]


def expected_rows(fed: Fed, dataset: str) -> int:
    if dataset == "journeys":
        return len(fed.expected.journeys)
    if dataset == "visa-decisions":
        return len(fed.expected.visa_facts)
    return len(fed.expected.grievance_rows)


def parse(body: bytes, fmt: str) -> list[dict[str, Any]]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode())))
    if fmt == "jsonl":
        return [json.loads(line) for line in body.decode().splitlines()]
    table = pq.read_table(io.BytesIO(body))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("dataset", ["journeys", "visa-decisions", "grievances"])
async def test_exports_are_complete_streamed_and_free_of_personal_data(
    fed: Fed, dataset: str, fmt: str
) -> None:
    chunks: list[bytes] = []
    async with fed.harness.client.stream(
        "GET", f"/v1/exports/{dataset}", params={"format": fmt}, headers=fed.headers("ministry")
    ) as response:
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
    body = b"".join(chunks)
    rows = parse(body, fmt)
    assert len(rows) == expected_rows(fed, dataset)
    text = body.decode(errors="replace") if fmt != "parquet" else json.dumps(rows, default=str)
    assert not leaks(fed, text)
    assert "pseudonymous_worker_id" in rows[0]


@pytest.mark.parametrize("fmt", list(ExportFormat))
async def test_exports_are_encoded_batch_by_batch_from_a_server_side_cursor(
    fed: Fed, fmt: ExportFormat
) -> None:
    export = EXPORTS["journeys"]
    statement, args = export_statement(export, Filters(), Scope.everything())
    batches = row_batches(fed.harness.runtime.pool, statement, args, batch_size=25)
    chunks = [chunk async for chunk in encode(export, fmt, batches)]
    assert len(chunks) >= len(fed.expected.journeys) // 25, "one chunk per batch of rows"
    assert len(parse(b"".join(chunks), fmt.value)) == len(fed.expected.journeys)


async def test_journey_export_carries_the_pseudonymous_ids(fed: Fed) -> None:
    response = await fed.harness.client.get(
        "/v1/exports/journeys", params={"format": "jsonl"}, headers=fed.headers("ministry")
    )
    exported = {
        (r["pseudonymous_worker_id"], r["journey_number"]) for r in parse(response.content, "jsonl")
    }
    expected = {
        (pseudonym(PSEUDONYM_KEY, r["worker_id"]), r["journey_number"])
        for r in journey_records(fed.history)
    }
    assert exported == expected


async def test_statistics_and_listings_carry_no_personal_data(fed: Fed) -> None:
    headers = fed.headers("ministry")
    for path, params in (
        ("/v1/journeys", {"limit": 500}),
        ("/v1/statistics/funnel", {"group_by": "region,organisation,operator"}),
        ("/v1/statistics/grievances", {"group_by": "category,status,severity"}),
        ("/v1/statistics/notifications", {"group_by": "channel,template,recipient_kind"}),
    ):
        response = await fed.harness.client.get(path, params=params, headers=headers)
        assert response.status_code == 200
        assert not leaks(fed, response.text), path


async def test_the_analytics_stream_carries_each_workers_latest_snapshot_without_personal_data(
    fed: Fed,
) -> None:
    runtime = fed.harness.runtime

    async def relayed() -> bool:
        pending = await runtime.pool.fetchval(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND topic = $1",
            JOURNEY_SNAPSHOT_TOPIC.name,
        )
        return bool(pending == 0)

    await wait_until(relayed, timeout=60)
    published = await runtime.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE topic = $1", JOURNEY_SNAPSHOT_TOPIC.name
    )
    mine = {pseudonym(PSEUDONYM_KEY, worker.id): worker.id for worker in fed.history.workers}
    records = await read_topic(
        fed.settings.kafka_bootstrap_servers, JOURNEY_SNAPSHOT_TOPIC.name, expected=published
    )
    latest: dict[str, JourneySnapshotUpdated] = {}
    for record in records:
        event = from_kafka(record.key, record.value, record.headers)
        if event.subject not in mine:
            continue  # another test's service published to the same session broker
        assert record.key.decode() == event.subject
        assert event.type == JourneySnapshotUpdated.event_type()
        raw = record.value.decode() + json.dumps([(k, v.decode()) for k, v in record.headers])
        assert not leaks(fed, raw)
        snapshot = event.payload(JourneySnapshotUpdated)
        latest[event.subject] = snapshot  # records of one key are in order on its partition
    assert latest.keys() == mine.keys()
    async with runtime.pool.acquire() as conn:
        for subject, worker_id in mine.items():
            current = await build_snapshot(conn, worker_id)
            assert current is not None
            assert latest[subject].model_dump(exclude={"occurred_at"}) == current.model_dump(
                exclude={"occurred_at"}
            )
    stages = {(pseudonym(PSEUDONYM_KEY, r["worker_id"]), r["journey_number"]): r["stage"]
              for r in journey_records(fed.history)}  # fmt: skip
    for subject, snapshot in latest.items():
        for journey in snapshot.journeys:
            assert journey.stage == stages[(subject, journey.journey_number)]
