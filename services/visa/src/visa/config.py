"""The visa service's configuration (environment only)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class VisaSettings(ServiceSettings):
    service_name: str = "visa"
    http_port: int = 8002
    database_url: str = "postgresql://postgres@127.0.0.1:5432/visa"
