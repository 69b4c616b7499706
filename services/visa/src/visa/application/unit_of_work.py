"""The visa service's unit of work: one transaction with the service's repositories."""

from __future__ import annotations

from servicekit.unit_of_work import UnitOfWork
from visa.adapters.applicant_repository import ApplicantRepository
from visa.adapters.case_repository import CaseRepository
from visa.adapters.organisation_repository import OrganisationRepository
from visa.adapters.rules_repository import RulesRepository


class VisaUnitOfWork(UnitOfWork):
    applicants: ApplicantRepository
    cases: CaseRepository
    organisations: OrganisationRepository
    rules: RulesRepository

    def _open(self) -> None:
        self.applicants = ApplicantRepository(self.conn)
        self.cases = CaseRepository(self.conn)
        self.organisations = OrganisationRepository(self.conn)
        self.rules = RulesRepository(self.conn)
