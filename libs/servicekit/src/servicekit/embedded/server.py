"""A local server run as a managed child process: start, stop, kill, restart on its port."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from servicekit.embedded.probe import LOCALHOST, port_accepts
from servicekit.embedded.process import ManagedProcess, wait_until


class LocalServer:
    """Subclasses say how to run the server and when it is ready; ``start`` does the rest."""

    name = "server"

    def __init__(self, port: int, log_file: Path, startup_timeout: float) -> None:
        self.port = port
        self.log_file = log_file
        self.startup_timeout = startup_timeout
        self._process: ManagedProcess | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> Self:
        """Start the server and return once it is ready; its log tail on failure."""
        if self.running:
            return self
        if port_accepts(LOCALHOST, self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start {self.name}")
        self._prepare()
        self._process = ManagedProcess(
            self.name, self._argv(), log_file=self.log_file, env=self._environment()
        )
        self._process.start()
        if not wait_until(self._ready, timeout=self.startup_timeout, alive=lambda: self.running):
            tail = self._process.tail()
            self._process.kill()
            raise RuntimeError(
                f"{self.name} was not ready on port {self.port} within "
                f"{self.startup_timeout:.0f}s; log {self.log_file}:\n{tail}"
            )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after the timeout."""
        if self._process is not None:
            self._process.stop(timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self._process is not None:
            self._process.kill()

    def restart(self, timeout: float = 10.0) -> Self:
        """Stop and start again on the same port, so that clients can reconnect."""
        self.stop(timeout)
        wait_until(lambda: not port_accepts(LOCALHOST, self.port), timeout=timeout)
        return self.start()

    def tail(self, lines: int = 40) -> str:
        return self._process.tail(lines) if self._process is not None else ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _prepare(self) -> None:
        """Work before the process starts (e.g. creating its data folder)."""

    def _argv(self) -> list[str]:
        raise NotImplementedError

    def _environment(self) -> dict[str, str] | None:
        return None  # inherit ours

    def _ready(self) -> bool:
        raise NotImplementedError
