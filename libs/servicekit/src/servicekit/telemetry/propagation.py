"""W3C trace context carried in CloudEvents extensions and Kafka headers."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from opentelemetry import propagate
from opentelemetry.context import Context

from contracts.envelope import HEADER_PREFIX, TRACE_HEADERS, CloudEvent


def with_current_trace(event: CloudEvent) -> CloudEvent:
    """``event`` with the active span's context as its traceparent/tracestate."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if "traceparent" not in carrier:
        return event
    return event.model_copy(
        update={"traceparent": carrier["traceparent"], "tracestate": carrier.get("tracestate")}
    )


def traceparent_of(headers: Mapping[str, str]) -> str | None:
    """The traceparent a record carries (the plain W3C header, else the CloudEvents one)."""
    return headers.get("traceparent") or headers.get(HEADER_PREFIX + "traceparent")


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The trace context a record carries (plain W3C headers, else the CloudEvents extension)."""
    carrier = {name: headers[name] for name in TRACE_HEADERS if name in headers}
    parent = traceparent_of(headers)
    if parent is not None:
        carrier["traceparent"] = parent
    return propagate.extract(carrier)


def inject_current_trace(headers: MutableMapping[str, str]) -> None:
    """Overwrite the record's trace headers with the active span (the latest hop)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    for name in TRACE_HEADERS:
        if name in carrier:
            headers[name] = carrier[name]
            headers[HEADER_PREFIX + name] = carrier[name]
