"""A partner organisation's webhook endpoint: where its webhooks go, and the secret that signs
them. The secret is shown to the organisation once, when created or rotated."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from notifications.domain.errors import InvalidEndpoint
from notifications.domain.values import Language

MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class WebhookEndpoint:
    id: UUID
    organisation_id: UUID
    url: str
    secret: str
    language: Language
    enabled: bool
    created_at: datetime
    updated_at: datetime
    previous_secret: str | None = None
    previous_secret_expires_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        endpoint_id: UUID,
        organisation_id: UUID,
        url: str,
        secret: str,
        language: Language,
        now: datetime,
        allow_private: bool,
    ) -> WebhookEndpoint:
        return cls(
            id=endpoint_id,
            organisation_id=organisation_id,
            url=checked_url(url, allow_private=allow_private),
            secret=secret,
            language=language,
            enabled=True,
            created_at=now,
            updated_at=now,
        )

    def changed(
        self,
        *,
        now: datetime,
        allow_private: bool,
        url: str | None = None,
        language: Language | None = None,
        enabled: bool | None = None,
    ) -> WebhookEndpoint:
        return replace(
            self,
            url=self.url if url is None else checked_url(url, allow_private=allow_private),
            language=self.language if language is None else language,
            enabled=self.enabled if enabled is None else enabled,
            updated_at=now,
        )

    def rotated(self, new_secret: str, *, now: datetime, grace: timedelta) -> WebhookEndpoint:
        """A new secret; the old one still signs (beside the new) until ``now + grace``, so a
        receiver can switch over without rejecting webhooks in between."""
        return replace(
            self,
            secret=new_secret,
            previous_secret=self.secret if grace > timedelta(0) else None,
            previous_secret_expires_at=now + grace if grace > timedelta(0) else None,
            updated_at=now,
        )

    def signing_secrets(self, now: datetime) -> list[str]:
        secrets = [self.secret]
        expires = self.previous_secret_expires_at
        if self.previous_secret and expires is not None and expires > now:
            secrets.append(self.previous_secret)
        return secrets

    def snapshot(self) -> dict[str, object]:
        """For the audit log: never the secrets."""
        return {
            "organisation_id": str(self.organisation_id),
            "url": self.url,
            "language": self.language.value,
            "enabled": self.enabled,
            "previous_secret_expires_at": (
                self.previous_secret_expires_at.isoformat()
                if self.previous_secret_expires_at
                else None
            ),
        }


def checked_url(url: str, *, allow_private: bool) -> str:
    """An absolute http(s) URL with a host, no credentials and no fragment. Unless
    ``allow_private``, a literal loopback, private, link-local or reserved IP address is
    refused (a partner must not make the service call into its own network)."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidEndpoint(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidEndpoint(f"not a URL: {error}") from error
    if parts.scheme not in ("http", "https"):
        raise InvalidEndpoint("the URL must start with http:// or https://")
    if not parts.hostname:
        raise InvalidEndpoint("the URL has no host")
    if parts.username or parts.password:
        raise InvalidEndpoint("the URL must not carry credentials; the signature authenticates")
    if parts.fragment:
        raise InvalidEndpoint("the URL must not have a fragment")
    if port == 0:
        raise InvalidEndpoint("the URL's port must not be 0")
    if not allow_private and _private(parts.hostname):
        raise InvalidEndpoint("the URL points at a loopback, private or reserved address")
    return url


def _private(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global
