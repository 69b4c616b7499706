"""The visa service's unit of work."""

from __future__ import annotations

from servicekit.unit_of_work import UnitOfWork
from visa.adapters.repositories import ApplicantRepository, CaseRepository


class VisaUnitOfWork(UnitOfWork):
    applicants: ApplicantRepository
    cases: CaseRepository

    def _open(self) -> None:
        self.applicants = ApplicantRepository(self.conn)
        self.cases = CaseRepository(self.conn)
