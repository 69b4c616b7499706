"""Travel: one trip per season, from departure through arrival and contract end to return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from registry.domain.values import check_money

ContractEndReason = Literal["completed", "terminated_by_operator", "terminated_by_worker", "other"]


@dataclass(frozen=True)
class FollowUp:
    """What the worker reported after return, for the ministry's evaluation (GBP)."""

    wishes_to_return: bool
    earnings: Decimal | None = None
    remittances: Decimal | None = None

    def validate(self) -> None:
        if self.earnings is not None:
            check_money(self.earnings, "follow_up.earnings")
        if self.remittances is not None:
            check_money(self.remittances, "follow_up.remittances")


@dataclass(frozen=True)
class Trip:
    """Frozen: each step of the trip is recorded as a new value replacing the old one."""

    season: int
    placement_id: UUID
    departure_date: date
    flight_number: str | None = None
    route: str | None = None
    arrival_date: date | None = None
    confirmed_by: UUID | None = None
    contract_end: date | None = None
    contract_end_reason: ContractEndReason | None = None
    return_date: date | None = None
    follow_up: FollowUp | None = None

    @property
    def last_known_date(self) -> date:
        """The latest date recorded so far, which the next step may not precede."""
        recorded = (self.departure_date, self.arrival_date, self.contract_end)
        return max(day for day in recorded if day is not None)
