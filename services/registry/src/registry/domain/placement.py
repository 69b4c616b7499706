"""Placements: a UK scheme operator's offer of seasonal work on a farm, and its answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, get_args
from uuid import UUID

from registry.domain.errors import InvalidWorkerData
from registry.domain.values import (
    LONG_TEXT,
    SIX_MONTHS_DAYS,
    check_money,
    check_optional_text,
    check_text,
    last_day_within_limit,
)

Sector = Literal["horticulture", "poultry"]
MAX_HOURS_PER_WEEK = Decimal(84)  # the contracts' bound: 12 hours a day, 7 days a week
_TENTH = Decimal("0.1")


class PlacementStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # No longer going ahead: the worker withdrew, or took a new offer after a visa refusal.
    WITHDRAWN = "withdrawn"
    ENDED = "ended"  # the worker went and the placement is over


@dataclass(frozen=True)
class Accommodation:
    provided: bool
    weekly_cost: Decimal | None = None  # GBP a week, deducted from wages; None when free
    description: str | None = None


@dataclass(frozen=True)
class Placement:
    """An offer's terms and where it stands. Frozen: a change of status is a new value."""

    id: UUID
    operator_id: UUID
    farm_name: str
    sector: Sector
    uk_region: str
    start_date: date
    end_date: date
    hourly_wage: Decimal  # GBP, gross
    hours_per_week: Decimal
    accommodation: Accommodation
    status: PlacementStatus = PlacementStatus.OFFERED
    offered_at: datetime | None = None
    answered_at: datetime | None = None
    decline_reason: str | None = None


def validate_terms(placement: Placement) -> None:
    """Raise InvalidWorkerData, naming the field, for the first term that breaks a rule."""
    check_text(placement.farm_name, "farm_name")
    check_text(placement.uk_region, "uk_region")
    if placement.sector not in get_args(Sector):
        raise InvalidWorkerData("the sector is horticulture or poultry", field="sector")
    _check_dates(placement)
    check_money(placement.hourly_wage, "hourly_wage", positive=True)
    _check_hours(placement.hours_per_week)
    _check_accommodation(placement.accommodation)


def _check_dates(placement: Placement) -> None:
    if placement.end_date <= placement.start_date:
        raise InvalidWorkerData("the placement must end after it starts", field="end_date")
    if placement.end_date > last_day_within_limit(placement.start_date):
        raise InvalidWorkerData(
            f"a placement lasts at most {SIX_MONTHS_DAYS} days (6 months), start and end included",
            field="end_date",
        )


def _check_hours(hours: Decimal) -> None:
    if not hours.is_finite() or not 0 < hours <= MAX_HOURS_PER_WEEK:
        raise InvalidWorkerData(
            f"hours_per_week must be more than 0 and at most {MAX_HOURS_PER_WEEK}",
            field="hours_per_week",
        )
    if hours != hours.quantize(_TENTH):
        raise InvalidWorkerData("hours_per_week has at most one decimal", field="hours_per_week")


def _check_accommodation(accommodation: Accommodation) -> None:
    cost = accommodation.weekly_cost
    if cost is not None:
        if not accommodation.provided:
            raise InvalidWorkerData(
                "a weekly cost needs accommodation provided", field="accommodation.weekly_cost"
            )
        check_money(cost, "accommodation.weekly_cost")
    check_optional_text(accommodation.description, "accommodation.description", LONG_TEXT)
