"""Brokers a test owns outright, to kill and restart them (fault injection)."""

from __future__ import annotations

from pathlib import Path

from servicekit.embedded.s3 import LocalS3
from servicekit.embedded.tansu import TansuBroker


class TansuBrokerFactory:
    """`factory(durable=True)` gives a started TansuBroker; all are stopped at teardown.

    A durable broker stores its data through its own LocalS3 under the test's tmp_path,
    which stays up across the broker's restarts (`factory.s3_of(broker)`).
    """

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.brokers: list[TansuBroker] = []
        self._s3: dict[int, LocalS3] = {}

    def __call__(
        self, *, durable: bool = False, port: int | None = None, start: bool = True
    ) -> TansuBroker:
        number = len(self.brokers)
        s3: LocalS3 | None = None
        if durable:
            s3 = LocalS3(
                self.work_dir / f"s3-{number}", log_file=self.work_dir / f"s3-{number}.log"
            )
            s3.start()
        broker = TansuBroker(
            port,
            storage="s3" if s3 is not None else "memory",
            s3_endpoint=s3.endpoint if s3 is not None else None,
            log_file=self.work_dir / f"tansu-{number}.log",
        )
        self.brokers.append(broker)
        if s3 is not None:
            self._s3[id(broker)] = s3
        if start:
            broker.start()
        return broker

    def s3_of(self, broker: TansuBroker) -> LocalS3 | None:
        return self._s3.get(id(broker))

    def stop_all(self) -> None:
        for broker in self.brokers:
            broker.stop()
        for s3 in self._s3.values():
            s3.stop()
