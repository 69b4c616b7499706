"""Consumer lag per partition, from the fetch high watermark.

The embedded broker answers "latest" offset requests wrongly, so lag is never computed from
end offsets: the high watermark comes with every fetch response and is right."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from servicekit.telemetry import metrics

log = logging.getLogger(__name__)


async def partition_lag(consumer: Any) -> dict[tuple[str, int], int]:
    """Records behind the high watermark, per assigned partition that has been fetched."""
    lag: dict[tuple[str, int], int] = {}
    for partition in consumer.assignment():
        highwater = consumer.highwater(partition)
        if highwater is None:
            continue
        position = await consumer.position(partition)
        lag[(partition.topic, partition.partition)] = max(highwater - position, 0)
    return lag


async def sample_lag(service: str, subscriber: Any, every: float = 5.0) -> None:
    """Keep the ``consumer_lag`` gauge current until cancelled."""
    while True:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is not None:
            try:
                for (topic, partition), behind in (await partition_lag(consumer)).items():
                    metrics.CONSUMER_LAG.labels(service, topic, str(partition)).set(behind)
            except Exception as error:  # a metric must not stop the service
                log.debug("could not sample consumer lag: %r", error)
        await asyncio.sleep(every)
