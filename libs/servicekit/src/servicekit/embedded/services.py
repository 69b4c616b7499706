"""The services the embedded stack runs, and the environment each one gets.

Environment scheme: every service inherits the caller's environment, then the launcher sets
DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, HTTP_HOST and HTTP_PORT for it, and finally any
`<SERVICE>_<VAR>` in the caller's environment sets VAR for that service alone
(REGISTRY_DATABASE_URL, VISA_HTTP_PORT, NOTIFICATIONS_LOG_LEVEL, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from servicekit.embedded.postgres import LOCAL_ADMIN_DSN, database_dsn
from servicekit.embedded.probe import LOCALHOST

SERVICE_NAMES = ("registry", "visa", "notifications", "reporting")
DEFAULT_BASE_PORT = 8001
MANAGED_VARIABLES = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "HTTP_HOST", "HTTP_PORT")


@dataclass(frozen=True)
class ServiceSpec:
    """A service run as `python -m <module> serve|migrate`, owning the database `name`."""

    name: str
    port: int

    @property
    def module(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return f"{self.name.upper()}_"

    @property
    def default_database_url(self) -> str:
        return database_dsn(LOCAL_ADMIN_DSN, self.name)


def default_services(base_port: int = DEFAULT_BASE_PORT) -> tuple[ServiceSpec, ...]:
    return tuple(ServiceSpec(name, base_port + offset) for offset, name in enumerate(SERVICE_NAMES))


def service_environment(
    spec: ServiceSpec, kafka_bootstrap_servers: str, environ: Mapping[str, str]
) -> dict[str, str]:
    """The full environment of one service process (see the module docstring)."""
    env = dict(environ)
    env.setdefault("PYTHONUNBUFFERED", "1")  # log lines reach the log file at once
    env["DATABASE_URL"] = spec.default_database_url
    env["KAFKA_BOOTSTRAP_SERVERS"] = kafka_bootstrap_servers
    env["HTTP_HOST"] = LOCALHOST
    env["HTTP_PORT"] = str(spec.port)
    for key, value in environ.items():
        if key.startswith(spec.prefix) and len(key) > len(spec.prefix):
            env[key.removeprefix(spec.prefix)] = value
    return env


def uses_local_database(spec: ServiceSpec, env: Mapping[str, str]) -> bool:
    """True unless the caller pointed this service at another database."""
    return env.get("DATABASE_URL") == spec.default_database_url


def reachable_host(env: Mapping[str, str]) -> str:
    """Where to reach a service from this machine (a wildcard bind is reached on loopback)."""
    host = env.get("HTTP_HOST", LOCALHOST)
    return LOCALHOST if host in ("0.0.0.0", "::", "") else host


def base_url(env: Mapping[str, str]) -> str:
    host = reachable_host(env)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env.get('HTTP_PORT', '')}"
