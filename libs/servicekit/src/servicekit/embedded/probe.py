"""Blocking readiness probes that need no event loop (usable from sync and async code)."""

from __future__ import annotations

import contextlib
import socket
import struct
import urllib.error
import urllib.request

LOCALHOST = "127.0.0.1"
_METADATA_API_KEY = 3
_CLIENT_ID = b"servicekit-probe"
# Local probes must not go through an HTTP proxy set in the environment.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port(host: str = LOCALHOST) -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _metadata_v0_request(correlation_id: int) -> bytes:
    # Metadata v0 with an empty topic list asks for all topics and never auto-creates one.
    body = struct.pack(">hhih", _METADATA_API_KEY, 0, correlation_id, len(_CLIENT_ID))
    body += _CLIENT_ID + struct.pack(">i", 0)
    return struct.pack(">i", len(body)) + body


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        data += chunk
    return data


def kafka_metadata_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """True when a Kafka broker answers a Metadata request on host:port."""
    correlation_id = 7919
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(_metadata_v0_request(correlation_id))
            size, answered_id = struct.unpack(">ii", _read_exact(sock, 8))
            _read_exact(sock, size - 4)
    except (OSError, struct.error):
        return False
    return bool(answered_id == correlation_id)


def http_status(url: str, method: str = "GET", timeout: float = 2.0) -> int | None:
    """The HTTP status of a request, or None when nothing answers."""
    request = urllib.request.Request(url, method=method)
    try:
        with _NO_PROXY_OPENER.open(request, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        with contextlib.closing(error):
            return error.code
    except (OSError, ValueError):
        return None
