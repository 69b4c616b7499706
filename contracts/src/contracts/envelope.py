"""The CloudEvents 1.0 envelope and its Kafka protocol binding (binary content mode).

In binary mode the Kafka record value is the event data (JSON) and every other attribute
travels as a ``ce_``-prefixed header; the ``partitionkey`` extension is the record key.
Extensions used here: ``organisationid`` (owning organisation), ``correlationid``,
``aggregateversion`` (the version of the aggregate named by ``subject`` after this event) and
the distributed-tracing extension's ``traceparent``/``tracestate``.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contracts.base import IntegrationEvent

E = TypeVar("E", bound=IntegrationEvent)

HEADER_PREFIX = "ce_"
CONTENT_TYPE_HEADER = "content-type"
JSON_CONTENT_TYPE = "application/json"
# W3C trace context also travels under its plain header names so that any OpenTelemetry
# propagator (and any non-CloudEvents consumer) finds it.
TRACE_HEADERS = ("traceparent", "tracestate")


class MalformedEventError(ValueError):
    """A record that is not a valid CloudEvent of this system (a poison message)."""


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    specversion: Literal["1.0"] = "1.0"
    subject: str | None = None
    time: datetime
    datacontenttype: str = JSON_CONTENT_TYPE
    dataschema: str | None = None
    partitionkey: str | None = None
    organisationid: str | None = None
    correlationid: str | None = None
    aggregateversion: int | None = None
    traceparent: str | None = None
    tracestate: str | None = None
    data: bytes = b""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        """No consumer's database can store a NUL, so such an event could never be recorded."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value

    @classmethod
    def create(
        cls,
        event: IntegrationEvent,
        *,
        source: str,
        subject: str,
        key: str,
        organisation_id: str | None = None,
        correlation_id: str | None = None,
        event_id: str | None = None,
        time: datetime | None = None,
    ) -> CloudEvent:
        return cls(
            id=event_id or str(uuid.uuid4()),
            source=source,
            type=event.event_type(),
            subject=subject,
            time=time or datetime.now(UTC),
            dataschema=event.schema_id(),
            partitionkey=key,
            organisationid=organisation_id,
            correlationid=correlation_id,
            data=event.model_dump_json().encode(),
        )

    def payload(self, model: builtins.type[E]) -> E:
        """The data parsed as ``model``; raises MalformedEventError when it does not fit."""
        # ``builtins.type``: inside this class ``type`` names the CloudEvents attribute.
        try:
            return model.model_validate_json(self.data)
        except ValidationError as error:
            raise MalformedEventError(f"{self.type} {self.id}: {error}") from error

    def data_json(self) -> Any:
        return json.loads(self.data)


_HEADER_ATTRIBUTES = (
    "id",
    "source",
    "type",
    "specversion",
    "subject",
    "time",
    "dataschema",
    "organisationid",
    "correlationid",
    "aggregateversion",
    "traceparent",
    "tracestate",
)


def to_kafka_headers(event: CloudEvent) -> dict[str, str]:
    """The record headers of ``event`` in binary content mode (trace headers included)."""
    headers = {CONTENT_TYPE_HEADER: event.datacontenttype}
    for name in _HEADER_ATTRIBUTES:
        value = getattr(event, name)
        if value is None:
            continue
        headers[HEADER_PREFIX + name] = (
            value.isoformat() if isinstance(value, datetime) else str(value)
        )
    for name in TRACE_HEADERS:
        if getattr(event, name) is not None:
            headers[name] = str(getattr(event, name))
    return headers


def from_kafka(
    key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]]
) -> CloudEvent:
    """Parse a record in binary content mode; raises MalformedEventError for anything else."""
    decoded = _decode_headers(headers)
    attributes: dict[str, Any] = {
        name[len(HEADER_PREFIX) :]: text
        for name, text in decoded.items()
        if name.startswith(HEADER_PREFIX)
    }
    for name in TRACE_HEADERS:  # the plain W3C header wins: it names the latest hop
        if name in decoded:
            attributes[name] = decoded[name]
    if CONTENT_TYPE_HEADER in decoded:
        attributes["datacontenttype"] = decoded[CONTENT_TYPE_HEADER]
    if key is not None:
        attributes["partitionkey"] = _text(key, "key")
    attributes["data"] = value or b""
    try:
        return CloudEvent.model_validate(attributes)
    except ValidationError as error:
        raise MalformedEventError(f"not a CloudEvent: {error}") from error


def _decode_headers(headers: Iterable[tuple[str, bytes]]) -> Mapping[str, str]:
    return {name: _text(raw, name) for name, raw in headers}


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError as error:
        raise MalformedEventError(f"{what} is not UTF-8") from error
