"""Run the system's infrastructure as local child processes: Tansu, local S3, PostgreSQL."""

from servicekit.embedded.postgres import drop_database, ensure_database, ensure_server_running
from servicekit.embedded.s3 import LocalS3
from servicekit.embedded.tansu import TansuBroker

__all__ = [
    "LocalS3",
    "TansuBroker",
    "drop_database",
    "ensure_database",
    "ensure_server_running",
]
