"""Errors of the registry's rules; the API maps each to a problem response in one place."""

from __future__ import annotations

from uuid import UUID


class DomainError(Exception):
    """A rule of the registry was broken. ``field`` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class WorkerNotFound(DomainError):
    def __init__(self, worker_id: UUID) -> None:
        super().__init__(f"no worker {worker_id}")
        self.worker_id = worker_id


class DuplicateWorker(DomainError):
    """The IIN is registered already (by any organisation)."""

    def __init__(self, existing_worker_id: UUID) -> None:
        super().__init__("a worker with this IIN is registered already", field="iin")
        self.existing_worker_id = existing_worker_id


class InvalidWorkerData(DomainError):
    pass
