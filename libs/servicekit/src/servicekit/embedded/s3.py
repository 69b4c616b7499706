"""A local S3-compatible server (localbucket) keeping buckets as folders, for durable Tansu."""

from __future__ import annotations

import sys
from pathlib import Path

from servicekit.embedded.probe import LOCALHOST, free_port, http_status
from servicekit.embedded.server import LocalServer
from servicekit.embedded.tansu import s3_environment

# 200 = created; 409 = it exists already (BucketAlreadyOwnedByYou).
_BUCKET_OK = (200, 409)


class LocalS3(LocalServer):
    """localbucket serving data_dir on 127.0.0.1; creates the bucket Tansu writes to."""

    name = "localbucket"

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
        super().__init__(
            port if port else free_port(),
            log_file or self.data_dir.parent / f"{self.data_dir.name}-s3.log",
            startup_timeout,
        )
        self.bucket = bucket

    @property
    def endpoint(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def tansu_environment(self) -> dict[str, str]:
        return s3_environment(self.endpoint)

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def _argv(self) -> list[str]:
        argv = [sys.executable, "-m", "servicekit.embedded.s3_server", str(self.data_dir)]
        return [*argv, "--host", LOCALHOST, "--port", str(self.port)]

    def _ready(self) -> bool:
        return self._bucket_created()

    def _bucket_created(self) -> bool:
        return http_status(f"{self.endpoint}/{self.bucket}", method="PUT") in _BUCKET_OK
