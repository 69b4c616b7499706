"""Prometheus metrics shared by every service (served on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds", "Age of the oldest unpublished outbox row", ["service"]
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published", ["service"])
OUTBOX_FAILURES = Counter(
    "outbox_publish_failures_total", "Failed attempts to publish an outbox batch", ["service"]
)
EVENTS_CONSUMED = Counter(
    "events_consumed_total",
    "Events handled by a consumer, by outcome",
    ["service", "topic", "outcome"],
)
EVENT_HANDLING_SECONDS = Histogram(
    "event_handling_seconds", "Time to apply one event", ["service", "topic"]
)
DEAD_LETTERS = Counter("dead_letters_total", "Events sent to the dead-letter topic", ["service"])
INBOX_PARKED = Gauge("inbox_parked", "Events waiting for a missing earlier version", ["service"])
CONSUMER_LAG = Gauge(
    "consumer_lag", "Records behind the high watermark", ["service", "topic", "partition"]
)
