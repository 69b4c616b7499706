"""What the visa service knows of an organisation, from the registry's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from visa.domain.errors import OperatorNotLicensed


@dataclass(frozen=True)
class Organisation:
    id: UUID
    kind: str  # lmc, agency, operator, ministry, admin
    active: bool
    licence_number: str | None
    licence_valid_until: date | None

    def check_may_sponsor(self, on: date) -> None:
        """A CoS comes from an active, licensed scheme operator whose licence covers ``on``."""
        if self.kind != "operator":
            raise OperatorNotLicensed(
                "only a UK scheme operator sponsors", field="case.operator_id"
            )
        if not self.active:
            raise OperatorNotLicensed("the operator is deactivated", field="case.operator_id")
        if not self.licence_number:
            raise OperatorNotLicensed("the operator has no licence", field="case.operator_id")
        if self.licence_valid_until is not None and self.licence_valid_until < on:
            raise OperatorNotLicensed(
                f"the operator's licence ended on {self.licence_valid_until.isoformat()}",
                field="case.operator_id",
            )
