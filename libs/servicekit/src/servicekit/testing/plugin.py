"""Fixtures for every test suite: Kafka, PostgreSQL, fresh databases, brokers to kill.

Loaded by `-p servicekit.testing.plugin` (root pyproject.toml); imports only cheap modules,
anything heavy (aiokafka, asyncpg, docker, testcontainers) is imported when a fixture runs.

Choices, made once per session:
- Kafka: KAFKA_BOOTSTRAP_SERVERS when TEST_USE_EXTERNAL_KAFKA=1; else a container of the
  official apache/kafka image when a Docker engine answers; else a Tansu broker in memory.
- PostgreSQL: a container when a Docker engine answers; else the local server on 5432.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from servicekit.testing.brokers import TansuBrokerFactory
from servicekit.testing.postgres import DatabaseFactory


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """ "host:port" of the session's Kafka (see the module docstring for which one)."""
    from servicekit.testing.kafka import kafka_for_tests

    with kafka_for_tests(tmp_path_factory.mktemp("kafka")) as servers:
        yield servers


@pytest.fixture(scope="session")
def postgres_admin_dsn() -> Iterator[str]:
    """A DSN of a superuser on the session's PostgreSQL server (its `postgres` database)."""
    from servicekit.testing.postgres import postgres_for_tests

    with postgres_for_tests() as dsn:
        yield dsn


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def create_database(postgres_admin_dsn: str) -> AsyncIterator[DatabaseFactory]:
    """`dsn = await create_database(prefix="t")`: a new empty database, dropped at session end."""
    factory = DatabaseFactory(postgres_admin_dsn)
    yield factory
    await factory.drop_all()


@pytest.fixture
def tansu_broker_factory(tmp_path: Path) -> Iterator[TansuBrokerFactory]:
    """`broker = tansu_broker_factory(durable=False)`: a started broker of this test's own."""
    factory = TansuBrokerFactory(tmp_path)
    yield factory
    factory.stop_all()
