"""Grievances and recruitment fees: allowed at every stage, they never move the journey."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import get_args
from uuid import UUID

from registry.domain import events
from registry.domain.errors import GrievanceNotFound, InvalidWorkerData, PlacementNotFound
from registry.domain.fees import FeeReport
from registry.domain.grievance import (
    Grievance,
    GrievanceCategory,
    GrievanceOutcome,
    RaisedBy,
    Severity,
)
from registry.domain.values import check_choice
from registry.domain.worker_state import WorkerState


class ComplianceSteps(WorkerState):
    def raise_grievance(
        self,
        grievance_id: UUID,
        category: GrievanceCategory,
        severity: Severity,
        raised_by: RaisedBy,
        description: str,
        now: datetime,
        *,
        placement_id: UUID | None = None,
    ) -> Grievance:
        """Record a grievance; ``placement_id`` names the placement (so the operator) at issue."""
        check_choice(category, get_args(GrievanceCategory), "category")
        check_choice(severity, get_args(Severity), "severity")
        check_choice(raised_by, get_args(RaisedBy), "raised_by")
        if any(g.id == grievance_id for g in self.grievances):
            raise InvalidWorkerData("this grievance is recorded already", field="grievance_id")
        operator_id = self._operator_of(placement_id)
        grievance = Grievance(
            grievance_id, category, severity, raised_by, description, now, operator_id, placement_id
        )
        grievance.validate()
        self.grievances.append(grievance)
        self.events.append(
            events.GrievanceRaised(
                self.id, now, grievance_id, category, severity, raised_by, operator_id, placement_id
            )
        )
        return grievance

    def refer_grievance(self, grievance_id: UUID, reference: str, now: datetime) -> Grievance:
        """Refer an open grievance to the GLAA under the GLAA's ``reference``."""
        referred = self._grievance(grievance_id).referred(reference, now)
        self._put_grievance(referred)
        self.events.append(
            events.GrievanceReferred(
                self.id, now, grievance_id, referred.category, referred.severity, reference
            )
        )
        return referred

    def resolve_grievance(
        self, grievance_id: UUID, outcome: GrievanceOutcome, now: datetime
    ) -> Grievance:
        check_choice(outcome, get_args(GrievanceOutcome), "outcome")
        resolved = self._grievance(grievance_id).resolved(outcome, now)
        self._put_grievance(resolved)
        self.events.append(events.GrievanceResolved(self.id, now, grievance_id, outcome))
        return resolved

    def report_recruitment_fee(
        self, amount: Decimal, currency: str, charged_by: UUID, now: datetime
    ) -> FeeReport:
        """Record a fee charged to the worker; any fee above zero is a compliance breach."""
        report = FeeReport(amount, currency, charged_by, now)
        report.validate()
        self.fees.append(report)
        self.events.append(
            events.RecruitmentFeeReported(
                self.id, now, amount, currency, charged_by, report.compliance_breach
            )
        )
        return report

    def _operator_of(self, placement_id: UUID | None) -> UUID | None:
        if placement_id is None:
            return None
        placement = self._placement(placement_id)
        if placement is None:
            raise PlacementNotFound(placement_id)
        return placement.operator_id

    def _grievance(self, grievance_id: UUID) -> Grievance:
        found = next((g for g in self.grievances if g.id == grievance_id), None)
        if found is None:
            raise GrievanceNotFound(grievance_id)
        return found

    def _put_grievance(self, grievance: Grievance) -> None:
        self.grievances = [grievance if g.id == grievance.id else g for g in self.grievances]
