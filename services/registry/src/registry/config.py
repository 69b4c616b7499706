"""The registry's configuration (environment only); shared variables come from the kit."""

from __future__ import annotations

from pydantic import Field

from servicekit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    http_port: int = 8001
    database_url: str = "postgresql://postgres@127.0.0.1:5432/registry"
    overstay_check_interval_seconds: float = Field(default=3600.0, gt=0)
