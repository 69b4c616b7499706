"""Cursor pagination: opaque cursors that encode the position after the last item."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from servicekit.http.problems import FieldProblem, ProblemError

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="`next_cursor` of the previous page; omit for the first."),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class InvalidCursor(ProblemError):
    status, slug, title = 422, "invalid-cursor", "The cursor is not one this API gave out"

    def __init__(self) -> None:
        super().__init__(
            "pass back a next_cursor exactly as received",
            errors=[FieldProblem(field="query.cursor", message="not a valid cursor")],
        )


def encode_cursor(position: list[Any]) -> str:
    raw = json.dumps(position, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(position, list) or len(position) != arity:
        raise InvalidCursor()
    return position
