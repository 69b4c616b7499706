"""The registry's unit of work: one transaction with the registry's repositories."""

from __future__ import annotations

from registry.adapters.worker_repository import WorkerRepository
from servicekit.unit_of_work import UnitOfWork


class RegistryUnitOfWork(UnitOfWork):
    workers: WorkerRepository

    def _open(self) -> None:
        self.workers = WorkerRepository(self.conn)
