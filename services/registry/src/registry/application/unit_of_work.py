"""The registry's unit of work: one transaction with the registry's repositories."""

from __future__ import annotations

from registry.adapters.organisation_repository import OrganisationRepository
from registry.adapters.worker_repository import WorkerRepository
from servicekit.access import ApiKeyStore
from servicekit.unit_of_work import UnitOfWork


class RegistryUnitOfWork(UnitOfWork):
    workers: WorkerRepository
    organisations: OrganisationRepository
    api_keys: ApiKeyStore

    def _open(self) -> None:
        self.workers = WorkerRepository(self.conn)
        self.organisations = OrganisationRepository(self.conn)
        self.api_keys = ApiKeyStore(self.conn)
