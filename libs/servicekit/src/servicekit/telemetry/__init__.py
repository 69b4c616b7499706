"""One call gives a service traces (OTLP), Prometheus metrics and JSON logs with trace ids."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from servicekit.telemetry.logs import configure_logging

log = logging.getLogger(__name__)

__all__ = ["Telemetry", "configure_telemetry", "tracer"]


@dataclass
class Telemetry:
    provider: TracerProvider

    def shutdown(self) -> None:
        self.provider.force_flush(timeout_millis=5000)


def configure_telemetry(
    service: str,
    *,
    otlp_endpoint: str | None = None,
    log_level: str = "INFO",
    json_logs: bool = True,
) -> Telemetry:
    """Set up tracing and logging for ``service``.

    Spans go to ``otlp_endpoint`` (OTLP over HTTP) when one is configured. The SDK's tracer
    provider is process-global; when one exists already (several services in one test process)
    it is reused, so every span still reaches the processors attached to it.
    """
    configure_logging(service, log_level, json_lines=json_logs)
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        trace.set_tracer_provider(provider)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        log.info("exporting traces over OTLP to %s", endpoint)
    return Telemetry(provider)


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)
