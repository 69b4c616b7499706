"""Bulk registration from CSV and JSON batches, on the real stack."""

from __future__ import annotations

import csv
import io
from typing import Any

from registry_support import Tenants, new_iin, outbox_types, worker_body

from registry.entrypoints.api.bulk_parsing import CSV_COLUMNS
from servicekit.testing.service import ServiceHarness


def as_csv(bodies: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for body in bodies:
        flat = {key: value for key, value in body.items() if key != "consent"}
        flat["consent_given_at"] = body["consent"]["given_at"]
        flat["consent_text_version"] = body["consent"]["text_version"]
        writer.writerow(flat)
    return out.getvalue().encode()


async def post_csv(
    registry: ServiceHarness, tenants: Tenants, payload: bytes, **headers: str
) -> Any:
    return await registry.client.post(
        "/v1/workers/bulk",
        content=payload,
        headers=tenants.lmc.headers | {"Content-Type": "text/csv"} | headers,
    )


async def test_a_mixed_csv_batch_registers_the_valid_rows_and_reports_each_invalid_one(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    taken = worker_body()
    existing = await registry.client.post("/v1/workers", json=taken, headers=tenants.lmc.headers)
    repeated = new_iin()
    rows = [
        worker_body(),  # line 2: valid
        worker_body(iin="123"),  # line 3: IIN too short
        worker_body(phone="", email=""),  # line 4: no way to reach the worker
        worker_body(iin=taken["iin"]),  # line 5: registered already
        worker_body(iin=repeated),  # line 6: valid
        worker_body(iin=repeated),  # line 7: same IIN as line 6
        worker_body(sex="x", date_of_birth="not a date"),  # line 8: two wrong fields
    ]

    response = await post_csv(registry, tenants, as_csv(rows))

    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["rows"], result["registered"], result["rejected"]) == (7, 2, 5)
    assert [entry["row"] for entry in result["workers"]] == [2, 6]
    errors = {(error["row"], error["field"]) for error in result["errors"]}
    assert errors == {
        (3, "iin"), (4, "phone"), (5, "iin"), (7, "iin"), (8, "sex"), (8, "date_of_birth"),
    }  # fmt: skip
    duplicate = next(error for error in result["errors"] if error["row"] == 5)
    assert duplicate["existing_worker_id"] == existing.json()["id"]
    for entry in result["workers"]:
        assert await outbox_types(registry.runtime.pool, entry["worker_id"]) == [
            "sws.WorkerRegistered.v1",
            "sws.WorkerContactDetailsChanged.v1",
        ]


async def test_a_json_batch_numbers_rows_from_one(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    bad = worker_body()
    del bad["family_name"]

    response = await registry.client.post(
        "/v1/workers/bulk",
        json={"workers": [worker_body(), bad, worker_body()]},
        headers=tenants.agency_a.headers,
    )

    result = response.json()
    assert [entry["row"] for entry in result["workers"]] == [1, 3]
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(2, "family_name")]


async def test_a_retried_batch_with_the_same_key_registers_nothing_twice(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    payload = as_csv([worker_body() for _ in range(3)])

    first = await post_csv(registry, tenants, payload, **{"Idempotency-Key": "batch-42"})
    retry = await post_csv(registry, tenants, payload, **{"Idempotency-Key": "batch-42"})

    assert first.json()["registered"] == 3
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"


async def test_without_a_key_a_repeated_batch_is_refused_row_by_row_as_duplicates(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    payload = as_csv([worker_body() for _ in range(2)])
    await post_csv(registry, tenants, payload)

    again = (await post_csv(registry, tenants, payload)).json()

    assert again["registered"] == 0
    assert {error["field"] for error in again["errors"]} == {"iin"}


async def test_a_batch_of_more_than_ten_thousand_rows_is_refused_whole(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    row = as_csv([worker_body()]).split(b"\n", 1)[1]
    payload = as_csv([]) + row * 10_001

    response = await post_csv(registry, tenants, payload)

    assert response.status_code == 413
    assert response.json()["type"] == "urn:sws:problem:too-many-rows"


async def test_unknown_csv_columns_and_other_content_types_are_refused(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    unknown = await post_csv(registry, tenants, b"iin,given_name,family_name,shoe_size\n")
    xml = await registry.client.post(
        "/v1/workers/bulk",
        content=b"<workers/>",
        headers=tenants.lmc.headers | {"Content-Type": "application/xml"},
    )

    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["header.shoe_size"]
    assert xml.status_code == 422
    assert xml.json()["errors"][0]["field"] == "header.Content-Type"


async def test_an_oversized_body_is_refused_before_it_is_read(
    registry: ServiceHarness, tenants: Tenants
) -> None:
    huge = b'{"iin": "' + b"9" * 2_000_000 + b'"}'

    declared = await registry.client.post(
        "/v1/workers",
        content=huge,
        headers=tenants.lmc.headers | {"Content-Type": "application/json"},
    )

    async def chunks() -> Any:
        for start in range(0, len(huge), 65536):
            yield huge[start : start + 65536]

    streamed = await registry.client.post(
        "/v1/workers",
        content=chunks(),
        headers=tenants.lmc.headers | {"Content-Type": "application/json"},
    )

    assert declared.status_code == streamed.status_code == 413
    assert streamed.json()["type"] == "urn:sws:problem:payload-too-large"
