"""The reporting service's configuration (environment only)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from servicekit.settings import ServiceSettings

# Only for development and tests: production refuses to start without its own key (bootstrap).
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-not-for-production"


class ReportingSettings(ServiceSettings):
    service_name: str = "reporting"
    http_port: int = 8004
    database_url: str = "postgresql://postgres@127.0.0.1:5432/reporting"

    # The HMAC key that turns worker ids into pseudonymous ids (exports, the analytics stream).
    # Keep it secret and stable: a new key gives every worker a new pseudonymous id (rebuild).
    pseudonym_key: SecretStr = SecretStr(DEVELOPMENT_PSEUDONYM_KEY)
    # Signs the dashboard's short-lived view tokens; derived from PSEUDONYM_KEY when unset.
    dashboard_token_key: SecretStr | None = None
    dashboard_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Rows fetched per round trip by the streamed exports (server-side cursor).
    export_batch_size: int = Field(default=2000, ge=1, le=100_000)
    # Statistics kept until the projections change (application/figure_cache.py): at most this
    # many answers, each for at most this many seconds (0 turns the cache off).
    figure_cache_entries: int = Field(default=2000, ge=1, le=1_000_000)
    figure_cache_seconds: float = Field(default=300, ge=0, le=86_400)

    @property
    def uses_development_pseudonym_key(self) -> bool:
        return self.pseudonym_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY
