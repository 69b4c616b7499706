"""The notifications service's configuration (environment only)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8003
    database_url: str = "postgresql://postgres@127.0.0.1:5432/notifications"
