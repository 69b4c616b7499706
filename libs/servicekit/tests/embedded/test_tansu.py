"""TansuBroker's lifecycle: produce, consume, kill, restart on the same port, durability."""

from __future__ import annotations

import os
import uuid

import pytest

from servicekit.embedded.probe import port_accepts
from servicekit.embedded.tansu import TansuBroker
from servicekit.kafka_admin import admin_client, ensure_topics, wait_for_broker
from servicekit.testing.brokers import TansuBrokerFactory
from servicekit.testing.records import consume_values, produce_values


def _values(count: int, tag: str = "m") -> list[bytes]:
    return [f"{tag}-{index}".encode() for index in range(count)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _topics(bootstrap_servers: str) -> set[str]:
    async with admin_client(bootstrap_servers) as client:
        return set(await client.list_topics())


async def test_produce_and_consume(tansu_broker_factory: TansuBrokerFactory) -> None:
    broker = tansu_broker_factory()
    assert broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
    await ensure_topics(broker.bootstrap_servers, [("orders", 3)])

    await produce_values(broker.bootstrap_servers, "orders", _values(20), key=b"worker-1")
    got = await consume_values(broker.bootstrap_servers, "orders", "group-a", 20)

    assert got == _values(20)  # one key, one partition: order kept


async def test_kill_then_start_on_same_port_loses_memory_data(
    tansu_broker_factory: TansuBrokerFactory,
) -> None:
    broker = tansu_broker_factory()
    port, first_pid = broker.port, broker.pid
    assert first_pid is not None
    await ensure_topics(broker.bootstrap_servers, [("volatile", 1)])
    await produce_values(broker.bootstrap_servers, "volatile", _values(5))

    broker.kill()
    assert not broker.running
    assert not _alive(first_pid)
    assert not port_accepts("127.0.0.1", port)

    broker.start()
    assert broker.port == port
    assert broker.pid != first_pid
    await wait_for_broker(broker.bootstrap_servers, timeout=10)
    assert "volatile" not in await _topics(broker.bootstrap_servers)

    await ensure_topics(broker.bootstrap_servers, [("volatile", 1)])
    await produce_values(broker.bootstrap_servers, "volatile", [b"after"])
    assert await consume_values(broker.bootstrap_servers, "volatile", "g", 1) == [b"after"]


async def test_restart_keeps_port_and_stop_ends_process(
    tansu_broker_factory: TansuBrokerFactory,
) -> None:
    broker = tansu_broker_factory()
    port, first_pid = broker.port, broker.pid
    broker.restart()
    assert broker.port == port
    assert broker.running
    second_pid = broker.pid
    assert second_pid is not None
    assert second_pid != first_pid

    broker.stop()
    assert not broker.running
    assert not _alive(second_pid)
    assert not port_accepts("127.0.0.1", port)


def test_start_refuses_a_port_in_use(tansu_broker_factory: TansuBrokerFactory) -> None:
    broker = tansu_broker_factory()
    with pytest.raises(RuntimeError, match="already in use"):
        TansuBroker(broker.port).start()


def test_s3_storage_needs_an_endpoint() -> None:
    with pytest.raises(ValueError, match="s3_endpoint"):
        TansuBroker(storage="s3")


async def test_durable_storage_keeps_records_and_offsets_across_restart(
    tansu_broker_factory: TansuBrokerFactory,
) -> None:
    broker = tansu_broker_factory(durable=True)
    servers = broker.bootstrap_servers
    topic = f"durable-{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [(topic, 3)])
    before = _values(100, "before")
    await produce_values(servers, topic, before)
    assert sorted(await consume_values(servers, topic, "early", 100)) == sorted(before)

    broker.restart()
    await wait_for_broker(servers, timeout=30)

    # Records survived: a new group reads all 100 of them.
    assert sorted(await consume_values(servers, topic, "late", 100)) == sorted(before)
    # Committed offsets survived: the old group reads only what came after the restart.
    after = _values(10, "after")
    await produce_values(servers, topic, after)
    resumed = await consume_values(servers, topic, "early", 10, linger=2.0)
    assert sorted(resumed) == sorted(after)
