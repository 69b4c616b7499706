"""The table printed once the embedded system is up: where everything listens."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from servicekit.embedded.services import base_url
from servicekit.embedded.stack import Stack


def mask_password(dsn: str) -> str:
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def format_rows(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join("  " + line.rstrip() for line in lines)


def storage_note(stack: Stack) -> str:
    if stack.options.durable:
        data = stack.s3.data_dir
        return f"Tansu, durable storage in {data} via S3 at {stack.s3.endpoint}"
    return "Tansu, memory storage: emptied when it stops"


def describe(stack: Stack) -> str:
    rows: list[list[str]] = [["service", "API", "OpenAPI docs", "metrics", "database"]]
    for spec in stack.specs:
        env = stack.envs[spec.name]
        url = base_url(env)
        database = mask_password(env.get("DATABASE_URL", ""))
        rows.append([spec.name, url, f"{url}/docs", f"{url}/metrics", database])
    lines = [
        "The system is up. Ctrl-C stops it.",
        "",
        format_rows(rows),
        "",
        f"  broker    {stack.broker.bootstrap_servers} ({storage_note(stack)})",
        f"  logs      {stack.log_dir}/<service>.log (broker.log for the broker)",
    ]
    return "\n".join(lines)
