"""The visa service's configuration (environment only); shared variables come from the kit."""

from __future__ import annotations

from pydantic import Field

from servicekit.settings import ServiceSettings


class VisaSettings(ServiceSettings):
    service_name: str = "visa"
    http_port: int = 8002
    database_url: str = "postgresql://postgres@127.0.0.1:5432/visa"
    # How often the scheduled check runs (lapsed CoS, final refusals, visa expiry notices).
    visa_check_interval_seconds: float = Field(default=3600.0, gt=0)
