"""Recruitment fees reported as charged to the worker.

Fair recruitment (ILO) forbids charging workers any recruitment fee, so every fee above zero is
a compliance breach. A zero report is kept too: it is evidence that someone asked.

A report does not raise a grievance by itself: a grievance needs an id, a severity, who raised
it and an account, which the domain would have to invent. The fee event carries its own
compliance flag for the ministry and the GLAA, and anyone may still raise a recruitment_fee
grievance about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from registry.domain.values import check_currency, check_money


@dataclass(frozen=True)
class FeeReport:
    amount: Decimal
    currency: str  # ISO 4217, e.g. KZT or GBP
    charged_by: UUID  # the organisation that charged it
    reported_at: datetime

    @property
    def compliance_breach(self) -> bool:
        return self.amount > 0

    def validate(self) -> None:
        check_money(self.amount, "amount")
        check_currency(self.currency)
