"""The notifications service's configuration (environment only); shared variables come from
the kit. Every variable below is read from the environment under its upper-case name."""

from __future__ import annotations

from datetime import time
from typing import Self

from pydantic import Field, model_validator

from servicekit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8003
    database_url: str = "postgresql://postgres@127.0.0.1:5432/notifications"

    # E-mail over SMTP. Without SMTP_HOST the e-mail channel is off: e-mails wait in the queue.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Field(default=True, description="STARTTLS after connecting.")
    smtp_tls: bool = Field(default=False, description="Implicit TLS (port 465).")
    smtp_from: str = "SWS Notifications <notifications@sws.example>"
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)

    # SMS through the provider's HTTP API. Without SMS_API_BASE_URL the SMS channel is off.
    sms_api_base_url: str | None = None
    sms_api_token: str | None = None
    sms_sender_id: str = "SWS"
    sms_timeout_seconds: float = Field(default=10.0, gt=0)

    # Webhooks to partner organisations (Standard Webhooks).
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_secret_grace_hours: float = Field(
        default=24.0, ge=0, description="How long the previous secret still signs after rotation."
    )
    webhook_allow_private_addresses: bool | None = Field(
        default=None,
        description="Accept endpoint URLs on loopback or private addresses; by default only "
        "outside production.",
    )

    # Contacts told about referred grievances and compliance flags (e-mail).
    ministry_email: str | None = None
    ministry_language: str = Field(default="ru", pattern="^(kk|ru|en)$")
    glaa_email: str | None = None
    glaa_language: str = Field(default="en", pattern="^(kk|ru|en)$")
    support_phone: str = Field(default="1414", description="Hotline quoted in workers' messages.")
    glaa_helpline: str = Field(default="0800 432 0804", description="The GLAA's helpline.")

    # Workers' time zones and SMS quiet hours (local time; start == end turns them off).
    home_time_zone: str = "Asia/Almaty"
    abroad_time_zone: str = "Europe/London"
    sms_quiet_hours_start: time = time(21, 0)
    sms_quiet_hours_end: time = time(8, 0)

    # The delivery sender.
    delivery_sender_enabled: bool = True
    delivery_poll_interval_seconds: float = Field(default=1.0, gt=0)
    delivery_batch_size: int = Field(default=50, ge=1)
    delivery_concurrency: int = Field(default=16, ge=1, description="Sends in flight at once.")
    delivery_concurrency_per_endpoint: int = Field(
        default=2, ge=1, description="Sends in flight to one webhook endpoint at once."
    )
    delivery_concurrency_per_provider: int = Field(
        default=8, ge=1, description="Sends in flight to the SMS provider or the SMTP server."
    )
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_retry_base_seconds: float = Field(default=30.0, gt=0)
    delivery_retry_max_seconds: float = Field(default=3600.0, gt=0)
    circuit_failure_threshold: int = Field(default=5, ge=1)
    circuit_open_seconds: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _retry_ceiling(self) -> Self:
        if self.delivery_retry_max_seconds < self.delivery_retry_base_seconds:
            raise ValueError("DELIVERY_RETRY_MAX_SECONDS is below DELIVERY_RETRY_BASE_SECONDS")
        return self

    @property
    def private_webhook_addresses_allowed(self) -> bool:
        if self.webhook_allow_private_addresses is not None:
            return self.webhook_allow_private_addresses
        return self.environment != "production"

    @property
    def lease_seconds(self) -> float:
        """How long a claimed delivery is ours: longer than any one send can take."""
        longest = max(self.smtp_timeout_seconds, self.sms_timeout_seconds,
                      self.webhook_timeout_seconds)  # fmt: skip
        return 2 * longest + 30
