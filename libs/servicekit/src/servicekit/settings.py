"""Configuration from the environment only (pydantic-settings)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Settings every service shares. A service subclasses it to add its own and its defaults."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_pool_min: int = Field(default=2, ge=1)
    database_pool_max: int = Field(default=10, ge=1)
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter_otlp_endpoint: str | None = None
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    # Requests per API key and service process (servicekit.http.rate_limit); 0 turns it off.
    rate_limit_per_minute: int = Field(default=1200, ge=0)
    rate_limit_burst: int = Field(default=240, ge=1)
    migrate_on_start: bool = True
    create_topics_on_start: bool = True

    outbox_batch_size: int = Field(default=500, ge=1)
    outbox_poll_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_retention_days: float = Field(default=14.0, ge=0)
    outbox_max_backoff_seconds: float = Field(default=30.0, gt=0)

    idempotency_retention_hours: float = Field(default=48.0, gt=0)

    consumer_max_attempts: int = Field(default=5, ge=1)
    # Records applied in one transaction, with one offset commit (servicekit.messaging).
    consumer_max_batch: int = Field(default=200, ge=1)
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=1000)
    consumer_heartbeat_interval_ms: int = Field(default=1_000, ge=100)

    @field_validator("database_url")
    @classmethod
    def _postgres_scheme(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return value

    @property
    def consumer_group(self) -> str:
        return self.service_name
