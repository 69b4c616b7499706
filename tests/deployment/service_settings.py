"""What the deployment files must agree with: each service's settings and default port."""

from __future__ import annotations

from notifications.config import NotificationsSettings
from registry.config import RegistrySettings
from reporting.config import ReportingSettings
from servicekit.settings import ServiceSettings
from visa.config import VisaSettings

SETTINGS: dict[str, type[ServiceSettings]] = {
    "registry": RegistrySettings,
    "visa": VisaSettings,
    "notifications": NotificationsSettings,
    "reporting": ReportingSettings,
}
SERVICES = tuple(SETTINGS)


def default_port(service: str) -> int:
    return SETTINGS[service].model_fields["http_port"].default  # type: ignore[no-any-return]


def setting_names(service: str) -> set[str]:
    """The environment variables a service's settings class reads (field names, upper-cased)."""
    return {name.upper() for name in SETTINGS[service].model_fields}
