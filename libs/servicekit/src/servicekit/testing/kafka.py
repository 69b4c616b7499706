"""Which Kafka the tests use: an external one, a container (Docker present) or Tansu."""

from __future__ import annotations

import functools
import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servicekit.embedded.probe import kafka_metadata_answers
from servicekit.embedded.process import wait_until
from servicekit.embedded.tansu import TansuBroker

KAFKA_IMAGE = "apache/kafka:3.9.1"
_CONTAINER_PORT = 9092
_ADVERTISED_FILE = "/tmp/advertised-listeners"  # inside the container
_STARTUP_TIMEOUT = 120.0


@functools.cache
def docker_available() -> bool:
    """True when a Docker engine answers (the CLI alone is not enough)."""
    try:
        import docker  # type: ignore[import-untyped]  # no stubs; only ping() is used

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no engine, no socket, no permission: all mean "no Docker"
        return False


def external_kafka() -> str | None:
    """KAFKA_BOOTSTRAP_SERVERS, when TEST_USE_EXTERNAL_KAFKA=1 asks to use it."""
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if servers and os.environ.get("TEST_USE_EXTERNAL_KAFKA") == "1":
        return servers
    return None


@contextmanager
def kafka_for_tests(work_dir: Path) -> Iterator[str]:
    """Bootstrap servers ("host:port") of the Kafka the test session should use."""
    external = external_kafka()
    if external is not None:
        yield external
    elif docker_available():
        with kafka_container() as servers:
            yield servers
    else:
        with TansuBroker(log_file=work_dir / "tansu.log") as broker:
            yield broker.bootstrap_servers


def _kraft_environment() -> dict[str, str]:
    # One node, broker and controller; clients use PLAINTEXT, the node itself uses BROKER.
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,"
        "CONTROLLER://0.0.0.0:9093",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,"
        "CONTROLLER:PLAINTEXT",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    }


@contextmanager
def kafka_container(image: str | None = None) -> Iterator[str]:
    """Apache Kafka (KRaft) in a container; yields the bootstrap servers seen from here.

    The advertised address depends on the host port Docker picks, known only after the
    container starts, so Kafka's start script waits for a file we write into it then.
    """
    from testcontainers.core.container import DockerContainer

    wait_then_run = (
        f"while [ ! -f {_ADVERTISED_FILE} ]; do sleep 0.1; done; "
        f'export KAFKA_ADVERTISED_LISTENERS="$(cat {_ADVERTISED_FILE})"; '
        "exec /etc/kafka/docker/run"
    )
    container = DockerContainer(image or os.environ.get("TEST_KAFKA_IMAGE", KAFKA_IMAGE))
    container.with_exposed_ports(_CONTAINER_PORT)
    for key, value in _kraft_environment().items():
        container.with_env(key, value)
    container.with_command(["sh", "-c", wait_then_run])
    container.start()
    try:
        host = container.get_container_host_ip()
        port = int(container.get_exposed_port(_CONTAINER_PORT))
        listeners = f"PLAINTEXT://{host}:{port},BROKER://localhost:9094"
        write = f"printf %s {shlex.quote(listeners)} > {_ADVERTISED_FILE}.tmp"
        container.exec(["sh", "-c", f"{write} && mv {_ADVERTISED_FILE}.tmp {_ADVERTISED_FILE}"])
        if not wait_until(
            lambda: kafka_metadata_answers(host, port), timeout=_STARTUP_TIMEOUT, interval=0.5
        ):
            raise TimeoutError(f"Kafka container did not answer on {host}:{port}")
        yield f"{host}:{port}"
    finally:
        container.stop()
