"""The embedded launcher, run against stand-in services written into tmp_path."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import httpx
import pytest

from servicekit.embedded.probe import free_port
from servicekit.embedded.report import describe, mask_password
from servicekit.embedded.services import ServiceSpec, default_services, service_environment
from servicekit.embedded.stack import Stack, StackError, StackOptions

# A service in miniature: `migrate` exits (code from STANDIN_MIGRATE_EXIT), `serve` answers
# every GET with the environment it was given, and exits on SIGTERM.
STAND_IN = textwrap.dedent(
    """
    import json, os, signal, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(dict(os.environ)).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    if sys.argv[1] == "migrate":
        print("migrating", flush=True)
        sys.exit(int(os.environ.get("STANDIN_MIGRATE_EXIT", "0")))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    HTTPServer((os.environ["HTTP_HOST"], int(os.environ["HTTP_PORT"])), Handler).serve_forever()
    """
)


def _write_stand_ins(root: Path, names: list[str]) -> None:
    for name in names:
        package = root / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "__main__.py").write_text(STAND_IN)


def _options(tmp_path: Path, environ: dict[str, str]) -> StackOptions:
    names = ["standin_alpha", "standin_beta"]
    _write_stand_ins(tmp_path / "src", names)
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "src"), **environ)
    for name in names:  # elsewhere than the local server, so no database is created
        env[f"{name.upper()}_DATABASE_URL"] = f"postgresql://u:pw@db.invalid/{name}"
    return StackOptions(
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        kafka_port=free_port(),
        ready_timeout=30,
        services=tuple(ServiceSpec(name, free_port()) for name in names),
        environ=env,
    )


def test_service_environment_defaults_and_per_service_overrides() -> None:
    registry, visa, *_ = default_services(8001)
    caller = {"LOG_LEVEL": "INFO", "VISA_LOG_LEVEL": "DEBUG", "VISA_HTTP_PORT": "9999"}

    env = service_environment(registry, "127.0.0.1:9092", caller)
    assert env["DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5432/registry"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:9092"
    assert (env["HTTP_HOST"], env["HTTP_PORT"], env["LOG_LEVEL"]) == ("127.0.0.1", "8001", "INFO")

    env = service_environment(visa, "127.0.0.1:9092", caller)
    assert (env["HTTP_PORT"], env["LOG_LEVEL"]) == ("9999", "DEBUG")
    assert env["DATABASE_URL"].endswith("/visa")


def test_default_ports() -> None:
    ports = {spec.name: spec.port for spec in default_services()}
    assert ports == {"registry": 8001, "visa": 8002, "notifications": 8003, "reporting": 8004}


def test_mask_password() -> None:
    assert mask_password("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert mask_password("postgresql://postgres@h/db") == "postgresql://postgres@h/db"


async def test_stack_starts_serves_and_stops_everything(tmp_path: Path) -> None:
    options = _options(tmp_path, {"STANDIN_BETA_LOG_LEVEL": "DEBUG"})
    stack = Stack(options)
    try:
        await stack.start()
        assert stack.dead_child() is None
        beta = stack.specs[1]
        async with httpx.AsyncClient(trust_env=False) as client:
            seen = (await client.get(f"http://127.0.0.1:{beta.port}/readyz")).json()
        assert seen["KAFKA_BOOTSTRAP_SERVERS"] == stack.broker.bootstrap_servers
        assert seen["DATABASE_URL"] == "postgresql://u:pw@db.invalid/standin_beta"
        assert seen["LOG_LEVEL"] == "DEBUG"
        table = describe(stack)
        assert f"http://127.0.0.1:{beta.port}/docs" in table
        assert "u:***@db.invalid" in table
        assert "migrating" in (options.log_dir / "standin_alpha.log").read_text()
    finally:
        pids = [p.pid for p in stack.processes.values()] + [stack.broker.pid]
        stack.stop()
    for pid in pids:
        assert pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_failed_migration_reports_the_log_tail(tmp_path: Path) -> None:
    stack = Stack(_options(tmp_path, {"STANDIN_MIGRATE_EXIT": "3"}))
    try:
        with pytest.raises(StackError, match=r"migrate exited with code 3[\s\S]*migrating"):
            await stack.start()
    finally:
        stack.stop()
    assert not stack.broker.running


async def test_busy_port_is_refused_before_anything_starts(tmp_path: Path) -> None:
    options = _options(tmp_path, {})
    first = Stack(options)
    await first.start()
    try:
        with pytest.raises(StackError, match="already in use"):
            await Stack(options).start()
    finally:
        first.stop()
