"""Runs one outbox relay as its own process, so that a test can SIGKILL it.

Usage: python relay_process.py DSN BOOTSTRAP_SERVERS SERVICE BATCH_SIZE [PAUSE_AFTER_SEND]

PAUSE_AFTER_SEND (seconds) holds each batch between the broker's acknowledgement and the
marking of its rows as sent: the window in which a crash re-publishes, which tests aim at.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence

import asyncpg
from faststream.kafka import KafkaBroker

from servicekit.outbox import KafkaRecordPublisher, OutboxRelay, OutgoingRecord, RelayConfig


class PausingPublisher(KafkaRecordPublisher):
    def __init__(self, broker: KafkaBroker, pause: float) -> None:
        super().__init__(broker)
        self._pause = pause

    async def send_batch(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        results = await super().send_batch(records)
        await asyncio.sleep(self._pause)
        return results


async def main(dsn: str, bootstrap_servers: str, service: str, batch: int, pause: float) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    broker = KafkaBroker(bootstrap_servers, log_level=logging.DEBUG)
    await broker.start()
    config = RelayConfig(service=service, dsn=dsn, batch_size=batch, poll_interval=0.2)
    await OutboxRelay(pool, PausingPublisher(broker, pause), config).run()


if __name__ == "__main__":
    pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), pause))
