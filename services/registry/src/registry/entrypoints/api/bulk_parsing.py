"""Turning a CSV or JSON batch into rows: each row a command, or the errors that stop it.

A batch is read whole first, so that one that cannot be read or is too large is refused before
anything is registered; its rows are validated one by one as they are consumed, so that the
commands of a whole batch never need to exist at once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from registry.application.bulk import MAX_ROWS, BulkRow, RowError
from registry.application.commands import RegisterWorker
from registry.entrypoints.api.schemas import WorkerCreate
from servicekit.http.problems import FieldProblem, ProblemError

CSV_COLUMNS = (
    "iin", "given_name", "family_name", "patronymic", "date_of_birth", "sex", "region",
    "phone", "email", "preferred_language", "passport_number", "passport_expiry",
    "consent_given_at", "consent_text_version",
)  # fmt: skip
_ROW = TypeAdapter(WorkerCreate)


class BadBatch(ProblemError):
    status, slug, title = 422, "bad-batch", "The batch cannot be read"


class TooManyRows(ProblemError):
    status, slug, title = 413, "too-many-rows", f"A batch has at most {MAX_ROWS} rows"


@dataclass(frozen=True)
class Batch:
    """A batch read but not yet validated: iterating validates each row as it is reached."""

    items: Sequence[tuple[int, Any]]  # (row number, the row as a JSON-like value)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[BulkRow]:
        return (_row(number, item) for number, item in self.items)


def rows_from_json(body: bytes) -> Batch:
    """``{"workers": [...]}`` or a bare array; rows are numbered from 1."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadBatch(f"not JSON: {error}", errors=[_field("body", "not JSON")]) from error
    items = document.get("workers") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadBatch(
            "expected an array of workers", errors=[_field("body.workers", "not a list")]
        )
    _check_size(len(items))
    return Batch(list(enumerate(items, start=1)))


def rows_from_csv(body: bytes) -> Batch:
    """A header line naming the columns, then one worker per line; rows are numbered by their
    line in the file (the header is line 1)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadBatch("the CSV is not UTF-8", errors=[_field("body", "not UTF-8")]) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames)
    records: list[tuple[int, dict[str, Any]]] = []
    for line, record in _records(reader):
        _check_size(len(records) + 1)
        records.append((line, _from_csv(record)))
    return Batch(records)


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        raise BadBatch(
            f"line {reader.line_num}: {error}", errors=[_field("body", str(error))]
        ) from error


def _check_header(columns: Any) -> None:
    given = list(columns or [])
    unknown = [name for name in given if name not in CSV_COLUMNS]
    missing = [name for name in ("iin", "given_name", "family_name") if name not in given]
    if unknown or missing:
        problems = [_field(f"header.{name}", "unknown column") for name in unknown]
        problems += [_field(f"header.{name}", "missing column") for name in missing]
        raise BadBatch(f"the columns are: {', '.join(CSV_COLUMNS)}", errors=problems)


def _from_csv(record: dict[Any, Any]) -> dict[str, Any]:
    if None in record:  # more cells than columns: DictReader keeps them under None
        return {"__extra_cells__": record[None]}
    values = {name: value for name, value in record.items() if value not in ("", None)}
    given_at = values.pop("consent_given_at", None)
    version = values.pop("consent_text_version", None)
    if given_at is not None or version is not None:
        values["consent"] = {"given_at": given_at, "text_version": version}
    return values


def _row(number: int, item: Any) -> BulkRow:
    if isinstance(item, dict) and "__extra_cells__" in item:
        return BulkRow(number, None, [RowError(number, None, "more cells than columns")])
    try:
        body = _ROW.validate_python(item)
    except ValidationError as error:
        errors = [
            RowError(number, ".".join(str(part) for part in e["loc"]) or None, e["msg"])
            for e in error.errors()
        ]
        return BulkRow(number, None, errors)
    command = RegisterWorker(iin=body.iin, profile=body.to_profile(), consent=body.to_consent())
    return BulkRow(number, command)


def _check_size(rows: int) -> None:
    if rows > MAX_ROWS:
        raise TooManyRows(
            f"send at most {MAX_ROWS} rows per batch", errors=[_field("body", "too many rows")]
        )


def _field(name: str, message: str) -> FieldProblem:
    return FieldProblem(field=name, message=message)
