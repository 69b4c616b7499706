"""Broker administration through aiokafka: wait for a broker and create topics explicitly.

Topics are always created explicitly (never auto-created): Tansu with memory storage would
otherwise re-create a topic with its default 4 partitions on the first metadata request.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, for_code

from contracts.topics import all_topic_names, topic_configs

TOPIC_ALREADY_EXISTS = 36  # some Tansu builds accept a duplicate silently; Kafka says 36
_RETRY_INTERVAL = 0.25


@contextlib.asynccontextmanager
async def admin_client(
    bootstrap_servers: str, request_timeout_ms: int = 10_000
) -> AsyncIterator[Any]:
    """A started AIOKafkaAdminClient, closed on exit."""
    client = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=request_timeout_ms
    )
    try:
        await client.start()
        yield client
    finally:
        await client.close()


async def _any_accepts(bootstrap_servers: str) -> bool:
    """True when one bootstrap address accepts TCP (checked first: aiokafka logs every refusal)."""
    for address in bootstrap_servers.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]") or "localhost", int(port)), 2.0
            )
        except (OSError, ValueError, TimeoutError):
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True
    return False


async def _metadata_answers(bootstrap_servers: str, remaining: float) -> None:
    request_ms = int(min(max(remaining, 1.0), 10.0) * 1000)
    async with asyncio.timeout(max(remaining, 0.5)):
        async with admin_client(bootstrap_servers, request_ms) as client:
            await client.list_topics()


async def wait_for_broker(bootstrap_servers: str, timeout: float = 30.0) -> None:
    """Return once the broker answers a metadata request; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            if await _any_accepts(bootstrap_servers):
                await _metadata_answers(bootstrap_servers, remaining)
                return
            last_error = ConnectionRefusedError(f"nothing listens on {bootstrap_servers}")
        except (KafkaError, OSError, TimeoutError) as error:
            last_error = error
        await asyncio.sleep(min(_RETRY_INTERVAL, max(deadline - time.monotonic(), 0)))
    raise TimeoutError(
        f"Kafka broker at {bootstrap_servers} did not answer a metadata request within "
        f"{timeout:g}s (last error: {last_error}); is it running and is "
        "KAFKA_BOOTSTRAP_SERVERS right?"
    )


def _raise_for_topic_errors(response: Any) -> list[str]:
    """Names created by a CreateTopics response; 'already exists' is not an error."""
    created: list[str] = []
    for entry in response.to_object()["topic_errors"]:
        code = entry["error_code"]
        if code == 0:
            created.append(entry["topic"])
        elif code != TOPIC_ALREADY_EXISTS:
            message = entry.get("error_message") or ""
            raise for_code(code)(f"cannot create topic {entry['topic']}: {message}")
    return created


async def ensure_topics(bootstrap_servers: str, topics: Sequence[tuple[str, int]]) -> list[str]:
    """Create the missing topics (name, partitions) with replication 1; return those created.

    Idempotent: existing topics are left as they are, whatever their partition count.
    """
    async with admin_client(bootstrap_servers) as client:
        existing = set(await client.list_topics())
        missing = [(name, partitions) for name, partitions in topics if name not in existing]
        if not missing:
            return []
        new_topics = [
            NewTopic(name, partitions, 1, topic_configs=topic_configs(name))
            for name, partitions in missing
        ]
        return _raise_for_topic_errors(await client.create_topics(new_topics))


async def topic_partitions(bootstrap_servers: str, name: str) -> int:
    """The partition count of an existing topic; LookupError if it does not exist."""
    async with admin_client(bootstrap_servers) as client:
        # Asking for a missing topic by name would auto-create it on some brokers.
        if name not in await client.list_topics():
            raise LookupError(f"topic {name} does not exist on {bootstrap_servers}")
        (description,) = await client.describe_topics([name])
        return len(description["partitions"])


async def ensure_all_topics(bootstrap_servers: str) -> list[str]:
    """Create every topic of the catalogue in contracts (dead-letter topics included)."""
    return await ensure_topics(bootstrap_servers, all_topic_names())
