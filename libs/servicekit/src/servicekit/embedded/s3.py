"""A local S3-compatible server (localbucket) keeping buckets as folders, for durable Tansu."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Self

from servicekit.embedded.probe import LOCALHOST, free_port, http_status, port_accepts
from servicekit.embedded.process import ManagedProcess, wait_until
from servicekit.embedded.tansu import s3_environment

# 200 = created; 409 = it exists already (BucketAlreadyOwnedByYou).
_BUCKET_OK = (200, 409)


class LocalS3:
    """localbucket serving data_dir on 127.0.0.1; creates the bucket Tansu writes to."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        bucket: str = "tansu",
        log_file: Path | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port if port else free_port()
        self.bucket = bucket
        self.log_file = log_file or self.data_dir.parent / f"{self.data_dir.name}-s3.log"
        self.startup_timeout = startup_timeout
        self._process: ManagedProcess | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def tansu_environment(self) -> dict[str, str]:
        return s3_environment(self.endpoint)

    def start(self) -> Self:
        """Start the server, create the bucket and return once it is served."""
        if self.running:
            return self
        if port_accepts(LOCALHOST, self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start localbucket")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "servicekit.embedded.s3_server", str(self.data_dir)]
        argv += ["--host", LOCALHOST, "--port", str(self.port)]
        self._process = ManagedProcess("localbucket", argv, log_file=self.log_file)
        self._process.start()
        if not wait_until(self._bucket_created, timeout=self.startup_timeout, alive=self._alive):
            tail = self._process.tail()
            self._process.kill()
            raise RuntimeError(
                f"localbucket did not serve {self.endpoint} within "
                f"{self.startup_timeout:.0f}s; log {self.log_file}:\n{tail}"
            )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._process is not None:
            self._process.stop(timeout)

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()

    def restart(self, timeout: float = 10.0) -> Self:
        self.stop(timeout)
        wait_until(lambda: not port_accepts(LOCALHOST, self.port), timeout=timeout)
        return self.start()

    def tail(self, lines: int = 40) -> str:
        return self._process.tail(lines) if self._process is not None else ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _alive(self) -> bool:
        return self.running

    def _bucket_created(self) -> bool:
        return http_status(f"{self.endpoint}/{self.bucket}", method="PUT") in _BUCKET_OK
