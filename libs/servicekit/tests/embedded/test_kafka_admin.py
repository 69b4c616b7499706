"""kafka_admin against the session's broker (Tansu here, Apache Kafka where Docker runs)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from contracts.topics import all_topic_names
from servicekit.embedded.probe import free_port
from servicekit.kafka_admin import (
    admin_client,
    ensure_all_topics,
    ensure_topics,
    topic_partitions,
    wait_for_broker,
)


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def test_wait_for_broker_returns_when_it_answers(kafka_bootstrap_servers: str) -> None:
    await wait_for_broker(kafka_bootstrap_servers, timeout=10)


async def test_wait_for_broker_times_out_with_a_clear_message() -> None:
    address = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=f"Kafka broker at {address} did not answer"):
        await wait_for_broker(address, timeout=1.5)
    assert time.monotonic() - started < 10


async def test_ensure_topics_creates_with_partition_counts(kafka_bootstrap_servers: str) -> None:
    six, one = _name("six"), _name("one")
    created = await ensure_topics(kafka_bootstrap_servers, [(six, 6), (one, 1)])

    assert sorted(created) == sorted([six, one])
    assert await topic_partitions(kafka_bootstrap_servers, six) == 6
    assert await topic_partitions(kafka_bootstrap_servers, one) == 1


async def test_ensure_topics_is_idempotent(kafka_bootstrap_servers: str) -> None:
    name = _name("again")
    assert await ensure_topics(kafka_bootstrap_servers, [(name, 2)]) == [name]

    # A second call, even with another count, neither fails nor changes the topic.
    assert await ensure_topics(kafka_bootstrap_servers, [(name, 2)]) == []
    assert await ensure_topics(kafka_bootstrap_servers, [(name, 5)]) == []
    assert await topic_partitions(kafka_bootstrap_servers, name) == 2


async def test_topic_partitions_of_a_missing_topic_does_not_create_it(
    kafka_bootstrap_servers: str,
) -> None:
    name = _name("missing")
    with pytest.raises(LookupError, match=name):
        await topic_partitions(kafka_bootstrap_servers, name)
    async with admin_client(kafka_bootstrap_servers) as client:
        assert name not in await client.list_topics()


async def test_ensure_all_topics_creates_the_catalogue(kafka_bootstrap_servers: str) -> None:
    await ensure_all_topics(kafka_bootstrap_servers)
    assert await ensure_all_topics(kafka_bootstrap_servers) == []
    for name, partitions in all_topic_names():
        assert await topic_partitions(kafka_bootstrap_servers, name) == partitions


async def test_a_compacted_catalogue_topic_is_created_compacted(tansu_broker_factory: Any) -> None:
    broker = tansu_broker_factory()
    snapshot = "reporting.journey-snapshot.v1"

    journey = "registry.worker.v1"

    await ensure_topics(broker.bootstrap_servers, [(snapshot, 6), (journey, 6)])

    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in (snapshot, journey)]
        )
    finally:
        await admin.close()
    policies = {
        resource[3]: {entry[0]: entry[1] for entry in resource[4]}.get("cleanup.policy")
        for response in described
        for resource in response.resources
    }
    assert policies[snapshot] == "compact"
    assert policies[journey] != "compact"
