"""One trace follows a registration from the registry's API through its outbox and Kafka into
the visa, notifications and reporting consumers: four processes, exported over OTLP."""

from __future__ import annotations

import os
import uuid

from otlp_receiver import OtlpReceiver, ReceivedSpan
from system_support import RunningSystem, lmc_key, valid_iin
from test_walking_skeleton import registration

from servicekit.testing.support import wait_until

CONSUMERS = ("visa", "notifications", "reporting")


async def test_one_trace_links_the_request_to_every_consumer(
    system: RunningSystem, otlp_receiver: OtlpReceiver
) -> None:
    trace_id, caller_span = os.urandom(16).hex(), os.urandom(8).hex()
    key = await lmc_key(system)
    async with system.client("registry") as registry:
        response = await registry.post(
            "/v1/workers",
            json=registration(f"Trace-{uuid.uuid4().hex[:6]}", valid_iin()),
            headers={
                "Authorization": f"Bearer {key}",
                "traceparent": f"00-{trace_id}-{caller_span}-01",
            },
        )
    assert response.status_code == 201

    def every_consumer_reported() -> bool:
        services = {span.service for span in otlp_receiver.trace(trace_id) if _processed(span)}
        return services >= set(CONSUMERS)

    await wait_until(every_consumer_reported, timeout=60)

    spans = otlp_receiver.trace(trace_id)
    by_id = {span.span_id: span for span in spans}
    request = next(s for s in spans if s.service == "registry" and s.parent_span_id == caller_span)
    publishes = [s for s in spans if s.service == "registry" and s.name.endswith(" publish")]
    assert {s.name for s in publishes} >= {
        "registry.worker.v1 publish",
        "registry.worker-contact.v1 publish",
    }
    for publish in publishes:
        assert _ancestors(publish, by_id)[-1] == request, (
            "the relay's span descends from the request"
        )
    for consumer in CONSUMERS:
        processed = [s for s in spans if s.service == consumer and _processed(s)]
        assert processed, f"{consumer} processed the event in the same trace"
        for span in processed:
            assert by_id[span.parent_span_id] in publishes, "each consumer follows a publish"


def _processed(span: ReceivedSpan) -> bool:
    return span.name.endswith(" process")


def _ancestors(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> list[ReceivedSpan]:
    chain = []
    while span.parent_span_id in by_id:
        span = by_id[span.parent_span_id]
        chain.append(span)
    return chain
