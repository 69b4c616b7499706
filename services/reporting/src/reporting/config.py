"""The reporting service's configuration (environment only)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    service_name: str = "reporting"
    http_port: int = 8004
    database_url: str = "postgresql://postgres@127.0.0.1:5432/reporting"
